import { mkdirSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { discoverRepo, findRepoWithGit } from '../core/git/repo.js';
import { git, makeSandbox, type Sandbox } from './helpers/sandbox.js';

let sb: Sandbox;
beforeEach(() => {
  sb = makeSandbox();
});
afterEach(() => sb.cleanup());

describe('finding the repository without starting git', () => {
  it('agrees with git in the main checkout, a subdirectory, a linked worktree and through a symlink', async () => {
    const repo = sb.repo('app');
    mkdirSync(join(repo, 'src', 'deep'), { recursive: true });
    const worktree = join(sb.dir, 'wt');
    git(repo, 'worktree', 'add', '-q', '-b', 'side', worktree);
    mkdirSync(join(worktree, 'lib'));
    symlinkSync(repo, join(sb.dir, 'link'));
    for (const dir of [repo, join(repo, 'src', 'deep'), worktree, join(worktree, 'lib'), join(sb.dir, 'link', 'src')]) {
      const fast = discoverRepo(dir, {});
      expect(fast, dir).toBeDefined();
      expect(fast).toEqual(await findRepoWithGit(dir));
      expect(fast!.root).toBe(repo);
    }
  });

  it('leaves unusual setups to git: GIT_DIR set, a submodule, no repo at all', async () => {
    const repo = sb.repo('app');
    expect(discoverRepo(repo, { GIT_DIR: join(repo, '.git') })).toBeUndefined();
    const lib = sb.repo('lib');
    git(repo, '-c', 'protocol.file.allow=always', 'submodule', 'add', '-q', lib, 'vendor/lib');
    expect(discoverRepo(join(repo, 'vendor', 'lib'), {})).toBeUndefined();
    const outside = join(sb.dir, 'plain');
    mkdirSync(outside);
    expect(discoverRepo(outside, {})).toBeUndefined();
  });
});
