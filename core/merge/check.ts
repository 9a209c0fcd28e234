/**
 * `merge check <task>`: the dry-run merge of a task branch into its base (DESIGN §9), cached by the
 * commit pair.
 */
import type { StateStore } from '../store/state-store.js';
import type { Task } from '../task.js';
import { MergeCheckStore } from './merge-check-store.js';
import { dryRunMerge, hasWriteTree, resolveCommits, type DryRunMethod } from './merge-tree.js';
import type { FileConflict } from './merge-tree-parse.js';

/** A task's merge check: clean, or the conflicting files with their kinds. */
export interface TaskMergeCheck {
  slug: string;
  branch: string;
  base: string;
  branchCommit: string;
  baseCommit: string;
  clean: boolean;
  conflicts: FileConflict[];
  method: DryRunMethod;
  /** Taken from state.db: neither commit moved since it was computed. */
  cached: boolean;
}

export interface CheckTaskOptions {
  /**
   * Where results are cached; without it every check is computed. May still be opening: the
   * commits are resolved meanwhile (a git process runs while SQLite loads).
   */
  store?: StateStore | Promise<StateStore>;
  /** Use the throw-away-worktree method (what an older git gets). */
  forceWorktree?: boolean;
  /** Compute even when a stored result exists. */
  fresh?: boolean;
  signal?: AbortSignal;
}

/** Dry-runs merging `task.branch` into `task.base` (no worktree, no index touched). */
export async function checkTask(task: Pick<Task, 'repo' | 'slug' | 'branch' | 'base'>, options: CheckTaskOptions = {}): Promise<TaskMergeCheck> {
  const skipCache = options.fresh || options.forceWorktree;
  const commits = resolveCommits(task.repo, [task.base, task.branch], options.signal);
  // A check that will merge anyway asks git's version now, in parallel with rev-parse.
  if (skipCache && !options.forceWorktree) hasWriteTree(task.repo).catch(() => undefined);
  const [baseCommit, branchCommit] = await commits;
  const mergeNow = () => dryRunMerge(task.repo, baseCommit!, branchCommit!, { forceWorktree: options.forceWorktree, signal: options.signal });
  // Without a cache lookup the merge need not wait for the store: git merges while SQLite opens.
  const merging = skipCache ? mergeNow() : undefined;
  merging?.catch(() => undefined); // awaited below
  const store = await options.store;
  const checks = store ? new MergeCheckStore(store) : undefined;
  const common = { slug: task.slug, branch: task.branch, base: task.base, branchCommit: branchCommit!, baseCommit: baseCommit! };
  const pair = { left: task.slug, right: null, leftCommit: baseCommit!, rightCommit: branchCommit! };
  const stored = skipCache ? undefined : checks?.get(task.repo, baseCommit!, branchCommit!);
  if (stored) {
    checks!.save(task.repo, [], [pair]);
    return { ...common, clean: stored.clean, conflicts: stored.conflicts, method: stored.method, cached: true };
  }
  const result = await (merging ?? mergeNow());
  checks?.save(task.repo, [{ left: baseCommit!, right: branchCommit!, result }], [pair]);
  return { ...common, clean: result.clean, conflicts: result.conflicts, method: result.method, cached: false };
}
