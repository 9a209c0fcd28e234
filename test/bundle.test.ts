import { existsSync, mkdirSync, readFileSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { git, makeSandbox, ROOT, type Sandbox } from './helpers/sandbox.js';

// `npm run build` bundles the fast paths, `task run` and `task list` (scripts/bundle.mjs). These
// runs record every module file the CLI loads (test/fixtures/module-log.mjs) and check that those
// commands load the bundle and none of the compiled modules it was made from, that the code that
// finds files beside itself still finds them (the config cache knows the code, the event writer
// starts its thread), and that a bundle older than the compiled modules is passed over.

const BUNDLE = join(ROOT, 'dist', 'bundle');
const MODULE_LOG = pathToFileURL(join(ROOT, 'test', 'fixtures', 'module-log.mjs')).href;

let sb: Sandbox;
let log: string;
beforeEach(() => {
  sb = makeSandbox();
  log = join(sb.dir, 'modules.log');
});
afterEach(() => sb.cleanup());

/** Runs the CLI with the module log, and returns what it loaded: package files as `pkg:<name>`, ours relative to the root. */
async function loads(args: string[], cwd: string): Promise<{ code: number; stderr: string; files: string[] }> {
  rmSync(log, { force: true });
  const result = await sb.cli(args, { cwd, env: { NODE_OPTIONS: `--import ${MODULE_LOG}`, MODULE_LOG: log } });
  const root = pathToFileURL(ROOT).href;
  const files = readFileSync(log, 'utf8')
    .trim()
    .split('\n')
    .filter((url) => !url.includes('/test/fixtures/module-log'))
    .map((url) => (url.includes('/node_modules/') ? `pkg:${/\/node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url)![1]}` : url.replace(`${root}/`, '')));
  return { code: result.code, stderr: result.stderr, files: [...new Set(files)] };
}

const ours = (files: string[]) => files.filter((f) => !f.startsWith('pkg:'));

function repoWithAgent(script: string): string {
  const repo = sb.repo('app');
  mkdirSync(join(repo, '.codex-agent'), { recursive: true });
  writeFileSync(join(repo, '.codex-agent', 'config.toml'), `[roles]\nworker = "script"\n\n[agents.script]\nkind = "command"\ncommand = "sh"\nargs = ["-c", ${JSON.stringify(script)}]\n`);
  git(repo, 'add', '.');
  git(repo, 'commit', '-q', '-m', 'config');
  return repo;
}

it('is made by the build', () => {
  expect(existsSync(join(BUNDLE, 'fast-run.js')), 'dist/bundle is made by npm run build (scripts/bundle.mjs)').toBe(true);
  expect(existsSync(join(BUNDLE, 'fast-list.js'))).toBe(true);
});

it('serves task list and task run: only bin.js and the bundle load, and the config cache knows the bundled code', async () => {
  const repo = repoWithAgent('echo hi > agent.txt');
  // Through the command parser and the compiled modules: this writes the config cache.
  await sb.json(['task', 'add', 'Hello'], { cwd: repo });

  const list = await loads(['task', 'list', '--json'], repo);
  expect(list.code, list.stderr).toBe(0);
  expect(ours(list.files)).toContain('dist/bundle/fast-list.js');
  expect(ours(list.files).filter((f) => !f.startsWith('dist/bundle/'))).toEqual(['dist/src/bin.js']);

  const run = await loads(['task', 'run', 'hello'], repo);
  expect(run.code, run.stderr).toBe(0);
  expect(ours(run.files)).toContain('dist/bundle/fast-run.js');
  expect(ours(run.files).filter((f) => !f.startsWith('dist/bundle/'))).toEqual(['dist/src/bin.js']);
  // The cache's code identity is read from the compiled config modules the bundle was made from;
  // had the bundle not found them, the config would have been parsed and checked again with zod.
  expect(run.files).not.toContain('pkg:zod');
  expect(run.files).toContain('pkg:better-sqlite3');
  const shown = await sb.json<{ status: string }>(['task', 'show', 'hello'], { cwd: repo });
  expect(shown.status).toBe('review');
});

it('starts the event writer thread beside the compiled modules when an agent floods its output', async () => {
  const repo = repoWithAgent('seq 1 3000; echo hi > agent.txt');
  await sb.json(['task', 'add', 'Chatty'], { cwd: repo });
  const run = await loads(['task', 'run', 'chatty', '--json'], repo);
  expect(run.code, run.stderr).toBe(0);
  expect(run.files).toContain('dist/core/store/event-writer-thread.js');
  const events = (await sb.cli(['task', 'log', 'chatty', '--json'], { cwd: repo })).stdout.trim().split('\n');
  expect(events.filter((line) => line.includes('"type":"message"')).length).toBe(3000);
});

it('is passed over when tsc compiled the modules again after it was made', async () => {
  const repo = repoWithAgent('echo hi > agent.txt');
  await sb.json(['task', 'add', 'Hello'], { cwd: repo });
  const bundled = join(BUNDLE, 'fast-list.js');
  const { mtime } = statSync(bundled);
  try {
    utimesSync(bundled, new Date(2000, 0, 1), new Date(2000, 0, 1));
    const list = await loads(['task', 'list', '--json'], repo);
    expect(list.code, list.stderr).toBe(0);
    expect(ours(list.files)).toContain('dist/src/fast-list.js');
    expect(ours(list.files).some((f) => f.startsWith('dist/bundle/'))).toBe(false);
  } finally {
    utimesSync(bundled, mtime, mtime);
  }
});

it('is used when every file has the same time, as npm installs them (packed as 1985-10-26)', async () => {
  const repo = repoWithAgent('echo hi > agent.txt');
  await sb.json(['task', 'add', 'Hello'], { cwd: repo });
  const bundled = join(BUNDLE, 'fast-list.js');
  const compiled = join(ROOT, 'dist', 'src', 'fast-list.js');
  const times = [statSync(bundled).mtime, statSync(compiled).mtime] as const;
  const packed = new Date('1985-10-26T08:15:00Z');
  try {
    utimesSync(bundled, packed, packed);
    utimesSync(compiled, packed, packed);
    const list = await loads(['task', 'list', '--json'], repo);
    expect(list.code, list.stderr).toBe(0);
    expect(ours(list.files)).toContain('dist/bundle/fast-list.js');
    expect(ours(list.files)).not.toContain('dist/src/fast-list.js');
  } finally {
    utimesSync(bundled, times[0], times[0]);
    utimesSync(compiled, times[1], times[1]);
  }
});
