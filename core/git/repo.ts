import { basename, dirname, resolve } from 'node:path';
import { CodexAgentError } from '../errors.js';
import { runGit } from './run.js';

/** A git repository as codex-agent names it. */
export interface Repo {
  /** Absolute path of the main worktree: the repo's identity in the registry. */
  root: string;
  /** The main worktree's folder name: how tasks are addressed as `<name>/<slug>`. */
  name: string;
  /** Absolute path of the shared git directory. */
  gitCommonDir: string;
}

/**
 * Finds the repository that contains `cwd`. From inside a task worktree this is still the main
 * repository, so every worktree of one repo shares one set of tasks.
 */
export async function findRepo(cwd: string): Promise<Repo> {
  const result = await runGit(['rev-parse', '--path-format=absolute', '--git-common-dir', '--show-toplevel'], {
    cwd,
    allowFailure: true,
  }).catch((err: unknown) => {
    // A cwd that no longer exists makes execFile fail before git starts.
    throw new CodexAgentError('not-a-repo', `Not inside a git repository: ${cwd}`, { cause: err, hint: 'Run this command inside a git repository, or pass --all-repos where the command accepts it.' });
  });
  if (result.exitCode !== 0) {
    throw new CodexAgentError('not-a-repo', `Not inside a git repository: ${cwd}`, {
      hint: 'Run this command inside a git repository (or create one with `git init`).',
    });
  }
  const [commonDir = '', topLevel = ''] = result.stdout.split('\n');
  const gitCommonDir = resolve(commonDir);
  // The main worktree owns the common dir (`<root>/.git`); a bare repo has no main worktree.
  const root = basename(gitCommonDir) === '.git' ? dirname(gitCommonDir) : resolve(topLevel || cwd);
  return { root, name: basename(root), gitCommonDir };
}

/** The branch checked out in `cwd`, or undefined on a detached HEAD or an unborn repo. */
export async function currentBranch(cwd: string): Promise<string | undefined> {
  const result = await runGit(['symbolic-ref', '--quiet', '--short', 'HEAD'], { cwd, allowFailure: true });
  const branch = result.stdout.trim();
  return result.exitCode === 0 && branch ? branch : undefined;
}
