import { scopesOverlap } from '../plan/scope-overlap.js';
import { PRIORITIES, type Task, type TaskStatus } from '../task.js';

/** When a dependency counts as finished for starting its dependents (config `manager.start_after`). */
export type StartAfter = 'done' | 'review';

const FINISHED: Record<StartAfter, ReadonlySet<TaskStatus>> = {
  done: new Set(['done', 'merged']),
  review: new Set(['review', 'done', 'merged']),
};

/** A task that may start now; `early` when it is still `todo` (dependencies in review). */
export interface Launchable {
  task: Task;
  early: boolean;
}

export interface PickOptions {
  /** The repo's tasks as they are now. */
  tasks: readonly Task[];
  /** The tasks asked for (null: every task of the repo). */
  scope: ReadonlySet<string> | null;
  /** Slugs this supervisor is running now (with their file scopes). */
  running: ReadonlyMap<string, readonly string[]>;
  maxParallel: number;
  startAfter: StartAfter;
}

/** Whether every dependency of `task` is finished in the sense of `startAfter`. */
export function depsFinished(task: Task, bySlug: ReadonlyMap<string, Task>, startAfter: StartAfter): boolean {
  return task.deps.every((d) => {
    const dep = bySlug.get(d);
    return dep === undefined || FINISHED[startAfter].has(dep.status);
  });
}

/**
 * The tasks to start now, in launch order (priority, then slug), so that no more than
 * `maxParallel` run at once and no two tasks with overlapping file scopes run side by side.
 * Only `ready` tasks start (and `todo` ones whose dependencies are in review, with
 * `startAfter = "review"`): stuck, failed and cancelled tasks wait for the user.
 */
export function pickLaunchable(options: PickOptions): Launchable[] {
  const bySlug = new Map(options.tasks.map((t) => [t.slug, t]));
  const candidates = options.tasks
    .filter((t) => (options.scope === null || options.scope.has(t.slug)) && !options.running.has(t.slug))
    .filter((t) => t.status === 'ready' || (t.status === 'todo' && options.startAfter === 'review' && depsFinished(t, bySlug, 'review')))
    .sort((a, b) => PRIORITIES.indexOf(b.priority) - PRIORITIES.indexOf(a.priority) || (a.slug < b.slug ? -1 : 1));
  const busy = [...options.running.values()];
  const picked: Launchable[] = [];
  for (const task of candidates) {
    if (busy.length >= options.maxParallel) break;
    if (task.files.length > 0 && busy.some((files) => files.length > 0 && scopesOverlap(task.files, files))) continue;
    picked.push({ task, early: task.status === 'todo' });
    busy.push(task.files);
  }
  return picked;
}

/**
 * Whether a launch still has something to wait for: a task it asked for that is waiting on a
 * dependency in review (someone may complete it) — the supervisor lingers for those.
 */
export function waitsOnReview(tasks: readonly Task[], scope: ReadonlySet<string> | null): boolean {
  const bySlug = new Map(tasks.map((t) => [t.slug, t]));
  return tasks.some(
    (t) => (scope === null || scope.has(t.slug)) && (t.status === 'todo' || t.status === 'ready') && t.deps.some((d) => bySlug.get(d)?.status === 'review'),
  );
}
