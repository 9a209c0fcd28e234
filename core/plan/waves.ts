import { CodexAgentError } from '../errors.js';
import { findCycle, formatCycle } from '../registry/graph.js';
import { OPEN_STATUSES } from '../task-state.js';
import { PRIORITIES, type Task, type TaskStatus } from '../task.js';
import { RankHeap } from './rank-heap.js';
import { compiledScopesOverlap, compileScope, type CompiledScope } from './scope-overlap.js';

/** What planning needs of a task. */
export type PlanTask = Pick<Task, 'slug' | 'deps' | 'priority' | 'files' | 'status'>;

/** Pairs of tasks whose branches already conflict (fed by the merge checks; none by default). */
export type BranchConflicts = (slugs: readonly string[]) => Iterable<readonly [string, string]>;

export interface PlanOptions {
  /** At most this many tasks per wave (config `manager.max_parallel`). */
  maxParallel: number;
  branchConflicts?: BranchConflicts;
}

/** A task's place in the plan and why it is there. */
export interface PlannedTask {
  slug: string;
  status: TaskStatus;
  /** 1-based. */
  wave: number;
  /** "no open dependencies", "waiting for a, b", "split from x because both touch src/**", "capped by max_parallel (4)". */
  reason: string;
}

/** An open task that cannot be planned: a dependency failed or was cancelled. */
export interface BlockedTask {
  slug: string;
  status: TaskStatus;
  reason: string;
}

export interface Wave {
  number: number;
  slugs: string[];
}

export interface Plan {
  maxParallel: number;
  waves: Wave[];
  /** Every planned task, wave by wave, in launch order within a wave. */
  tasks: PlannedTask[];
  blocked: BlockedTask[];
}

/** Dependencies in these states are satisfied and drop out of the graph. */
const SATISFIED: ReadonlySet<TaskStatus> = new Set(['done', 'merged']);

/**
 * Plans one repo's open tasks (todo, ready, running, review, stuck) as waves (DESIGN §8): the
 * topological layers of the dependency graph, each capped at `maxParallel`, with tasks whose file
 * scopes overlap or whose branches conflict split into different waves. Within a wave, and when a
 * wave is full, tasks go by priority (urgent first), then slug — so the same registry always gives
 * the same plan. Dependencies that are done or merged are satisfied; an open task whose dependency
 * failed or was cancelled (or is itself blocked) is listed as blocked, not planned. A cycle is a
 * `dependency-cycle` error that names it.
 */
export function planWaves(allTasks: readonly PlanTask[], options: PlanOptions): Plan {
  const maxParallel = Math.max(1, Math.floor(options.maxParallel));
  const open: PlanTask[] = [];
  const dead = new Map<string, TaskStatus>();
  for (const t of allTasks) {
    if (OPEN_STATUSES.has(t.status)) open.push(t);
    else if (!SATISFIED.has(t.status)) dead.set(t.slug, t.status);
  }
  const blocked = dead.size ? blockedTasks(open, dead) : new Map<string, BlockedTask>();

  // Rank: priority (highest first), then slug — the order of the whole plan.
  const buckets: PlanTask[][] = PRIORITIES.map(() => []);
  for (const t of open) if (!blocked.has(t.slug)) buckets[PRIORITIES.indexOf(t.priority)]!.push(t);
  const tasks = buckets.reverse().flatMap((bucket) => bucket.sort((a, b) => (a.slug < b.slug ? -1 : a.slug > b.slug ? 1 : 0)));
  const index = new Map(tasks.map((t, i) => [t.slug, i]));
  const n = tasks.length;
  const pending = new Int32Array(n);
  const dependents: number[][] = Array.from({ length: n }, () => []);
  for (let i = 0; i < n; i++) {
    for (const dep of tasks[i]!.deps) {
      const d = index.get(dep);
      if (d === undefined) continue; // done, merged or unknown: satisfied
      pending[i]!++;
      dependents[d]!.push(i);
    }
  }
  const scopes: (CompiledScope | undefined)[] = new Array(n);
  const conflicts = conflictMap(options.branchConflicts, tasks.map((t) => t.slug), index);

  const waveOf = new Int32Array(n).fill(0);
  const eligibleAt = new Int32Array(n).fill(1);
  const split = new Map<number, { wave: number; reason: string }>();
  const heap = new RankHeap(n);
  for (let i = 0; i < n; i++) if (pending[i] === 0) heap.push(i);

  const waves: Wave[] = [];
  const planned: PlannedTask[] = [];
  let placed = 0;
  while (heap.size > 0) {
    const number = waves.length + 1;
    const members: number[] = [];
    const deferred: number[] = [];
    while (members.length < maxParallel && heap.size > 0) {
      const i = heap.pop();
      const clash = clashWith(i, members, tasks, scopes, conflicts);
      if (clash) {
        split.set(i, { wave: number, reason: clash });
        deferred.push(i);
      } else members.push(i);
    }
    for (const i of deferred) heap.push(i);
    for (const i of members) {
      waveOf[i] = number;
      planned.push({ slug: tasks[i]!.slug, status: tasks[i]!.status, wave: number, reason: reasonFor(i, number, tasks, index, waveOf, eligibleAt, split, maxParallel) });
    }
    for (const i of members) {
      for (const d of dependents[i]!) {
        if (--pending[d]! === 0) {
          eligibleAt[d] = number + 1;
          heap.push(d);
        }
      }
    }
    placed += members.length;
    waves.push({ number, slugs: members.map((i) => tasks[i]!.slug) });
  }

  if (placed < n) {
    const cycle = findCycle(tasks.filter((_, i) => waveOf[i] === 0).map((t) => ({ slug: t.slug, deps: t.deps })));
    throw new CodexAgentError('dependency-cycle', `The open tasks depend on each other in a cycle: ${cycle ? formatCycle(cycle) : 'unknown'}.`, {
      hint: 'Break it with codex-agent task edit <slug> --remove-dep <dep>.',
      details: { cycle },
    });
  }
  const blockedList = [...blocked.values()].sort((a, b) => (a.slug < b.slug ? -1 : 1));
  return { maxParallel, waves, tasks: planned, blocked: blockedList };
}

