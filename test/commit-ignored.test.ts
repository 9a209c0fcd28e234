import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, expect, it } from 'vitest';
import { commitAgentWork } from '../core/runs/commit.js';
import type { Task } from '../core/task.js';
import { git, makeSandbox, type Sandbox } from './helpers/sandbox.js';

let sb: Sandbox;
afterEach(() => sb?.cleanup());

// Found by `codex-agent demo`: naming a git-ignored hydrated path (node_modules) in an exclude
// pathspec made `git add` fail with "The following paths are ignored".
it('commits the agent work when a hydrated path is git-ignored, and never a hydrated path that is not', async () => {
  sb = makeSandbox();
  const repo = sb.repo();
  writeFileSync(join(repo, '.gitignore'), 'node_modules/\n');
  git(repo, 'add', '.gitignore');
  git(repo, 'commit', '-q', '-m', 'ignore node_modules');
  mkdirSync(join(repo, 'node_modules', 'dep'), { recursive: true });
  writeFileSync(join(repo, 'node_modules', 'dep', 'index.js'), 'export {};\n');
  writeFileSync(join(repo, '.env'), 'SECRET=1\n');
  writeFileSync(join(repo, 'work.txt'), 'the agent wrote this\n');
  const task = { slug: 'work', title: 'Do work' } as Task;
  const result = await commitAgentWork(repo, task, 'demo', 'did it', ['node_modules', '.env']);
  expect(result.committed).toBe(true);
  expect(result.files).toEqual(['work.txt']);
  expect(git(repo, 'show', '--name-only', '--format=', 'HEAD').trim()).toBe('work.txt');
});

it('leaves out hydrated paths matched by a wildcard, and a hydrate path the worktree lacks changes nothing', async () => {
  sb = makeSandbox();
  const repo = sb.repo();
  mkdirSync(join(repo, 'packages', 'a'), { recursive: true });
  writeFileSync(join(repo, 'packages', 'a', '.env'), 'SECRET=1\n');
  writeFileSync(join(repo, 'packages', 'a', 'index.js'), 'export {};\n');
  const task = { slug: 'work', title: 'Do work' } as Task;
  const result = await commitAgentWork(repo, task, 'demo', 'did it', ['node_modules', 'packages/*/.env']);
  expect(result.committed).toBe(true);
  expect(result.files).toEqual(['packages/a/index.js']);
});
