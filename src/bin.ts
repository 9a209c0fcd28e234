#!/usr/bin/env node

/** The argument lists served without the command parser: `task list|ls [--json] [--all-repos]`. */
const FAST_LIST_FLAGS = new Set(['--json', '--all-repos']);

/** Whether `args` is a plain `task list`, which skips loading commander (see fast-list.ts). */
function isPlainTaskList(args: readonly string[]): boolean {
  return args[0] === 'task' && (args[1] === 'list' || args[1] === 'ls') && args.slice(2).every((a) => FAST_LIST_FLAGS.has(a));
}

/** `task run <task> [--json] [--no-hydrate] [--no-setup]`, likewise (see fast-run.ts). */
const FAST_RUN_FLAGS = new Set(['--json', '--no-hydrate', '--no-setup']);
function isPlainTaskRun(args: readonly string[]): boolean {
  const ref = args[2];
  return args[0] === 'task' && args[1] === 'run' && ref !== undefined && !ref.startsWith('-') && args.slice(3).every((a) => FAST_RUN_FLAGS.has(a));
}

// A reader that goes away (`codex-agent task list | head`) is not an error. Commands that must
// clean up when their terminal goes (the dashboard, the demo) listen themselves and are left to it.
process.stdout.on('error', (err: NodeJS.ErrnoException) => {
  if (process.stdout.listenerCount('error') > 1) return;
  if (err.code === 'EPIPE') process.exit(0);
  throw err;
});

const args = process.argv.slice(2);
const run = isPlainTaskList(args)
  ? import('./fast-list.js').then((m) => m.runPlainTaskList(args))
  : isPlainTaskRun(args)
    ? import('./fast-run.js').then((m) => m.runPlainTaskRun(args))
    : import('./cli.js').then((m) => m.main(process.argv));

run.then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    process.stderr.write(`codex-agent: ${err instanceof Error ? err.stack : String(err)}\n`);
    process.exitCode = 1;
  },
);
