import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { Registry } from '../core/registry/registry.js';
import type { Task } from '../core/task.js';
import { createWorktree, startWorktreeLookups } from '../core/worktree/create.js';
import { worktreePathFor } from '../core/worktree/paths.js';
import { git, makeSandbox, type Sandbox } from './helpers/sandbox.js';
import { writeHalfWrittenRecord } from './helpers/worktree-record.js';

// The runner starts creation's git look-ups before it claims the task; creation must not trust
// look-ups made for another branch or base (the task was edited in between).

let sb: Sandbox;
let repo: string;
let registry: Registry;
let mainTip: string;
let devTip: string;
const settings = { root: '', hydrate: [], setup: [] };

beforeEach(async () => {
  sb = makeSandbox();
  repo = sb.repo();
  mainTip = git(repo, 'rev-parse', 'HEAD').trim();
  git(repo, 'switch', '-q', '-c', 'dev');
  writeFileSync(join(repo, 'dev.txt'), 'dev\n');
  git(repo, 'add', 'dev.txt');
  git(repo, 'commit', '-q', '-m', 'dev');
  devTip = git(repo, 'rev-parse', 'HEAD').trim();
  git(repo, 'switch', '-q', 'main');
  const added = await sb.cli(['task', 'add', 'Look up', '--goal', 'x'], { cwd: repo });
  expect(added.code, added.stderr).toBe(0);
  registry = new Registry(join(sb.dir, 'data', 'codex-agents', 'tasks.json'));
});
afterEach(() => sb.cleanup());

const theTask = async (): Promise<Task> => (await registry.read()).tasks[0]!;

it('uses the early look-ups when they were for the same branch and base', async () => {
  const task = await theTask();
  const lookups = startWorktreeLookups(task);
  const made = await createWorktree({ task, registry, settings, lookups });
  expect(made.head).toBe(mainTip);
  expect(git(made.path, 'rev-parse', 'HEAD').trim()).toBe(mainTip);
});

it('looks again when the base changed after the look-ups began', async () => {
  const before = await theTask();
  const lookups = startWorktreeLookups(before);
  const edited = await sb.cli(['task', 'edit', before.slug, '--base', 'dev'], { cwd: repo });
  expect(edited.code, edited.stderr).toBe(0);
  const task = await theTask();
  expect(task.base).toBe('dev');
  const made = await createWorktree({ task, registry, settings, lookups });
  expect(made.head).toBe(devTip);
  expect(git(made.path, 'rev-parse', 'HEAD').trim()).toBe(devTip);
});

it('sees a worktree added after the look-ups began only through git itself: the add refuses it', async () => {
  const task = await theTask();
  const lookups = startWorktreeLookups(task);
  await lookups.refs;
  git(repo, 'worktree', 'add', '-q', join(sb.dir, 'elsewhere'), '-b', task.branch);
  await expect(createWorktree({ task, registry, settings, lookups })).rejects.toThrow(/already|exists|checked out/);
});

it('makes the worktree when a parallel add was writing its record meanwhile (git made the branch, then died)', async () => {
  const task = await theTask();
  const lookups = startWorktreeLookups(task);
  await lookups.refs;
  const commondir = writeHalfWrittenRecord(repo);
  const written = new Promise((r) => setTimeout(r, 150)).then(() => writeFileSync(commondir, '../..\n'));
  const made = await createWorktree({ task, registry, settings, lookups });
  await written;
  expect(made.branchCreated).toBe(true);
  expect(git(made.path, 'rev-parse', '--abbrev-ref', 'HEAD').trim()).toBe(task.branch);
  expect(git(made.path, 'rev-parse', 'HEAD').trim()).toBe(mainTip);
});

// Git's list of worktrees is read before the add only when something is at the path or a checkout
// holds it; otherwise only when the add fails, to say why or to prune a stale record in the way.

it('prunes a stale record at the path (its directory deleted behind git) and makes the worktree', async () => {
  const task = await theTask();
  const path = worktreePathFor(repo, '', task.slug);
  git(repo, 'worktree', 'add', '-q', '-b', 'elsewhere', path);
  rmSync(path, { recursive: true, force: true });
  const made = await createWorktree({ task, registry, settings, lookups: startWorktreeLookups(task) });
  expect(made.path).toBe(path);
  expect(made.branchCreated).toBe(true);
  expect(git(path, 'symbolic-ref', '--short', 'HEAD').trim()).toBe(task.branch);
});

it('prunes a stale record that holds the task branch elsewhere and makes the worktree', async () => {
  const task = await theTask();
  const stale = join(sb.dir, 'stale');
  git(repo, 'worktree', 'add', '-q', '-b', task.branch, stale);
  rmSync(stale, { recursive: true, force: true });
  const made = await createWorktree({ task, registry, settings, lookups: startWorktreeLookups(task) });
  expect(made.branchCreated).toBe(false);
  expect(git(made.path, 'symbolic-ref', '--short', 'HEAD').trim()).toBe(task.branch);
  expect(git(repo, 'worktree', 'list', '--porcelain')).not.toContain(stale);
});

it('refuses a path inside another worktree before git makes anything, and names the main checkout holding the task branch', async () => {
  const task = await theTask();
  const other = join(sb.dir, 'other');
  git(repo, 'worktree', 'add', '-q', '-b', 'other', other);
  await expect(createWorktree({ task, registry, settings: { ...settings, root: join(other, 'nested') } })).rejects.toThrow(`it would be inside the worktree ${other}`);
  expect(git(repo, 'branch', '--list', task.branch)).toBe('');

  git(repo, 'switch', '-q', '-c', task.branch);
  await expect(createWorktree({ task, registry, settings })).rejects.toThrow(`Branch ${task.branch} is already checked out in ${repo}`);
});
