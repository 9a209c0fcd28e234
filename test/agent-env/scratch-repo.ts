/** Throwaway directories with a git repository for agent runs. */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** A temp dir (room for homes, output files) holding a git repo with one commit on `main`. */
export interface ScratchRepo {
  dir: string;
  /** `<dir>/repo`: README.md containing "hi\n", committed. */
  repo: string;
  remove(): void;
}

const GIT_IDENTITY = { GIT_AUTHOR_NAME: 'Test', GIT_AUTHOR_EMAIL: 'test@example.invalid', GIT_COMMITTER_NAME: 'Test', GIT_COMMITTER_EMAIL: 'test@example.invalid' };

/** Creates the temp dir and repo (git through argv arrays, a fixed identity, no global config). */
export function makeScratchRepo(prefix = 'agent-run-'): ScratchRepo {
  const dir = realpathSync(mkdtempSync(join(tmpdir(), prefix)));
  const repo = join(dir, 'repo');
  const env = { ...process.env, ...GIT_IDENTITY, GIT_CONFIG_GLOBAL: '/dev/null', GIT_CONFIG_NOSYSTEM: '1' };
  const git = (...args: string[]): void => void execFileSync('git', args, { cwd: dir, stdio: 'ignore', env });
  git('init', '-q', '-b', 'main', repo);
  writeFileSync(join(repo, 'README.md'), 'hi\n');
  git('-C', repo, 'add', '.');
  git('-C', repo, 'commit', '-q', '-m', 'initial');
  return { dir, repo, remove: () => rmSync(dir, { recursive: true, force: true }) };
}
