/**
 * `codex-agent demo` (issue 9): the whole product on a scratch repo, through the commands a user
 * types — tasks added, planned into waves, launched to the supervisor, run by the demo agent in
 * hydrated worktrees, validated (with auto-fix), checked for conflicts (the radar), resolved,
 * completed, and the next wave started, until everything is merged.
 */
import { runGit } from '../git/run.js';
import { jsonOf, runCli, type CliResult } from './cli-child.js';
import { DEMO_TASKS } from './project.js';
import type { Scratch } from './scratch.js';

/** One line of progress: the step it belongs to and what happened. */
export interface DemoEvent {
  step: 'setup' | 'plan' | 'launch' | 'run' | 'validate' | 'radar' | 'merge' | 'resolve' | 'complete' | 'done';
  text: string;
}

export interface DemoSummary {
  scratch: string;
  repo: string;
  tasks: number;
  waves: number;
  merged: string[];
  seconds: number;
  steps: DemoEvent[];
  /** The scratch repo's tests on main after the last merge. */
  testsPass: boolean;
}

interface TaskRow {
  slug: string;
  status: string;
  statusReason: string | null;
}
interface Plan {
  waves: { number: number; slugs: string[] }[];
}

/** How long the whole demo may take before it gives up. */
const DEMO_TIMEOUT_MS = 180_000;
const POLL_MS = 300;

/** A command of the demo failed in a way the demo cannot go on from. */
export class DemoFailure extends Error {}

/** The demo was told to stop (Ctrl-C, SIGTERM): its supervisor and agents are stopped. */
export class DemoInterrupted extends DemoFailure {}

const sleep = (ms: number) => new Promise((done) => setTimeout(done, ms));

/**
 * Runs the flow in `scratch`; `onEvent` gets every progress line. When `signal` aborts, the demo
 * stops at the next command or poll with `DemoInterrupted`, after stopping the supervisor.
 */
export async function runDemo(scratch: Scratch, onEvent: (event: DemoEvent) => void, signal?: AbortSignal): Promise<DemoSummary> {
  const started = Date.now();
  const steps: DemoEvent[] = [];
  const note = (step: DemoEvent['step'], text: string) => {
    const event = { step, text };
    steps.push(event);
    onEvent(event);
  };
  const interrupted = () => {
    if (signal?.aborted) throw new DemoInterrupted('interrupted');
  };
  const cli = async (argv: string[], ok: (r: CliResult) => boolean = (r) => r.code === 0): Promise<CliResult> => {
    interrupted();
    const result = await runCli(argv, scratch.repo, scratch.env);
    // A Ctrl-C at the terminal reaches the command too: report the interruption, not its exit.
    interrupted();
    if (!ok(result)) throw new DemoFailure(`codex-agent ${argv.join(' ')} exited with ${result.code}: ${(result.stderr || result.stdout).trim().slice(0, 2000)}`);
    return result;
  };
  const tasks = async () => jsonOf<TaskRow[]>(await cli(['task', 'list', '--json'])) ?? [];

  note('setup', `scratch repo ${scratch.repo} (textkit: a small Node library, tests with node --test)`);
  note('setup', 'worker, validator and resolver: the scripted DEMO AGENT (not an AI), see .codex-agent/config.toml');
  for (const task of DEMO_TASKS) {
    await cli(['task', 'add', task.title, '--slug', task.slug, '--goal', task.goal, '--files', task.files.join(','), ...(task.deps.length ? ['--deps', task.deps.join(',')] : []), '--json']);
    note('setup', `task add ${task.slug}${task.deps.length ? ` (after ${task.deps.join(', ')})` : ''} — files ${task.files.join(', ')}`);
  }
  const plan = jsonOf<Plan>(await cli(['manager', 'plan', '--json']));
  const waves = plan?.waves ?? [];
  for (const wave of waves) note('plan', `wave ${wave.number}: ${wave.slugs.join(', ')}`);

  const seen = new Map<string, string>();
  let wave = 0;
  try {
    for (;;) {
      if (Date.now() - started > DEMO_TIMEOUT_MS) throw new DemoFailure(`the demo did not finish within ${DEMO_TIMEOUT_MS / 1000} s`);
      let rows = await tasks();
      if (rows.every((t) => t.status === 'done')) break;
      const bad = rows.find((t) => ['stuck', 'failed', 'cancelled'].includes(t.status));
      if (bad) throw new DemoFailure(`${bad.slug} is ${bad.status}: ${bad.statusReason ?? ''}`);
      if (rows.some((t) => t.status === 'ready') && !rows.some((t) => t.status === 'running')) {
        wave++;
        const launched = jsonOf<{ started: string[] }>(await cli(['manager', 'launch', '--all', '--json']));
        note('launch', launched?.started.length ? `wave ${wave}: manager launch → the supervisor starts ${launched.started.join(', ')}` : `wave ${wave}: the supervisor already started the ready tasks on its own (their dependencies are done)`);
      }
      // Follow the agents until none runs or waits to start.
      while (rows.some((t) => t.status === 'running' || t.status === 'ready')) {
        for (const t of rows) if (seen.get(t.slug) !== t.status) {
          if (t.status === 'running' || t.status === 'review') note('run', `${t.slug}: ${t.status}${t.statusReason ? ` (${t.statusReason})` : ''}`);
          seen.set(t.slug, t.status);
        }
        await sleep(POLL_MS);
        interrupted();
        if (Date.now() - started > DEMO_TIMEOUT_MS) throw new DemoFailure(`the demo did not finish within ${DEMO_TIMEOUT_MS / 1000} s`);
        rows = await tasks();
      }
      for (const t of rows) if (seen.get(t.slug) !== t.status) {
        if (t.status === 'review') note('run', `${t.slug}: review (${t.statusReason ?? 'the agent finished'})`);
        seen.set(t.slug, t.status);
      }
      const review = rows.filter((t) => t.status === 'review');
      if (review.length === 0) {
        const bad = rows.find((t) => t.status !== 'done' && t.status !== 'todo');
        if (bad) throw new DemoFailure(`${bad.slug} is ${bad.status}: ${bad.statusReason ?? ''}`);
        if (!rows.some((t) => t.status === 'ready')) throw new DemoFailure('nothing can run: every open task waits on another');
        continue;
      }
      if (review.length > 1) await radar(cli, note);
      for (const task of review) await finish(task.slug, cli, note);
    }
  } finally {
    // --now waits until the supervisor has exited, so the scratch folder can go right after.
    await runCli(['manager', 'stop', '--now'], scratch.repo, scratch.env);
  }
  const tests = await runCommand(scratch.repo);
  note('done', `main: ${tests ? 'the tests pass' : 'the tests FAIL'} after merging ${DEMO_TASKS.length} tasks`);
  const log = await runGit(['log', '--oneline', 'main'], { cwd: scratch.repo });
  return {
    scratch: scratch.dir, repo: scratch.repo, tasks: DEMO_TASKS.length, waves: Math.max(wave, waves.length), merged: DEMO_TASKS.map((t) => t.slug),
    seconds: Math.round((Date.now() - started) / 100) / 10, steps, testsPass: tests && log.stdout.length > 0,
  };
}

