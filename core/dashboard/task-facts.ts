/**
 * What the dashboard knows of each task beyond its registry entry and its runs: the wave the
 * manager would launch it in, its latest verdict, the radar's conflicts with other task branches and
 * its merge check against its base. Read from state.db and planned from the registry; pure data out.
 */
import type { MergeCheckStore } from '../merge/merge-check-store.js';
import { planWaves, type PlanTask } from '../plan/waves.js';
import { OPEN_STATUSES } from '../task-state.js';
import type { Task } from '../task.js';
import type { StoredValidation, ValidationStore } from '../validate/validation-store.js';
import type { Finding } from '../validate/verdict.js';

/** The latest `task validate` of a task, as the list and the detail pane show it. */
export interface VerdictFacts {
  verdict: 'pass' | 'fail';
  review: string;
  summary: string;
  /** The commit that was validated. */
  head: string | null;
  at: number;
  findings: Finding[];
  checks: { name: string; status: string; required: boolean }[];
}

/** The latest dry-run merge of a task branch, into its base or with another task's branch. */
export interface MergeFacts {
  clean: boolean;
  files: string[];
  /** The commit of the task branch that was checked. */
  commit: string;
  at: number;
}

/** A task's facts; every field is absent when nothing is known. */
export interface TaskFacts {
  /** 1-based wave of the repo's plan; absent for tasks that are not open or cannot be planned. */
  wave?: number;
  /** Why it cannot be planned (a dependency failed or was cancelled). */
  blocked?: string;
  verdict?: VerdictFacts;
  /** The merge check against its base. */
  mergeCheck?: MergeFacts;
  /** Other tasks whose branches conflict with this one when last checked, with the files. */
  conflicts?: { slug: string; files: string[] }[];
}

/** The waves still to run in one repo: how many, and the tasks of the first. */
export interface WaveProgress {
  total: number;
  /** Tasks of the first wave still open, and how many of them run. */
  current: { size: number; running: number } | null;
}

/** The facts of one repo's tasks, by slug. */
export interface RepoFacts {
  tasks: Map<string, TaskFacts>;
  waves: WaveProgress;
  /** Why the plan could not be made (a dependency cycle), when it could not. */
  planError?: string;
}

/** Where facts are read from; either may be missing (a state.db from before the feature). */
export interface FactSources {
  validations?: ValidationStore;
  mergeChecks?: MergeCheckStore;
}

function verdictFacts(v: StoredValidation): VerdictFacts {
  return {
    verdict: v.verdict,
    review: v.review,
    summary: v.summary,
    head: v.head,
    at: v.endedAt,
    findings: v.findings,
    checks: v.checks.map((c) => ({ name: c.name, status: c.status, required: c.required })),
  };
}

/** A table that is not there yet (an old state.db opened read-only) reads as empty. */
function tolerant<T>(read: () => T, empty: T): T {
  try {
    return read();
  } catch {
    return empty;
  }
}

/**
 * The facts of `tasks` (one repo's) with `maxParallel` as the manager's cap: the plan is the one
 * `manager plan` would print now, radar conflicts included.
 */
export function readRepoFacts(repo: string, tasks: readonly Task[], maxParallel: number, sources: FactSources): RepoFacts {
  const facts = new Map<string, TaskFacts>();
  const of = (slug: string) => {
    let f = facts.get(slug);
    if (!f) facts.set(slug, (f = {}));
    return f;
  };
  const verdicts = sources.validations ? tolerant(() => sources.validations!.latestOfRepo(repo), new Map<string, StoredValidation>()) : new Map<string, StoredValidation>();
  for (const [slug, v] of verdicts) of(slug).verdict = verdictFacts(v);

  const pairs = sources.mergeChecks ? tolerant(() => sources.mergeChecks!.pairs(repo), []) : [];
  const conflicting: [string, string][] = [];
  // A finished task's old checks say nothing any more (the radar only pairs active branches).
  const active = new Set(tasks.filter((t) => OPEN_STATUSES.has(t.status)).map((t) => t.slug));
  for (const p of pairs) {
    if (!p.check || !active.has(p.left) || (p.right !== null && !active.has(p.right))) continue;
    const files = p.check.conflicts.map((c) => c.path);
    if (p.right === null) {
      of(p.left).mergeCheck = { clean: p.check.clean, files, commit: p.leftCommit, at: p.check.checkedAt };
    } else if (!p.check.clean) {
      (of(p.left).conflicts ??= []).push({ slug: p.right, files });
      (of(p.right).conflicts ??= []).push({ slug: p.left, files });
      conflicting.push([p.left, p.right]);
    }
  }

  const waves: WaveProgress = { total: 0, current: null };
  let planError: string | undefined;
  try {
    const planned: readonly PlanTask[] = tasks;
    const plan = planWaves(planned, { maxParallel, branchConflicts: () => conflicting });
    for (const t of plan.tasks) of(t.slug).wave = t.wave;
    for (const b of plan.blocked) of(b.slug).blocked = b.reason;
    waves.total = plan.waves.length;
    const first = plan.waves[0];
    if (first) {
      const status = new Map(plan.tasks.map((t) => [t.slug, t.status]));
      waves.current = { size: first.slugs.length, running: first.slugs.filter((s) => status.get(s) === 'running').length };
    }
  } catch (err) {
    planError = err instanceof Error ? err.message : String(err);
  }
  return { tasks: facts, waves, ...(planError ? { planError } : {}) };
}

/** Whether two facts show the same (so a view is replaced only when what it shows changed). */
export function sameFacts(a: TaskFacts | undefined, b: TaskFacts | undefined): boolean {
  return JSON.stringify(a ?? {}) === JSON.stringify(b ?? {});
}

/** What became worse between two facts of a task: a conflict appeared, a verdict failed. */
export function factNotices(before: TaskFacts, after: TaskFacts): string[] {
  const out: string[] = [];
  const known = new Set((before.conflicts ?? []).map((c) => c.slug));
  for (const c of after.conflicts ?? []) {
    if (!known.has(c.slug)) out.push(`conflicts with ${c.slug}${c.files.length ? ` in ${c.files.slice(0, 2).join(', ')}${c.files.length > 2 ? ', …' : ''}` : ''}`);
  }
  const m = after.mergeCheck;
  if (m && !m.clean && (before.mergeCheck?.clean ?? true)) out.push(`conflicts with its base${m.files.length ? ` in ${m.files.slice(0, 2).join(', ')}` : ''}`);
  const v = after.verdict;
  if (v && v.verdict === 'fail' && v.at !== before.verdict?.at) out.push(`failed validation: ${v.summary}`);
  return out;
}
