import { spawn } from 'node:child_process';
import { rmSync } from 'node:fs';
import { CodexAgentError } from '../../core/errors.js';
import { CLI_BIN } from '../../core/demo/cli-child.js';
import { DemoFailure, DemoInterrupted, runDemo, type DemoEvent, type DemoSummary } from '../../core/demo/flow.js';
import { createScratch, type Scratch } from '../../core/demo/scratch.js';
import { abortOnSignals } from '../abort-on-signals.js';
import type { Context } from '../context.js';
import { paint, printJson, type Output } from '../output.js';

interface DemoOptions {
  dir?: string;
  keep?: boolean;
  tui?: boolean;
  json?: boolean;
}

const STEP_STYLE: Record<DemoEvent['step'], Parameters<typeof paint>[1]> = {
  setup: 'gray', plan: 'cyan', launch: 'blue', run: 'blue', validate: 'yellow', radar: 'magenta', merge: 'magenta', resolve: 'magenta', complete: 'green', done: 'green',
};

/** A word a POSIX shell reads back as itself. */
const shellWord = (text: string) => (/^[\w./:=@%+,-]+$/.test(text) ? text : `'${text.replaceAll("'", "'\\''")}'`);

/** The command that shows a kept scratch repo again: the demo's own XDG directories, then codex-agent. */
function lookAgain(scratch: Scratch): string {
  const vars = ['XDG_CONFIG_HOME', 'XDG_STATE_HOME', 'XDG_DATA_HOME', 'XDG_CACHE_HOME'].map((name) => `${name}=${shellWord(scratch.env[name] ?? '')}`);
  return `cd ${shellWord(scratch.repo)} && env ${vars.join(' ')} codex-agent status --tui`;
}

/**
 * `--tui`: the dashboard (`status --tui`) owns the terminal until the user quits it, so the steps
 * are held back meanwhile and printed when it closes; if the demo is still going then, it goes on
 * printing its steps as without `--tui`.
 */
function openDashboard(output: Output, scratch: Scratch, emit: (event: DemoEvent) => void, isFinished: () => boolean) {
  const held: DemoEvent[] = [];
  let open = true;
  const child = spawn(process.execPath, [CLI_BIN, 'status', '--tui'], { cwd: scratch.repo, env: scratch.env, stdio: 'inherit' });
  const closed = new Promise<void>((done) => {
    const release = (problem?: string) => {
      if (!open) return;
      open = false;
      if (problem) output.err(problem);
      for (const event of held.splice(0)) emit(event);
      if (!isFinished()) output.err('The dashboard closed; the demo goes on here (Ctrl-C stops it).');
      done();
    };
    child.once('exit', () => release());
    child.once('error', (err) => release(`The dashboard could not start (${err.message}); the demo goes on here.`));
  });
  return {
    closed,
    /** Holds the step while the dashboard is open; false once it is closed. */
    hold: (event: DemoEvent) => open && held.push(event) > 0,
    stop: () => void child.kill('SIGTERM'),
  };
}

function printSummary(output: Output, summary: DemoSummary, scratch: Scratch, keep: boolean): void {
  output.out('');
  output.out(paint(output, 'bold', 'Summary'));
  output.out(`  ${summary.tasks} tasks in ${summary.waves} waves, all merged into main in ${summary.seconds} s: ${summary.merged.join(', ')}`);
  const count = (step: DemoEvent['step']) => summary.steps.filter((s) => s.step === step).length;
  output.out(`  plan: ${count('plan')} waves · launches: ${count('launch')} · validation rounds: ${summary.steps.filter((s) => s.step === 'validate' && /round \d/.test(s.text)).length} (auto-fix: ${summary.steps.filter((s) => s.text.includes('auto-fix')).length})`);
  output.out(`  conflicts predicted by the radar and resolved by the resolver: ${summary.steps.filter((s) => s.step === 'resolve').length}`);
  output.out(`  the project's tests on main: ${summary.testsPass ? 'pass' : 'FAIL'}`);
  if (keep) {
    output.out(`  The scratch repo is kept: ${summary.repo}`);
    output.out(`  Look at it again (the demo keeps its own tasks and state under ${summary.scratch}/xdg):\n    ${lookAgain(scratch)}`);
  } else output.out(`  The scratch folder ${summary.scratch} was removed (keep it with --keep).`);
  output.out('Next: run it on your own repo — codex-agent init, then codex-agent task add (see the README).');
}

/** `codex-agent demo [--dir DIR] [--keep] [--tui] [--json]` */
export async function demoCommand(ctx: Context, terminal: Output, options: DemoOptions): Promise<number> {
  if (options.tui && !(process.stdout.isTTY && process.stdin.isTTY)) {
    throw new CodexAgentError('usage', 'demo --tui needs a terminal: the dashboard draws on the screen.', { hint: 'Run it in a terminal, or without --tui.' });
  }
  // A closed terminal (SIGHUP) stops the demo too, so that its supervisor does not linger; the
  // terminal is gone then, and writing to it (EIO) would end the process before it cleaned up.
  const hangup = new AbortController();
  const onHangup = () => hangup.abort(new Error('interrupted by SIGHUP'));
  process.on('SIGHUP', onHangup);
  const output: Output = {
    ...terminal,
    out: (text) => void (hangup.signal.aborted || terminal.out(text)),
    err: (text) => void (hangup.signal.aborted || terminal.err(text)),
  };
  try {
    return await demo(ctx, output, options, hangup.signal);
  } finally {
    process.off('SIGHUP', onHangup);
  }
}

async function demo(ctx: Context, output: Output, options: DemoOptions, hangup: AbortSignal): Promise<number> {
  const scratch = await createScratch(options.dir, ctx.env);
  const keep = Boolean(options.keep || options.dir);
  if (!output.json) {
    output.out(paint(output, 'bold', 'codex-agent demo') + ' — the whole product on a scratch repo, with a scripted DEMO AGENT (no AI, no API key).');
    output.out(`Scratch folder: ${scratch.dir}`);
  }
  const emit = (event: DemoEvent) => {
    if (output.json) output.out(JSON.stringify({ type: 'step', ...event }));
    else output.out(`${paint(output, STEP_STYLE[event.step], event.step.padEnd(8))} ${event.text}`);
  };
  let finished = false;
  const dashboard = options.tui ? openDashboard(output, scratch, emit, () => finished) : undefined;
  const signals = abortOnSignals();
  let summary: DemoSummary;
  try {
    summary = await runDemo(scratch, (event) => {
      if (!dashboard?.hold(event)) emit(event);
    }, AbortSignal.any([signals.signal, hangup]));
  } catch (err) {
    finished = true;
    dashboard?.stop();
    await dashboard?.closed;
    if (err instanceof DemoInterrupted) {
      if (!keep) rmSync(scratch.dir, { recursive: true, force: true });
      output.err(`The demo was interrupted; its supervisor and agents are stopped. ${keep ? `The scratch folder is kept: ${scratch.dir}` : `The scratch folder ${scratch.dir} was removed.`}`);
      return 130;
    }
    if (err instanceof DemoFailure) {
      output.err(`The demo failed: ${err.message}`);
      output.err(`The scratch folder is kept for a look: ${scratch.dir}`);
      return 1;
    }
    throw err;
  } finally {
    signals.dispose();
  }
  finished = true;
  await dashboard?.closed;
  if (!keep) rmSync(scratch.dir, { recursive: true, force: true });
  if (output.json) printJson(output, { result: { ...summary, kept: keep } });
  else printSummary(output, summary, scratch, keep);
  return summary.testsPass ? 0 : 1;
}
