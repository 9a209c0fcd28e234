/**
 * Reads the dashboard's task facts and the supervisor's lease from an open (read-only) state.db,
 * cheaply enough to ask on every change of the database: a stamp of the tables they come from tells
 * whether anything needs reading at all.
 */
import { MergeCheckStore } from '../merge/merge-check-store.js';
import { leaseIsLive } from '../manager/supervisor-store.js';
import type { StateStore } from '../store/state-store.js';
import type { Task } from '../task.js';
import { ValidationStore } from '../validate/validation-store.js';
import { readRepoFacts, type RepoFacts } from './task-facts.js';

/** A lease not renewed for this long belongs to a dead supervisor (the supervisor's own constant). */
export const SUPERVISOR_STALE_MS = 15_000;

/** The background supervisor as the header shows it. */
export interface SupervisorFacts {
  live: boolean;
  pid: number;
  startedAt: number;
}

interface LeaseRecord {
  owner: string;
  pid: number;
  started_at: number;
  heartbeat_at: number;
}

const STAMP = `SELECT
  (SELECT MAX(id) FROM validations) AS validation,
  (SELECT COUNT(*) FROM merge_pairs) AS pairs,
  (SELECT MAX(checked_at) FROM merge_pairs) AS checked`;

/** Without a state.db (nothing ran yet) only the waves are known: they come from the registry. */
export class FactReader {
  private readonly validations: ValidationStore | undefined;
  private readonly mergeChecks: MergeCheckStore | undefined;

  constructor(private readonly store: StateStore | undefined) {
    if (!store) return;
    const { db, redact } = store.extension;
    this.validations = ValidationStore.over(db, redact);
    try {
      this.mergeChecks = new MergeCheckStore(store);
    } catch {
      this.mergeChecks = undefined; // a state.db from before merge checks, opened read-only
    }
  }

  /** Changes whenever a verdict or a merge check is stored. */
  stamp(): string {
    if (!this.store) return '';
    try {
      const row = this.store.extension.db.prepare<[], Record<string, number | null>>(STAMP).get();
      return JSON.stringify(row ?? null);
    } catch {
      return '';
    }
  }

  /** The facts of every repo's tasks, planned with `maxParallel`. */
  read(tasks: readonly Task[], maxParallel: number): Map<string, RepoFacts> {
    const byRepo = new Map<string, Task[]>();
    for (const t of tasks) {
      const list = byRepo.get(t.repo);
      if (list) list.push(t);
      else byRepo.set(t.repo, [t]);
    }
    const out = new Map<string, RepoFacts>();
    for (const [repo, list] of byRepo) {
      out.set(repo, readRepoFacts(repo, list, maxParallel, { ...(this.validations ? { validations: this.validations } : {}), ...(this.mergeChecks ? { mergeChecks: this.mergeChecks } : {}) }));
    }
    return out;
  }

  /** The supervisor's lease, or null when none was ever taken or it was released. */
  supervisor(now = Date.now()): SupervisorFacts | null {
    if (!this.store) return null;
    try {
      const r = this.store.extension.db.prepare<[], LeaseRecord>('SELECT owner, pid, started_at, heartbeat_at FROM supervisor_lease WHERE id = 1').get();
      if (!r) return null;
      const live = leaseIsLive({ owner: r.owner, pid: r.pid, startedAt: r.started_at, heartbeatAt: r.heartbeat_at, activity: null, logFile: null }, SUPERVISOR_STALE_MS, now);
      return { live, pid: r.pid, startedAt: r.started_at };
    } catch {
      return null;
    }
  }
}
