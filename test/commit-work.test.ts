import { chmodSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { commitAgentWork } from '../core/runs/commit.js';
import type { Task } from '../core/task.js';
import { git, makeSandbox, type Sandbox } from './helpers/sandbox.js';

// Committing an agent's work in a real worktree: the commit HEAD ends at, the identity used, and
// the paths reported.

let sb: Sandbox;
let worktree: string;
const saved = { ...process.env };
const task = { slug: 'work', title: 'Do work' } as Task;

beforeEach(() => {
  sb = makeSandbox();
  const repo = sb.repo();
  worktree = join(sb.dir, 'wt');
  git(repo, 'worktree', 'add', '-q', '-b', 'codex/work', worktree);
  // No identity from the machine: only what each test sets in the repo.
  const empty = join(sb.dir, 'empty.gitconfig');
  writeFileSync(empty, '');
  process.env.GIT_CONFIG_GLOBAL = empty;
  process.env.GIT_CONFIG_NOSYSTEM = '1';
  for (const name of ['GIT_AUTHOR_NAME', 'GIT_AUTHOR_EMAIL', 'GIT_COMMITTER_NAME', 'GIT_COMMITTER_EMAIL', 'EMAIL']) delete process.env[name];
});
afterEach(() => {
  process.env = { ...saved };
  sb.cleanup();
});

const headOf = (cwd: string) => git(cwd, 'rev-parse', 'HEAD').trim();

describe('commitAgentWork', () => {
  it('reports the commit the task branch now points at', async () => {
    writeFileSync(join(worktree, 'a.txt'), 'one\n');
    const first = await commitAgentWork(worktree, task, 'fake', 'first', []);
    expect(first).toMatchObject({ committed: true, files: ['a.txt'] });
    expect(first.sha).toBe(headOf(worktree));
    expect(first.sha).toBe(git(worktree, 'rev-parse', 'codex/work').trim());
  });

  it('asks git for the commit when the branch is not a loose ref (packed refs)', async () => {
    writeFileSync(join(worktree, 'a.txt'), 'one\n');
    await commitAgentWork(worktree, task, 'fake', 'first', []);
    writeFileSync(join(worktree, 'b.txt'), 'two\n');
    // A hook that packs the refs right after the commit: the loose ref file is gone when it is read.
    const hooks = join(sb.dir, 'hooks');
    git(worktree, 'config', 'core.hooksPath', hooks);
    mkdirSync(hooks, { recursive: true });
    writeFileSync(join(hooks, 'post-commit'), '#!/bin/sh\nexec git pack-refs --all --prune\n');
    chmodSync(join(hooks, 'post-commit'), 0o755);
    const second = await commitAgentWork(worktree, task, 'fake', 'second', []);
    expect(git(worktree, 'for-each-ref', '--format=%(refname)', 'refs/heads/codex').trim()).toBe('refs/heads/codex/work');
    expect(second.sha).toBe(headOf(worktree));
  });

  it("commits as codex-agent when git has no identity, and as the user's when it has one", async () => {
    writeFileSync(join(worktree, 'a.txt'), 'one\n');
    await commitAgentWork(worktree, task, 'fake', undefined, []);
    expect(git(worktree, 'log', '-1', '--format=%an <%ae>')).toBe('codex-agent <codex-agent@localhost>\n');

    // A name alone is not an identity.
    git(worktree, 'config', 'user.name', 'Ada');
    writeFileSync(join(worktree, 'b.txt'), 'two\n');
    await commitAgentWork(worktree, task, 'fake', undefined, []);
    expect(git(worktree, 'log', '-1', '--format=%an <%ae>')).toBe('codex-agent <codex-agent@localhost>\n');

    git(worktree, 'config', 'user.email', 'ada@example.invalid');
    writeFileSync(join(worktree, 'c.txt'), 'three\n');
    await commitAgentWork(worktree, task, 'fake', undefined, []);
    expect(git(worktree, 'log', '-1', '--format=%an <%ae>')).toBe('Ada <ada@example.invalid>\n');
  });
});

it("does not start git's automatic maintenance after the commit", async () => {
  // GIT_TRACE logs every command git starts: a plain `git commit` starts `git maintenance run --auto`.
  const trace = join(sb.dir, 'git-trace.log');
  process.env.GIT_TRACE = trace;
  writeFileSync(join(worktree, 'a.txt'), 'one\n');
  await commitAgentWork(worktree, task, 'fake', undefined, []);
  const log = readFileSync(trace, 'utf8');
  expect(log).toMatch(/git.* commit/);
  expect(log).not.toMatch(/maintenance run|gc --auto/);
});

it('lists every path the commit changes: edits, additions, deletions, both sides of a move, and what the agent staged itself', async () => {
  writeFileSync(join(worktree, 'keep.txt'), 'one\n');
  writeFileSync(join(worktree, 'old name.txt'), 'moved\n');
  writeFileSync(join(worktree, 'gone.txt'), 'bye\n');
  await commitAgentWork(worktree, task, 'fake', 'base', []);

  writeFileSync(join(worktree, 'keep.txt'), 'two\n');
  renameSync(join(worktree, 'old name.txt'), join(worktree, 'new name.txt'));
  rmSync(join(worktree, 'gone.txt'));
  mkdirSync(join(worktree, 'sub', 'deep'), { recursive: true });
  writeFileSync(join(worktree, 'sub', 'deep', 'é.txt'), 'new\n');
  writeFileSync(join(worktree, 'staged.txt'), 'staged by the agent\n');
  git(worktree, 'add', 'staged.txt');
  const result = await commitAgentWork(worktree, task, 'fake', 'changes', []);
  expect(result.committed).toBe(true);
  expect(result.files).toEqual(['gone.txt', 'keep.txt', 'new name.txt', 'old name.txt', 'staged.txt', 'sub/deep/é.txt']);
  const shown = git(worktree, 'show', '--name-only', '--no-renames', '-z', '--format=', 'HEAD').split('\0').filter(Boolean).sort();
  expect(shown).toEqual([...result.files].sort());
  expect(git(worktree, 'status', '--porcelain')).toBe('');
});

it('commits nothing when nothing changed, also when a file was changed and changed back', async () => {
  writeFileSync(join(worktree, 'a.txt'), 'one\n');
  await commitAgentWork(worktree, task, 'fake', 'first', []);
  const before = headOf(worktree);
  writeFileSync(join(worktree, 'a.txt'), 'two\n');
  writeFileSync(join(worktree, 'a.txt'), 'one\n');
  expect(await commitAgentWork(worktree, task, 'fake', 'again', [])).toEqual({ committed: false, files: [] });
  expect(headOf(worktree)).toBe(before);
});
