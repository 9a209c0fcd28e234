/**
 * `merge check <task>`: the dry-run merge of a task branch into its base (DESIGN §9), cached by the
 * commit pair.
 */
import type { StateStore } from '../store/state-store.js';
import type { Task } from '../task.js';
import { MergeCheckStore } from './merge-check-store.js';
import { dryRunMerge, resolveCommits, type DryRunMethod } from './merge-tree.js';
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
  /** Where results are cached; without it every check is computed. */
  store?: StateStore;
  /** Use the throw-away-worktree method (what an older git gets). */
  forceWorktree?: boolean;
  /** Compute even when a stored result exists. */
  fresh?: boolean;
  signal?: AbortSignal;
}

/** Dry-runs merging `task.branch` into `task.base` (no worktree, no index touched). */
export async function checkTask(task: Pick<Task, 'repo' | 'slug' | 'branch' | 'base'>, options: CheckTaskOptions = {}): Promise<TaskMergeCheck> {
  const [baseCommit, branchCommit] = await resolveCommits(task.repo, [task.base, task.branch], options.signal);
  const checks = options.store ? new MergeCheckStore(options.store) : undefined;
  const common = { slug: task.slug, branch: task.branch, base: task.base, branchCommit: branchCommit!, baseCommit: baseCommit! };
  const pair = { left: task.slug, right: null, leftCommit: baseCommit!, rightCommit: branchCommit! };
  const stored = options.fresh || options.forceWorktree ? undefined : checks?.get(task.repo, baseCommit!, branchCommit!);
  if (stored) {
    checks!.save(task.repo, [], [pair]);
    return { ...common, clean: stored.clean, conflicts: stored.conflicts, method: stored.method, cached: true };
  }
  const result = await dryRunMerge(task.repo, baseCommit!, branchCommit!, { forceWorktree: options.forceWorktree, signal: options.signal });
  checks?.save(task.repo, [{ left: baseCommit!, right: branchCommit!, result }], [pair]);
  return { ...common, clean: result.clean, conflicts: result.conflicts, method: result.method, cached: false };
}
