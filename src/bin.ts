#!/usr/bin/env node
import { statSync } from 'node:fs';

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

/**
 * The fast paths as `npm run build` bundles them (scripts/bundle.mjs: a few files for Node to load
 * instead of ~70), or as tsc compiled them when there is no bundle, or only one older than the
 * compiled modules (tsc ran again since: the bundle holds the code from before).
 */
function fastPath<M>(name: 'fast-list' | 'fast-run', unbundled: () => Promise<M>): Promise<M> {
  const bundled = new URL(`../bundle/${name}.js`, import.meta.url);
  const made = statSync(bundled, { throwIfNoEntry: false })?.mtimeMs ?? -1;
  const compiled = statSync(new URL(`./${name}.js`, import.meta.url), { throwIfNoEntry: false })?.mtimeMs ?? Infinity;
  return made >= compiled ? (import(bundled.href) as Promise<M>) : unbundled();
}

const args = process.argv.slice(2);
const run = isPlainTaskList(args)
  ? fastPath('fast-list', () => import('./fast-list.js')).then((m) => m.runPlainTaskList(args))
  : isPlainTaskRun(args)
    ? fastPath('fast-run', () => import('./fast-run.js')).then((m) => m.runPlainTaskRun(args))
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
