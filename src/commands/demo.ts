import { spawn } from 'node:child_process';
import { rmSync } from 'node:fs';
import { CodexAgentError } from '../../core/errors.js';
import { CLI_BIN } from '../../core/demo/cli-child.js';
import { DemoFailure, runDemo, type DemoEvent, type DemoSummary } from '../../core/demo/flow.js';
import { createScratch } from '../../core/demo/scratch.js';
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

/** `codex-agent demo [--dir DIR] [--keep] [--tui] [--json]` */
export async function demoCommand(ctx: Context, output: Output, options: DemoOptions): Promise<number> {
  if (options.tui && !(process.stdout.isTTY && process.stdin.isTTY)) {
    throw new CodexAgentError('usage', 'demo --tui needs a terminal: the dashboard draws on the screen.', { hint: 'Run it in a terminal, or without --tui.' });
  }
  const scratch = await createScratch(options.dir, ctx.env);
  const keep = options.keep || options.tui || Boolean(options.dir);
  if (!output.json) {
    output.out(paint(output, 'bold', 'codex-agent demo') + ' — the whole product on a scratch repo, with a scripted DEMO AGENT (no AI, no API key).');
    output.out(`Scratch folder: ${scratch.dir}`);
  }
  const dashboard = options.tui ? spawn(process.execPath, [CLI_BIN, 'status', '--tui'], { cwd: scratch.repo, env: scratch.env, stdio: 'inherit' }) : undefined;
  const print = (event: DemoEvent) => {
    if (output.json) output.out(JSON.stringify({ type: 'step', ...event }));
    else if (!dashboard) output.out(`${paint(output, STEP_STYLE[event.step], event.step.padEnd(8))} ${event.text}`);
  };
  let summary: DemoSummary;
  try {
    summary = await runDemo(scratch, print);
  } catch (err) {
    dashboard?.kill('SIGTERM');
    if (err instanceof DemoFailure) {
      output.err(`The demo failed: ${err.message}`);
      output.err(`The scratch folder is kept for a look: ${scratch.dir}`);
      return 1;
    }
    throw err;
  }
  if (dashboard) {
    output.err('The demo finished; press q to leave the dashboard.');
    await new Promise((done) => dashboard.once('exit', done));
  }
  if (!keep) rmSync(scratch.dir, { recursive: true, force: true });
  if (output.json) printJson(output, { result: { ...summary, kept: keep } });
  else {
    output.out('');
    output.out(paint(output, 'bold', 'Summary'));
    output.out(`  ${summary.tasks} tasks in ${summary.waves} waves, all merged into main in ${summary.seconds} s: ${summary.merged.join(', ')}`);
    const count = (step: DemoEvent['step']) => summary.steps.filter((s) => s.step === step).length;
    output.out(`  plan: ${count('plan')} waves · launches: ${count('launch')} · validation rounds: ${summary.steps.filter((s) => s.step === 'validate' && /round \d/.test(s.text)).length} (auto-fix: ${summary.steps.filter((s) => s.text.includes('auto-fix')).length})`);
    output.out(`  conflicts predicted by the radar and resolved by the resolver: ${summary.steps.filter((s) => s.step === 'resolve').length}`);
    output.out(`  the project's tests on main: ${summary.testsPass ? 'pass' : 'FAIL'}`);
    output.out(keep ? `  The scratch repo is kept: ${summary.repo} (its tasks: XDG_STATE_HOME etc. under ${summary.scratch}/xdg)` : `  The scratch folder ${summary.scratch} was removed (keep it with --keep).`);
    output.out('Next: run it on your own repo — codex-agent init, then codex-agent task add (see the README).');
  }
  return summary.testsPass ? 0 : 1;
}
