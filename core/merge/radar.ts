/**
 * The conflict radar (`merge check --all`): every active task branch against its base and against
 * every other active branch, through one `git merge-tree --stdin` process, cached by commit pair,
 * with a suggested merge order.
 */
import { runGit } from '../git/run.js';
import type { StateStore } from '../store/state-store.js';
import type { Task, TaskStatus } from '../task.js';
import { MergeCheckStore, type PairRecord } from './merge-check-store.js';
import { dryRunBatch, hasWriteTree, resolveCommits } from './merge-tree.js';
import type { FileConflict } from './merge-tree-parse.js';

/** States whose branches the radar watches. */
export const RADAR_STATUSES: ReadonlySet<TaskStatus> = new Set(['running', 'review', 'stuck']);

/** One checked pair: a task against its base (`right` null) or against another task. */
export interface RadarPair {
  left: string;
  right: string | null;
  clean: boolean;
  conflicts: FileConflict[];
  cached: boolean;
}

export interface RadarResult {
  tasks: { slug: string; branch: string; base: string; commit: string }[];
  pairs: RadarPair[];
  /** Suggested merge order: what conflicts least first (deterministic). */
  order: string[];
  /** How many merges were computed now (the rest came from state.db). */
  computed: number;
}

export interface RadarOptions {
  repo: string;
  /** The repo's tasks; only active ones with an existing branch are checked. */
  tasks: readonly Task[];
  /** May still be opening: the branch heads are read meanwhile (git runs while SQLite loads). */
  store: StateStore | Promise<StateStore>;
  forceWorktree?: boolean;
  /** Compute every pair even when stored results exist. */
  fresh?: boolean;
  signal?: AbortSignal;
}

/** All branch heads in one process: `refs/heads/x` → commit. */
async function branchHeads(repo: string, signal?: AbortSignal): Promise<Map<string, string>> {
  const r = await runGit(['for-each-ref', '--format=%(objectname) %(refname)', 'refs/heads/'], { cwd: repo, signal });
  const heads = new Map<string, string>();
  for (const line of r.stdout.split('\n')) {
    const space = line.indexOf(' ');
    if (space > 0) heads.set(line.slice(space + 1).replace(/^refs\/heads\//, ''), line.slice(0, space));
  }
  return heads;
}

/** Runs the radar and stores its results (replacing the repo's previous pairings). */
export async function runRadar(options: RadarOptions): Promise<RadarResult> {
  const { repo } = options;
  const skipCache = options.forceWorktree || options.fresh;
  const headsRead = branchHeads(repo, options.signal);
  // A radar that will merge anyway asks git's version now, in parallel with for-each-ref.
  if (skipCache && !options.forceWorktree) hasWriteTree(repo).catch(() => undefined);
  const heads = await headsRead;
  const active = options.tasks.filter((t) => t.repo === repo && RADAR_STATUSES.has(t.status) && heads.has(t.branch)).sort((a, b) => a.slug.localeCompare(b.slug));
  const baseCommits = new Map<string, string>();
  for (const base of new Set(active.map((t) => t.base))) {
    baseCommits.set(base, heads.get(base) ?? (await resolveCommits(repo, [base], options.signal))[0]!);
  }
  const records: PairRecord[] = [];
  for (const t of active) records.push({ left: t.slug, right: null, leftCommit: baseCommits.get(t.base)!, rightCommit: heads.get(t.branch)! });
  for (let i = 0; i < active.length; i++) {
    for (let j = i + 1; j < active.length; j++) {
      records.push({ left: active[i]!.slug, right: active[j]!.slug, leftCommit: heads.get(active[i]!.branch)!, rightCommit: heads.get(active[j]!.branch)! });
    }
  }
  const keyOf = (r: PairRecord) => `${r.leftCommit} ${r.rightCommit}`;
  const missingFrom = (known: ReadonlyMap<string, unknown>) =>
    [...new Map(records.filter((r) => !known.has(keyOf(r))).map((r) => [keyOf(r), [r.leftCommit, r.rightCommit] as const])).values()];
  const batch = (pairs: readonly (readonly [string, string])[]) => dryRunBatch(repo, pairs, { forceWorktree: options.forceWorktree, signal: options.signal });
  // Without cache lookups every pair is merged: git starts now, while SQLite opens.
  const everyPair = skipCache ? missingFrom(new Map()) : undefined;
  const merging = everyPair && batch(everyPair);
  merging?.catch(() => undefined); // awaited below
  const checks = new MergeCheckStore(await options.store);
  const known = skipCache ? new Map<string, never>() : checks.all(repo);
  const missing = everyPair ?? missingFrom(known);
  const results = await (merging ?? batch(missing));
  const fresh = new Map(missing.map(([a, b], i) => [`${a} ${b}`, results[i]!]));
  checks.save(repo, missing.map(([left, right], i) => ({ left, right, result: results[i]! })), records, { replacePairs: true });

  const pairs: RadarPair[] = records.map((r) => {
    const now = fresh.get(keyOf(r));
    const got = now ?? known.get(keyOf(r))!;
    return { left: r.left, right: r.right, clean: got.clean, conflicts: got.conflicts, cached: now === undefined };
  });
  return {
    tasks: active.map((t) => ({ slug: t.slug, branch: t.branch, base: t.base, commit: heads.get(t.branch)! })),
    pairs,
    order: mergeOrder(active.map((t) => t.slug), pairs),
    computed: missing.length,
  };
}

/**
 * Greedy: repeatedly take the task that conflicts with the fewest of the tasks still waiting (a
 * conflict with its base counts as one), then with the fewest conflicting files, then by slug.
 */
export function mergeOrder(slugs: readonly string[], pairs: readonly Pick<RadarPair, 'left' | 'right' | 'clean' | 'conflicts'>[]): string[] {
  const remaining = new Set(slugs);
  const order: string[] = [];
  // Per task: its conflicts as [other task or null for its base, files].
  const edges = new Map<string, [string | null, number][]>(slugs.map((s) => [s, []]));
  for (const p of pairs) {
    if (p.clean) continue;
    edges.get(p.left)?.push([p.right, p.conflicts.length]);
    if (p.right !== null) edges.get(p.right)?.push([p.left, p.conflicts.length]);
  }
  const score = (slug: string): [number, number] => {
    let count = 0;
    let files = 0;
    for (const [other, n] of edges.get(slug) ?? []) {
      if (other !== null && !remaining.has(other)) continue;
      count++;
      files += n;
    }
    return [count, files];
  };
  while (remaining.size) {
    let best: { slug: string; s: [number, number] } | undefined;
    for (const slug of [...remaining].sort()) {
      const s = score(slug);
      if (!best || s[0] < best.s[0] || (s[0] === best.s[0] && s[1] < best.s[1])) best = { slug, s };
    }
    order.push(best!.slug);
    remaining.delete(best!.slug);
  }
  return order;
}
