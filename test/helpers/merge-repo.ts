import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { Sandbox } from './sandbox.js';

/** git with the sandbox's identity; returns stdout. */
export function g(sb: Sandbox, cwd: string, ...args: string[]): string {
  return execFileSync('git', args, { cwd, encoding: 'utf8', env: { ...sb.env, LC_ALL: 'C' }, stdio: ['ignore', 'pipe', 'pipe'] });
}

/** Writes files (null deletes) and commits them on the checked-out branch. */
export function commitFiles(sb: Sandbox, cwd: string, files: Record<string, string | null>, message = 'change'): string {
  for (const [path, content] of Object.entries(files)) {
    if (content === null) g(sb, cwd, 'rm', '-q', '--', path);
    else {
      mkdirSync(dirname(join(cwd, path)), { recursive: true });
      writeFileSync(join(cwd, path), content);
      g(sb, cwd, 'add', '--', path);
    }
  }
  g(sb, cwd, 'commit', '-q', '--allow-empty', '-m', message);
  return g(sb, cwd, 'rev-parse', 'HEAD').trim();
}

/** Creates `branch` from `from` with the given changes, without touching the checked-out branch. */
export function branchWith(sb: Sandbox, repo: string, branch: string, from: string, files: Record<string, string | null>, renames: [string, string][] = []): void {
  const dir = mkdtempSync(join(sb.dir, 'wt-'));
  g(sb, repo, 'worktree', 'add', '-q', '-b', branch, dir, from);
  for (const [a, b] of renames) g(sb, dir, 'mv', a, b);
  commitFiles(sb, dir, files, `${branch}: change`);
  g(sb, repo, 'worktree', 'remove', '--force', dir);
}

/** The oracle: the files a real `git merge` of `theirs` into `ours` leaves unmerged. */
export function realMergeConflicts(sb: Sandbox, repo: string, ours: string, theirs: string): string[] {
  const dir = mkdtempSync(join(sb.dir, 'oracle-'));
  try {
    g(sb, repo, 'worktree', 'add', '-q', '--detach', dir, ours);
    try {
      g(sb, dir, 'merge', '--no-commit', '--no-ff', theirs);
    } catch {
      /* a conflicting merge exits 1 */
    }
    return g(sb, dir, 'diff', '--name-only', '--diff-filter=U').split('\n').filter(Boolean).sort();
  } finally {
    g(sb, repo, 'worktree', 'remove', '--force', dir);
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Lines 1..n, for files where a change in one place does not touch another. */
export const lines = (n: number, change: Record<number, string> = {}) => Array.from({ length: n }, (_, i) => change[i + 1] ?? `line ${i + 1}`).join('\n') + '\n';
