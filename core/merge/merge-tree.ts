/**
 * Dry-run merges without a worktree or an index: `git merge-tree --write-tree` (git ≥ 2.38), one
 * process per merge or one `--stdin` process for a batch; with an older git, a throw-away worktree.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CodexAgentError } from '../errors.js';
import { runGit } from '../git/run.js';
import { conflictKindOf, conflictsOf, parseMergeTree, parseMergeTreeBatch, type MergeMessage, type MergeTreeResult } from './merge-tree-parse.js';

/** How a dry run was done: `merge-tree` (no worktree) or `worktree` (the older-git fallback). */
export type DryRunMethod = 'merge-tree' | 'worktree';

export interface DryRunOptions {
  /** Force the throw-away-worktree method even when git has `merge-tree --write-tree`. */
  forceWorktree?: boolean;
  signal?: AbortSignal;
}

const MERGE_TREE_ARGS = ['merge-tree', '--write-tree', '--name-only', '-z', '--messages'];
/** `merge-tree --write-tree` arrived in git 2.38. */
const WRITE_TREE_SINCE: readonly [number, number] = [2, 38];

const versions = new Map<string, Promise<[number, number]>>();

/** git's version as [major, minor] (asked once per process). */
export function gitVersion(cwd: string): Promise<[number, number]> {
  let known = versions.get('git');
  if (!known) {
    known = runGit(['version'], { cwd }).then((r) => {
      const m = /(\d+)\.(\d+)/.exec(r.stdout);
      return m ? [Number(m[1]), Number(m[2])] : [0, 0];
    });
    versions.set('git', known);
  }
  return known;
}

/** Whether this git can dry-run merges with `merge-tree --write-tree`. */
export async function hasWriteTree(cwd: string): Promise<boolean> {
  const [major, minor] = await gitVersion(cwd);
  return major > WRITE_TREE_SINCE[0] || (major === WRITE_TREE_SINCE[0] && minor >= WRITE_TREE_SINCE[1]);
}

/**
 * Resolves refs to commit ids in one process; an unknown ref is a `usage` error naming it
 * (merge-tree itself would exit 1 as if it were a conflict).
 */
export async function resolveCommits(repo: string, refs: readonly string[], signal?: AbortSignal): Promise<string[]> {
  const bad = refs.find((r) => r.startsWith('-') || r === '');
  if (bad !== undefined) throw new CodexAgentError('invalid-branch', `"${bad}" is not a branch name.`, { hint: 'Branch names never start with "-".' });
  // No --end-of-options: git 2.39's rev-parse prints it back as if it were a revision.
  const result = await runGit(['rev-parse', ...refs.map((r) => `${r}^{commit}`)], { cwd: repo, allowFailure: true, signal });
  const ids = result.stdout.trim().split('\n');
  if (result.exitCode !== 0 || ids.length !== refs.length) {
    const missing = [];
    for (const ref of refs) {
      const one = await runGit(['rev-parse', '--verify', '--quiet', '--end-of-options', `${ref}^{commit}`], { cwd: repo, allowFailure: true, signal });
      if (one.exitCode !== 0) missing.push(ref);
    }
    throw new CodexAgentError('usage', `No such branch or commit: ${missing.join(', ') || refs.join(', ')}.`, {
      hint: 'Check the task\'s branch and base (codex-agent task show <task>); the branch exists once the task has run.',
    });
  }
  return ids;
}

/** The dry-run merge of `theirs` into `ours` (commit ids or refs), with the method used. */
export async function dryRunMerge(repo: string, ours: string, theirs: string, options: DryRunOptions = {}): Promise<MergeTreeResult & { method: DryRunMethod }> {
  if (options.forceWorktree || !(await hasWriteTree(repo))) return { ...(await dryRunInWorktree(repo, ours, theirs, options.signal)), method: 'worktree' };
  const r = await runGit([...MERGE_TREE_ARGS, '--end-of-options', ours, theirs], { cwd: repo, allowFailure: true, signal: options.signal });
  return { ...parseMergeTree(r.stdout, r.exitCode, r.stderr), method: 'merge-tree' };
}

/**
 * Many dry-run merges through one `git merge-tree --stdin` process (GIT.md: 190 pairs ≈0.4 s
 * against ≈1.2 s as separate processes). Pairs must be commit ids: an unknown name aborts the
 * whole batch.
 */
export async function dryRunBatch(repo: string, pairs: readonly (readonly [string, string])[], options: DryRunOptions = {}): Promise<(MergeTreeResult & { method: DryRunMethod })[]> {
  if (pairs.length === 0) return [];
  if (options.forceWorktree || !(await hasWriteTree(repo))) {
    const out = [];
    for (const [a, b] of pairs) out.push({ ...(await dryRunInWorktree(repo, a, b, options.signal)), method: 'worktree' as const });
    return out;
  }
  const input = pairs.map(([a, b]) => `${a} ${b}\n`).join('');
  const r = await runGit(['merge-tree', '--stdin', '--write-tree', '--name-only', '-z', '--messages'], { cwd: repo, input, allowFailure: true, signal: options.signal });
  if (r.exitCode !== 0) {
    throw new CodexAgentError('git-failed', `git merge-tree --stdin failed (exit ${r.exitCode}): ${r.stderr.trim()}`, { hint: 'Check that every branch still exists.' });
  }
  return parseMergeTreeBatch(r.stdout, pairs.length).map((m) => ({ ...m, method: 'merge-tree' as const }));
}

/**
 * The older-git fallback (≈2.3 s on a large repo): a detached throw-away worktree at `ours`, a real
 * `git merge --no-commit`, the unmerged paths read from the index, then abort and remove.
 */
export async function dryRunInWorktree(repo: string, ours: string, theirs: string, signal?: AbortSignal): Promise<MergeTreeResult> {
  const dir = mkdtempSync(join(tmpdir(), 'codex-agent-dry-run-'));
  const path = join(dir, 'merge');
  try {
    await runGit(['worktree', 'add', '--detach', '--quiet', '--', path, ours], { cwd: repo, signal });
    const merged = await runGit(['-c', 'user.name=codex-agent', '-c', 'user.email=codex-agent@localhost', 'merge', '--no-commit', '--no-ff', '--end-of-options', theirs], {
      cwd: path,
      allowFailure: true,
      signal,
    });
    const unmerged = await runGit(['ls-files', '-u', '-z'], { cwd: path, signal });
    const paths = [...new Set(unmerged.stdout.split('\0').filter(Boolean).map((line) => line.slice(line.indexOf('\t') + 1)))].sort();
    if (merged.exitCode !== 0 && paths.length === 0) {
      throw new CodexAgentError('git-failed', `git merge could not merge ${theirs} into ${ours}: ${merged.stderr.trim() || merged.stdout.trim()}`);
    }
    const messages: MergeMessage[] = merged.stdout
      .split('\n')
      .filter((line) => conflictKindOf(line))
      .map((text) => ({ paths: paths.filter((p) => text.includes(p)), type: 'CONFLICT', text }));
    return { clean: paths.length === 0, tree: '', conflicts: conflictsOf(paths, messages), messages };
  } finally {
    await runGit(['worktree', 'remove', '--force', '--', path], { cwd: repo, allowFailure: true });
    rmSync(dir, { recursive: true, force: true });
    await runGit(['worktree', 'prune'], { cwd: repo, allowFailure: true });
  }
}
