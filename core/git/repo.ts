import { readFileSync, realpathSync, statSync } from 'node:fs';
import { basename, dirname, isAbsolute, join, resolve } from 'node:path';
import { CodexAgentError } from '../errors.js';

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
  const found = discoverRepo(cwd);
  if (found) return found;
  return findRepoWithGit(cwd);
}

/** The repository that contains `cwd`, or undefined outside one (other failures still throw). */
export async function repoAround(cwd: string): Promise<Repo | undefined> {
  try {
    return await findRepo(cwd);
  } catch (err) {
    if (err instanceof CodexAgentError && err.code === 'not-a-repo') return undefined;
    throw err;
  }
}

/** Variables that change how git finds a repository: when any is set, ask git itself. */
const DISCOVERY_VARIABLES = ['GIT_DIR', 'GIT_WORK_TREE', 'GIT_COMMON_DIR', 'GIT_CEILING_DIRECTORIES', 'GIT_DISCOVERY_ACROSS_FILESYSTEM'];

/**
 * Finds the repository by reading the file system the way git does for the ordinary layouts — a
 * `.git` directory, or a `.git` file pointing at a worktree's git dir and its `commondir` — which
 * saves starting a git process (~10 ms) on every command. Anything unusual returns undefined, and
 * git decides.
 */
export function discoverRepo(cwd: string, env: NodeJS.ProcessEnv = process.env): Repo | undefined {
  if (DISCOVERY_VARIABLES.some((name) => env[name])) return undefined;
  let dir: string;
  try {
    dir = realpathSync(cwd);
  } catch {
    return undefined;
  }
  for (;;) {
    const dotGit = join(dir, '.git');
    const stat = statOrUndefined(dotGit);
    if (stat?.isDirectory()) {
      if (!statOrUndefined(join(dotGit, 'HEAD'))) return undefined;
      return { root: dir, name: basename(dir), gitCommonDir: dotGit };
    }
    if (stat?.isFile()) {
      const match = /^gitdir: (.+)$/m.exec(readOrEmpty(dotGit));
      if (!match) return undefined;
      const gitDir = resolve(dir, match[1]!.trim());
      const commonText = readOrEmpty(join(gitDir, 'commondir')).trim();
      if (!commonText) return undefined; // a submodule or something else: let git say
      const commonDir = realOrUndefined(isAbsolute(commonText) ? commonText : resolve(gitDir, commonText));
      if (!commonDir || basename(commonDir) !== '.git') return undefined;
      const root = dirname(commonDir);
      return { root, name: basename(root), gitCommonDir: commonDir };
    }
    const parent = dirname(dir);
    if (parent === dir) return undefined;
    dir = parent;
  }
}

function statOrUndefined(path: string) {
  try {
    return statSync(path);
  } catch {
    return undefined;
  }
}

/** A small file's text, or '' when it cannot be read. */
export function readOrEmpty(path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return '';
  }
}

function realOrUndefined(path: string): string | undefined {
  try {
    return realpathSync(path);
  } catch {
    return undefined;
  }
}

/** Asks git where the repository is (the fallback for every layout `discoverRepo` leaves to git). */
export async function findRepoWithGit(cwd: string): Promise<Repo> {
  // Loaded on demand: the common case (discoverRepo) never starts a process.
  const { runGit } = await import('./run.js');
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
  const { runGit } = await import('./run.js');
  const result = await runGit(['symbolic-ref', '--quiet', '--short', 'HEAD'], { cwd, allowFailure: true });
  const branch = result.stdout.trim();
  return result.exitCode === 0 && branch ? branch : undefined;
}