function reasonFor(
  i: number,
  wave: number,
  tasks: readonly PlanTask[],
  index: ReadonlyMap<string, number>,
  waveOf: Int32Array,
  eligibleAt: Int32Array,
  split: ReadonlyMap<number, { wave: number; reason: string }>,
  maxParallel: number,
): string {
  const lastSplit = split.get(i);
  if (lastSplit && lastSplit.wave === wave - 1) return lastSplit.reason;
  if (wave > eligibleAt[i]!) return `capped by max_parallel (${maxParallel})`;
  const waitingFor = tasks[i]!.deps.filter((d) => {
    const j = index.get(d);
    return j !== undefined && waveOf[j] === wave - 1;
  });
  return waitingFor.length ? `waiting for ${waitingFor.join(', ')}` : 'no open dependencies';
}

/** Why task `i` cannot join the tasks already in the wave, or undefined. */
function clashWith(
  i: number,
  members: readonly number[],
  tasks: readonly PlanTask[],
  scopes: (CompiledScope | undefined)[],
  conflicts: ReadonlyMap<number, ReadonlySet<number>>,
): string | undefined {
  const task = tasks[i]!;
  for (const m of members) {
    if (conflicts.size && conflicts.get(i)?.has(m)) return `split from ${tasks[m]!.slug} because their branches conflict`;
    if (task.files.length === 0 || tasks[m]!.files.length === 0) continue;
    const overlap = compiledScopesOverlap((scopes[i] ??= compileScope(task.files)), (scopes[m] ??= compileScope(tasks[m]!.files)));
    if (overlap) {
      const what = overlap.a === overlap.b ? overlap.a : `${overlap.a} and ${overlap.b}`;
      return `split from ${tasks[m]!.slug} because both touch ${what}`;
    }
  }
  return undefined;
}

function conflictMap(source: BranchConflicts | undefined, slugs: readonly string[], index: ReadonlyMap<string, number>): Map<number, Set<number>> {
  const map = new Map<number, Set<number>>();
  if (!source) return map;
  for (const [a, b] of source(slugs)) {
    const i = index.get(a);
    const j = index.get(b);
    if (i === undefined || j === undefined || i === j) continue;
    if (!map.has(i)) map.set(i, new Set());
    if (!map.has(j)) map.set(j, new Set());
    map.get(i)!.add(j);
    map.get(j)!.add(i);
  }
  return map;
}

/**
 * Open tasks that cannot run because a dependency failed or was cancelled, directly or down the
 * line: a breadth-first walk from the failed and cancelled tasks along their open dependents.
 */
function blockedTasks(open: readonly PlanTask[], dead: ReadonlyMap<string, TaskStatus>): Map<string, BlockedTask> {
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
