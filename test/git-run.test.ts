import { describe, expect, it } from 'vitest';
import { runGit } from '../core/git/run.js';

describe('runGit', () => {
  it('says the working directory is missing, rather than that git is', async () => {
    await expect(runGit(['status'], { cwd: '/nonexistent/codex-agent-dir' })).rejects.toThrow(/the directory \/nonexistent\/codex-agent-dir does not exist/);
  });

  it('returns failures as results when asked, with the exit code', async () => {
    const result = await runGit(['rev-parse', '--verify', 'no-such-ref'], { cwd: '/', allowFailure: true });
    expect(result.exitCode).not.toBe(0);
  });
});
