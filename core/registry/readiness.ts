import { readinessOf } from '../task-state.js';
import type { Task } from '../task.js';

/**
 * Moves tasks between `todo` and `ready` as their dependencies finish or change (DESIGN §5).
 * Only those two states are derived; every other state changes by an explicit transition.
 */
export function refreshReadiness(tasks: Task[], now: string): void {
  const byKey = new Map(tasks.map((t) => [`${t.repo}\u0000${t.slug}`, t]));
  for (const task of tasks) {
    if (task.status !== 'todo' && task.status !== 'ready') continue;
    const deps = task.deps.map((slug) => byKey.get(`${task.repo}\u0000${slug}`));
    const next = readinessOf(deps.map((d) => d?.status));
    const reason =
      next === 'ready'
        ? task.deps.length ? 'dependencies done' : 'no dependencies'
        : `waiting for ${task.deps.filter((_, i) => deps[i]?.status !== 'done').join(', ')}`;
    if (next !== task.status) {
      task.status = next;
      task.updatedAt = now;
    }
    task.statusReason = reason;
  }
}
