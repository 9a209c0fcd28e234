import { lstat } from 'node:fs/promises';
import { runGit } from '../git/run.js';
import type { Registry } from '../registry/registry.js';
import type { Task } from '../task.js';

/** A task whose worktree was deleted outside codex-agent, and what was done about it (RELIABILITY IN-4). */
export interface WorktreeNotice {
  slug: string;
  repo: string;
  path: string;
  branch: string;
  /** The branch still exists (it is never deleted here). */
  branchExists: boolean;
  /** `git worktree prune` ran (false when the repo itself is gone). */
  pruned: boolean;
  message: string;
}

async function missing(path: string): Promise<boolean> {
  return lstat(path).then(
    () => false,
    (err: NodeJS.ErrnoException) => err.code === 'ENOENT' || err.code === 'ENOTDIR',
  );
}

function noticeMessage(task: Pick<Task, 'slug' | 'branch'>, path: string, pruned: boolean, branchExists: boolean): string {
  const did = pruned ? 'pruned it' : 'its repository is gone too';
  const branch = branchExists ? `kept branch ${task.branch}` : `its branch ${task.branch} no longer exists`;
  return `Worktree of ${task.slug} at ${path} was deleted outside codex-agent; ${did}, ${branch}.`;
}

/**
 * Notices task worktrees that were deleted behind the tool's back: prunes git's stale entries,
 * keeps the branches, clears the tasks' records and says what it did. Costs one lstat per task
 * with a worktree when nothing is wrong, so every command that looks at worktrees can call it first.
 */
export async function reconcileWorktrees(registry: Registry, options: { repoRoot?: string; signal?: AbortSignal } = {}): Promise<WorktreeNotice[]> {
  const { tasks } = await registry.read();
  const candidates: Task[] = [];
  for (const task of tasks) {
    if (!task.worktree || (options.repoRoot !== undefined && task.repo !== options.repoRoot)) continue;
    if (await missing(task.worktree)) candidates.push(task);
  }
  if (candidates.length === 0) return [];
  const notices: WorktreeNotice[] = [];
  for (const repo of new Set(candidates.map((t) => t.repo))) {
    const pruned = (await runGit(['worktree', 'prune'], { cwd: repo, allowFailure: true, signal: options.signal }).catch(() => undefined))?.exitCode === 0;
    for (const task of candidates.filter((t) => t.repo === repo)) {
      const ref = pruned
        ? await runGit(['rev-parse', '--verify', '--quiet', '--end-of-options', `refs/heads/${task.branch}`], { cwd: repo, allowFailure: true, signal: options.signal })
        : undefined;
      const branchExists = ref?.exitCode === 0;
      const path = task.worktree!;
      notices.push({ slug: task.slug, repo, path, branch: task.branch, branchExists, pruned, message: noticeMessage(task, path, pruned, branchExists) });
    }
  }
  const cleared = new Set<string>();
  await registry.update(async (r) => {
    for (const notice of notices) {
      const task = r.tasks.find((t) => t.repo === notice.repo && t.slug === notice.slug);
      // Re-checked inside the lock: another command may have recreated it meanwhile.
      if (task && task.worktree === notice.path && (await missing(notice.path))) {
        task.worktree = null;
        task.updatedAt = new Date().toISOString();
        cleared.add(`${notice.repo}\0${notice.slug}`);
      }
    }
  });
  return notices.filter((n) => cleared.has(`${n.repo}\0${n.slug}`));
}
