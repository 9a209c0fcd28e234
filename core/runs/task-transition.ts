import { CodexAgentError } from '../errors.js';
import type { StateStore } from '../store/state-store.js';
import { Registry } from '../registry/registry.js';
import { findTask } from '../registry/task-ref.js';
import { assertTransition } from '../task-state.js';
import type { Task, TaskStatus } from '../task.js';

/**
 * Moves a task to `to` through the state machine: checked against the transition table inside
 * the registry lock (so two processes cannot both start a task), stored in the registry, and
 * recorded with time and reason in the run history. Returns the task as it was before the move.
 */
export async function transitionTask(
  registry: Registry,
  store: StateStore | undefined,
  task: Pick<Task, 'repo' | 'slug'>,
  to: TaskStatus,
  reason: string,
  options: { runId?: number; expect?: readonly TaskStatus[]; patch?: Partial<Pick<Task, 'worktree'>>; at?: number } = {},
): Promise<Task> {
  const now = options.at ?? Date.now();
  const before = await registry.update((r) => {
    const current = findTask(r, `${task.slug}`, task.repo);
    if (options.expect && !options.expect.includes(current.status)) {
      throw new CodexAgentError('illegal-transition', `${current.slug} is ${current.status}, so it cannot be moved to ${to} now.`, {
        hint: `That needs it to be ${options.expect.join(' or ')}.`,
        details: { from: current.status, to },
      });
    }
    if (current.status !== to) assertTransition(current.status, to);
    const snapshot = { ...current };
    current.status = to;
    current.statusReason = reason;
    current.updatedAt = new Date(now).toISOString();
    if (options.patch?.worktree !== undefined) current.worktree = options.patch.worktree;
    return snapshot;
  });
  if (before.status !== to) store?.recordTransition({ repo: task.repo, slug: task.slug, from: before.status, to, reason, runId: options.runId, at: now });
  return before;
}
