import { PRIORITIES, type Task, type TaskStatus } from '../task.js';
import { compileGlob, type CompiledGlob } from './scope-overlap.js';

/** What planning needs of a task. */
export type PlanTask = Pick<Task, 'slug' | 'deps' | 'priority' | 'files' | 'status'>;

/** An open task that cannot be planned: a dependency failed or was cancelled. */
export interface BlockedTask {
  slug: string;
  status: TaskStatus;
  reason: string;
}

/**
 * The plannable tasks in rank order (a task's rank is its index in every array here) with their
 * open dependency edges as flat index arrays: the dependencies of task `i` are `deps[depStart[i]]`
 * up to `deps[depStart[i + 1]]`, in the order the task lists them; its dependents likewise in
 * `dependents` from `dependentStart`. Flat arrays, because a big registry has tens of thousands of
 * edges and one small array per task is most of the planner's garbage.
 */
export interface RankedGraph {
  tasks: PlanTask[];
  slugs: string[];
  statuses: TaskStatus[];
  /** Each task's file scope, prepared for overlap tests: `scopeGlobs[scopeStart[i]]` up to `scopeGlobs[scopeStart[i + 1]]`. */
  scopeStart: Int32Array;
  scopeGlobs: CompiledGlob[];
  index: Map<string, number>;
  depStart: Int32Array;
  deps: Int32Array;
  dependentStart: Int32Array;
  dependents: Int32Array;
}

/**
 * Ranks `open` tasks that are not `blocked` by priority (highest first), then slug — the order of
 * the whole plan — resolves their dependencies to ranks and prepares their file scopes.
 * Dependencies on tasks outside `open` (done, merged or unknown) are satisfied and leave no edge.
 * Each task object is read in one pass in the order given — in rank order, which is unrelated to
 * where the objects lie in memory, most of the time went to cache misses.
 */
export function rankedGraph(open: readonly PlanTask[], blocked: ReadonlyMap<string, BlockedTask>): RankedGraph {
  const live = blocked.size ? open.filter((t) => !blocked.has(t.slug)) : open;
  const n = live.length;
  const slugAt: string[] = new Array<string>(n);
  const statusAt: TaskStatus[] = new Array<TaskStatus>(n);
  const buckets: number[][] = PRIORITIES.map(() => []);
  let listed = 0;
  for (let p = 0; p < n; p++) {
    const t = live[p]!;
    slugAt[p] = t.slug;
    statusAt[p] = t.status;
    listed += t.deps.length;
    buckets[PRIORITIES.indexOf(t.priority)]!.push(p);
  }
  const bySlug = (a: number, b: number): number => {
    const x = slugAt[a]!;
    const y = slugAt[b]!;
    return x < y ? -1 : x > y ? 1 : 0;
  };
  const order = new Int32Array(n); // rank → position in `live`
  const rankOf = new Int32Array(n);
  let rank = 0;
  for (let b = buckets.length - 1; b >= 0; b--) {
    for (const p of buckets[b]!.sort(bySlug)) {
      order[rank] = p;
      rankOf[p] = rank++;
    }
  }
  const index = new Map<string, number>();
  for (let p = 0; p < n; p++) index.set(slugAt[p]!, rankOf[p]!);
  // A slug given twice (never in a valid registry) names its last task in rank order.
  if (index.size < n) for (let i = 0; i < n; i++) index.set(slugAt[order[i]!]!, i);

  // Dependencies by position, then copied into rank order.
  const depStartAt = new Int32Array(n + 1);
  const depsAt = new Int32Array(listed);
  const dependentStart = new Int32Array(n + 1);
  const scopeStartAt = new Int32Array(n + 1);
  const globsAt: CompiledGlob[] = [];
  let edges = 0;
  for (let p = 0; p < n; p++) {
    const t = live[p]!;
    for (const dep of t.deps) {
      const d = index.get(dep);
      if (d === undefined) continue;
      depsAt[edges++] = d;
      dependentStart[d + 1]!++;
    }
    depStartAt[p + 1] = edges;
    for (const glob of t.files) globsAt.push(compileGlob(glob));
    scopeStartAt[p + 1] = globsAt.length;
  }
  const tasks: PlanTask[] = new Array<PlanTask>(n);
  const slugs: string[] = new Array<string>(n);
  const statuses: TaskStatus[] = new Array<TaskStatus>(n);
  const depStart = new Int32Array(n + 1);
  const deps = new Int32Array(edges);
  const scopeStart = new Int32Array(n + 1);
  const scopeGlobs: CompiledGlob[] = new Array<CompiledGlob>(globsAt.length);
  for (let i = 0, k = 0, g = 0; i < n; i++) {
    const p = order[i]!;
    tasks[i] = live[p]!;
    slugs[i] = slugAt[p]!;
    statuses[i] = statusAt[p]!;
    for (let j = depStartAt[p]!; j < depStartAt[p + 1]!; j++) deps[k++] = depsAt[j]!;
    depStart[i + 1] = k;
    for (let j = scopeStartAt[p]!; j < scopeStartAt[p + 1]!; j++) scopeGlobs[g++] = globsAt[j]!;
    scopeStart[i + 1] = g;
  }
  for (let i = 0; i < n; i++) dependentStart[i + 1]! += dependentStart[i]!;
  const fill = dependentStart.slice(0, n);
  const dependents = new Int32Array(edges);
  for (let i = 0; i < n; i++) for (let k = depStart[i]!; k < depStart[i + 1]!; k++) dependents[fill[deps[k]!]!++] = i;
  return { tasks, slugs, statuses, scopeStart, scopeGlobs, index, depStart, deps, dependentStart, dependents };
}

/**
 * Open tasks that cannot run because a dependency failed or was cancelled, directly or down the
 * line: a breadth-first walk from the failed and cancelled tasks along their open dependents.
 */
export function blockedTasks(open: readonly PlanTask[], dead: ReadonlyMap<string, TaskStatus>): Map<string, BlockedTask> {
  const blocked = new Map<string, BlockedTask>();
  const queue: PlanTask[] = [];
  for (const task of open) {
    const bad = task.deps.find((d) => dead.has(d));
    if (bad !== undefined) {
      blocked.set(task.slug, { slug: task.slug, status: task.status, reason: `blocked: ${bad} is ${dead.get(bad)}` });
      queue.push(task);
    }
  }
  if (queue.length === 0) return blocked;
  const dependents = new Map<string, PlanTask[]>();
  for (const task of open) for (const dep of task.deps) (dependents.get(dep) ?? dependents.set(dep, []).get(dep)!).push(task);
  for (let head = 0; head < queue.length; head++) {
    const from = queue[head]!;
    for (const next of dependents.get(from.slug) ?? []) {
      if (blocked.has(next.slug)) continue;
      blocked.set(next.slug, { slug: next.slug, status: next.status, reason: `blocked: ${from.slug} is blocked` });
      queue.push(next);
    }
  }
  return blocked;
}
