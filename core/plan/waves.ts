import { CodexAgentError } from '../errors.js';
import { findCycle, formatCycle } from '../registry/graph.js';
import { OPEN_STATUSES } from '../task-state.js';
import type { TaskStatus } from '../task.js';
import { blockedTasks, rankedGraph, type BlockedTask, type PlanTask, type RankedGraph } from './plan-graph.js';
import { RankSet } from './rank-set.js';
import { compiledGlobsOverlap } from './scope-overlap.js';

export type { BlockedTask, PlanTask };

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
  const graph = rankedGraph(open, blocked);
  const { tasks, slugs, dependentStart, dependents } = graph;
  const n = tasks.length;
  const pending = new Int32Array(n);
  for (let i = 0; i < n; i++) pending[i] = graph.depStart[i + 1]! - graph.depStart[i]!;
  const conflicts = conflictMap(options.branchConflicts, slugs, graph.index);

  const placement: Placement = {
    waveOf: new Int32Array(n),
    eligibleAt: new Int32Array(n).fill(1),
    splitWave: new Int32Array(n),
    splitReason: new Map(),
    capped: `capped by max_parallel (${maxParallel})`,
  };
  const { waveOf, eligibleAt } = placement;
  const ready = new RankSet(n);
  for (let i = 0; i < n; i++) if (pending[i] === 0) ready.push(i);

  const waves: Wave[] = [];
  const planned: PlannedTask[] = [];
  const members: number[] = [];
  const deferred: number[] = [];
  let placed = 0;
  while (ready.size > 0) {
    const number = waves.length + 1;
    members.length = 0;
    deferred.length = 0;
    while (members.length < maxParallel && ready.size > 0) {
      const i = ready.pop();
      const clash = clashWith(i, members, graph, conflicts);
      if (clash) {
        placement.splitWave[i] = number;
        placement.splitReason.set(i, clash);
        deferred.push(i);
      } else members.push(i);
    }
    for (const i of deferred) ready.push(i);
    const waveSlugs: string[] = [];
    for (const i of members) {
      waveOf[i] = number;
      waveSlugs.push(slugs[i]!);
      planned.push({ slug: slugs[i]!, status: graph.statuses[i]!, wave: number, reason: reasonFor(i, number, graph, placement) });
    }
    for (const i of members) {
      for (let k = dependentStart[i]!; k < dependentStart[i + 1]!; k++) {
        const d = dependents[k]!;
        if (--pending[d]! === 0) {
          eligibleAt[d] = number + 1;
          ready.push(d);
        }
      }
    }
    placed += members.length;
    waves.push({ number, slugs: waveSlugs });
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

/** Where the planner has put each task so far (by rank), and why tasks were split off. */
interface Placement {
  /** 1-based wave, 0 while unplaced. */
  waveOf: Int32Array;
  /** The first wave all of a task's dependencies allow. */
  eligibleAt: Int32Array;
  /** The last wave a task was split from (0: never), and why. */
  splitWave: Int32Array;
  splitReason: Map<number, string>;
  capped: string;
}

function reasonFor(i: number, wave: number, graph: RankedGraph, placement: Placement): string {
  if (wave > 1 && placement.splitWave[i] === wave - 1) return placement.splitReason.get(i)!;
  if (wave > placement.eligibleAt[i]!) return placement.capped;
  let waitingFor = '';
  for (let k = graph.depStart[i]!; k < graph.depStart[i + 1]!; k++) {
    const j = graph.deps[k]!;
    if (placement.waveOf[j] === wave - 1) waitingFor = waitingFor ? `${waitingFor}, ${graph.slugs[j]!}` : graph.slugs[j]!;
  }
  return waitingFor ? `waiting for ${waitingFor}` : 'no open dependencies';
}

/** Why task `i` cannot join the tasks already in the wave, or undefined. */
function clashWith(i: number, members: readonly number[], graph: RankedGraph, conflicts: ReadonlyMap<number, ReadonlySet<number>>): string | undefined {
  const { scopeStart, scopeGlobs } = graph;
  const from = scopeStart[i]!;
  const to = scopeStart[i + 1]!;
  for (const m of members) {
    if (conflicts.size && conflicts.get(i)?.has(m)) return `split from ${graph.slugs[m]!} because their branches conflict`;
    for (let x = from; x < to; x++) {
      for (let y = scopeStart[m]!; y < scopeStart[m + 1]!; y++) {
        if (!compiledGlobsOverlap(scopeGlobs[x]!, scopeGlobs[y]!)) continue;
        const [a, b] = [scopeGlobs[x]!.raw, scopeGlobs[y]!.raw];
        return `split from ${graph.slugs[m]!} because both touch ${a === b ? a : `${a} and ${b}`}`;
      }
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
