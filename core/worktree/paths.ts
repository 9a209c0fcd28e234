import { realpathSync } from 'node:fs';
import { homedir } from 'node:os';
import { basename, dirname, isAbsolute, join, relative, resolve, sep } from 'node:path';
import { assertSlug } from '../names.js';

/** Folder beside the task worktrees where removed worktrees wait for deletion (slugs never start with "."). */
export const TRASH_DIR = '.codex-agent-trash';

/**
 * The folder that holds a repo's task worktrees (DESIGN §3): the configured `[worktree] root`, or
 * `<repo>/../<repo-name>.worktrees` so that worktrees share the repo's filesystem and copy-on-write
 * works. A relative root is relative to the repo; `~/` is the home directory.
 */
export function worktreeRoot(repoRoot: string, configuredRoot: string): string {
  const root = configuredRoot.trim();
  if (root === '') return join(dirname(repoRoot), `${basename(repoRoot)}.worktrees`);
  if (root === '~' || root.startsWith('~/')) return join(homedir(), root.slice(1));
  return isAbsolute(root) ? resolve(root) : resolve(repoRoot, root);
}

/** Where the worktree of task `slug` goes. */
export function worktreePathFor(repoRoot: string, configuredRoot: string, slug: string): string {
  assertSlug(slug);
  return join(worktreeRoot(repoRoot, configuredRoot), slug);
}

/** The trash folder used when removing the worktree at `worktreePath`: beside it, so a rename never crosses filesystems. */
export function trashDirFor(worktreePath: string): string {
  return join(dirname(worktreePath), TRASH_DIR);
}

/** The real path (symlinks resolved), or the resolved path when it does not exist. */
export function realPath(path: string): string {
  try {
    return realpathSync(path);
  } catch {
    return resolve(path);
  }
}

/** True when `inner` is `outer` or inside it (both compared as real paths). */
export function isSameOrInside(inner: string, outer: string): boolean {
  const rel = relative(realPath(outer), realPath(inner));
  return rel === '' || (!rel.startsWith(`..${sep}`) && rel !== '..' && !isAbsolute(rel));
}

/**
 * Why a configured hydration path is unusable, or undefined. Paths are relative to the repo root,
 * stay inside it, and never reach into `.git`.
 */
export function hydratePathProblem(path: string): string | undefined {
  if (path.trim() === '') return 'it is empty';
  if (isAbsolute(path) || /^[A-Za-z]:[\\/]/.test(path)) return 'it is an absolute path; hydration paths are relative to the repo root';
  const parts = path.split(/[\\/]/).filter((p) => p !== '' && p !== '.');
  if (parts.length === 0) return 'it names the repo root itself';
  if (parts.includes('..')) return 'it climbs out of the repo with ".."';
  if (parts[0] === '.git') return 'it reaches into .git';
  if (/[\x00-\x1f]/.test(path)) return 'it contains a control character';
  return undefined;
}