type Cli = (argv: string[], ok?: (r: CliResult) => boolean) => Promise<CliResult>;
type Note = (step: DemoEvent['step'], text: string) => void;

/** `merge check --all`: the conflict radar over the branches waiting in review. */
async function radar(cli: Cli, note: Note) {
  const result = await cli(['merge', 'check', '--all'], (r) => r.code <= 1);
  const lines = result.stdout.split('\n').filter((line) => line.trim());
  note('radar', `merge check --all (exit ${result.code}: ${result.code ? 'conflicts predicted' : 'all clean'})`);
  for (const line of lines.slice(0, 12)) note('radar', `  ${line}`);
}

/** Validate (with auto-fix), check the merge, resolve if needed, complete. */
async function finish(slug: string, cli: Cli, note: Note) {
  const validated = await cli(['task', 'validate', slug, '--auto-fix', '--json'], (r) => r.code <= 1);
  const last = validated.stdout.trim().split('\n').at(-1) ?? '';
  const verdict = jsonOf<{ result: { pass: boolean; rounds: { verdict: { pass: boolean; summary: string } }[] } }>({ ...validated, stdout: last })?.result;
  for (const [i, round] of (verdict?.rounds ?? []).entries()) {
    if (i > 0) note('validate', `${slug}: auto-fix — the findings went back to the worker's session; it fixed the code`);
    note('validate', `${slug}: round ${i + 1} ${round.verdict.pass ? 'passed' : 'failed'} — ${round.verdict.summary}`);
  }
  if (!verdict?.pass) throw new DemoFailure(`${slug} did not pass validation: ${validated.stdout.slice(-1500)}`);
  const check = await cli(['merge', 'check', slug], (r) => r.code <= 1);
  if (check.code === 1) {
    note('merge', `${slug}: merge check predicts a conflict with main`);
    const resolved = await cli(['merge', 'resolve', slug]);
    for (const line of resolved.stdout.split('\n').filter((l) => l.trim()).slice(-4)) note('resolve', `${slug}: ${line.trim()}`);
  } else note('merge', `${slug}: merge check — merges cleanly`);
  await cli(['task', 'complete', slug]);
  note('complete', `${slug}: merged into main, worktree removed, dependents readied`);
}

async function runCommand(cwd: string): Promise<boolean> {
  const { execFile } = await import('node:child_process');
  return new Promise((done) => execFile(process.execPath, ['--test'], { cwd }, (error) => done(!error)));
}
