import { lstatSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { runGit } from './run.js';

/** One entry of `git worktree list --porcelain -z`. */
export interface WorktreeEntry {
  /** Absolute path as git recorded it. */
  path: string;
  /** The commit checked out; undefined in a bare repo or an unborn branch. */
  head: string | undefined;
  /** Full ref name (`refs/heads/…`); undefined when detached or bare. */
  branch: string | undefined;
  bare: boolean;
  detached: boolean;
  /** The lock reason ('' when locked without one); undefined when not locked. */
  locked: string | undefined;
  /** Why git would prune it (its directory is gone); undefined when it is fine. */
  prunable: string | undefined;
  /** The first entry is always the main worktree. */
  main: boolean;
}

/**
 * Parses `git worktree list --porcelain -z`: attribute fields end with NUL, an empty field ends an
 * entry. `locked` and `prunable` may come with or without a reason.
 */
export function parseWorktreeList(text: string): WorktreeEntry[] {
  const entries: WorktreeEntry[] = [];
  let current: WorktreeEntry | undefined;
  for (const field of text.split('\0')) {
    if (field === '') {
      current = undefined;
      continue;
    }
    const space = field.indexOf(' ');
    const key = space < 0 ? field : field.slice(0, space);
    const value = space < 0 ? '' : field.slice(space + 1);
    if (key === 'worktree') {
      current = { path: value, head: undefined, branch: undefined, bare: false, detached: false, locked: undefined, prunable: undefined, main: entries.length === 0 };
      entries.push(current);
      continue;
    }
    if (!current) continue;
    if (key === 'HEAD') current.head = /^0+$/.test(value) ? undefined : value;
    else if (key === 'branch') current.branch = value;
    else if (key === 'bare') current.bare = true;
    else if (key === 'detached') current.detached = true;
    else if (key === 'locked') current.locked = value;
    else if (key === 'prunable') current.prunable = value;
  }
  return entries;
}

/** The worktrees git knows for the repository at `cwd` (main worktree first). */
export async function listWorktrees(cwd: string, signal?: AbortSignal): Promise<WorktreeEntry[]> {
  const result = await runGit(['worktree', 'list', '--porcelain', '-z'], { cwd, signal });
  return parseWorktreeList(result.stdout);
}

/** `refs/heads/x` → `x`. */
export function shortBranch(ref: string | undefined): string | undefined {
  return ref?.startsWith('refs/heads/') ? ref.slice('refs/heads/'.length) : ref;
}

/**
 * The git dir of the worktree at `path` (`<common>/worktrees/<id>` for a linked worktree, `.git` for
 * the main one), read from its `.git` file without starting git; undefined when there is none.
 * Synchronous: one lstat and one small read, microseconds where promises wait for the thread pool.
 */
export function worktreeGitDir(path: string): string | undefined {
  const dotGit = resolve(path, '.git');
  const stat = lstatSync(dotGit, { throwIfNoEntry: false });
  if (!stat) return undefined;
  if (stat.isDirectory()) return dotGit;
  let text = '';
  try {
    text = readFileSync(dotGit, 'utf8');
  } catch {
    return undefined;
  }
  const match = /^gitdir: (.+)$/m.exec(text);
  return match ? resolve(path, match[1]!.trim()) : undefined;
}
