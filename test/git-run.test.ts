import { writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { runGit } from '../core/git/run.js';
import { makeSandbox, type Sandbox } from './helpers/sandbox.js';
import { writeHalfWrittenRecord } from './helpers/worktree-record.js';

describe('runGit', () => {
  it('says the working directory is missing, rather than that git is', async () => {
    await expect(runGit(['status'], { cwd: '/nonexistent/codex-agent-dir' })).rejects.toThrow(/the directory \/nonexistent\/codex-agent-dir does not exist/);
  });

  it('returns failures as results when asked, with the exit code', async () => {
    const result = await runGit(['rev-parse', '--verify', 'no-such-ref'], { cwd: '/', allowFailure: true });
    expect(result.exitCode).not.toBe(0);
  });
});

describe('runGit and a worktree record another git is still writing', () => {
  let sb: Sandbox | undefined;
  afterEach(() => sb?.cleanup());

  async function repoWithHalfWrittenRecord(): Promise<{ repo: string; commondir: string }> {
    sb = makeSandbox();
    const repo = sb.repo();
    return { repo, commondir: writeHalfWrittenRecord(repo) };
  }

  it('runs the command again once the record is written, instead of failing', async () => {
    const { repo, commondir } = await repoWithHalfWrittenRecord();
    const written = new Promise((r) => setTimeout(r, 120)).then(() => writeFile(commondir, '../..\n'));
    const listed = await runGit(['worktree', 'list', '--porcelain'], { cwd: repo });
    await written;
    expect(listed.stdout).toContain(`worktree ${join(repo, '..', 'other-worktree')}`);
  });

  it('names the record and how to clear it when it stays empty', async () => {
    const { repo, commondir } = await repoWithHalfWrittenRecord();
    await expect(runGit(['worktree', 'list', '--porcelain'], { cwd: repo, allowFailure: true })).rejects.toMatchObject({
      code: 'git-failed',
      message: expect.stringMatching(/failed to read .*worktrees\/other\/commondir: Success/),
      hint: expect.stringContaining(`delete the folder ${dirname(commondir)}`),
    });
  });

  it('leaves other failures alone: returned at once when asked', async () => {
    const { repo } = await repoWithHalfWrittenRecord();
    const result = await runGit(['rev-parse', '--verify', 'no-such-ref'], { cwd: repo, allowFailure: true });
    expect(result.exitCode).toBe(128);
  });
});
