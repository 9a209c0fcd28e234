/**
 * Merge-check results in state.db (migration 3): dry-run merges cached by the pair of commits they
 * were computed for, and the latest pairing of tasks to commits, which the radar, the dashboard and
 * the planner read.
 */
import type { StateStore } from '../store/state-store.js';
import type { DryRunMethod } from './merge-tree.js';
import type { FileConflict } from './merge-tree-parse.js';

/** A stored dry-run merge of `right` into `left`. */
export interface StoredCheck {
  clean: boolean;
  conflicts: FileConflict[];
  method: DryRunMethod;
  checkedAt: number;
}

/** The latest check of a task against its base (`right` = null) or against another task. */
export interface PairRecord {
  left: string;
  /** The other task's slug, or null for the task's own base. */
  right: string | null;
  leftCommit: string;
  rightCommit: string;
}

interface CheckRow {
  left_commit: string;
  right_commit: string;
  clean: number;
  conflicts: string;
  method: string;
  checked_at: number;
}

const key = (left: string, right: string) => `${left} ${right}`;

/** Reads and writes the merge-check tables of one state.db. */
export class MergeCheckStore {
  private readonly sql;
  private readonly redact;

  constructor(private readonly store: StateStore) {
    const { db, redact } = store.extension;
    this.redact = redact;
    this.sql = {
      check: db.prepare<[string, string, string], CheckRow>('SELECT * FROM merge_checks WHERE repo = ? AND left_commit = ? AND right_commit = ?'),
      checksOf: db.prepare<[string], CheckRow>('SELECT * FROM merge_checks WHERE repo = ?'),
      insertCheck: db.prepare(
        'INSERT OR REPLACE INTO merge_checks (repo, left_commit, right_commit, clean, conflicts, method, checked_at) VALUES (@repo, @left, @right, @clean, @conflicts, @method, @at)',
      ),
      upsertPair: db.prepare(
        'INSERT OR REPLACE INTO merge_pairs (repo, left_slug, right_slug, left_commit, right_commit, checked_at) VALUES (@repo, @leftSlug, @rightSlug, @leftCommit, @rightCommit, @at)',
      ),
      clearPairs: db.prepare<[string]>('DELETE FROM merge_pairs WHERE repo = ?'),
      pairsOf: db.prepare<[string], { left_slug: string; right_slug: string; left_commit: string; right_commit: string }>(
        'SELECT left_slug, right_slug, left_commit, right_commit FROM merge_pairs WHERE repo = ? ORDER BY left_slug, right_slug',
      ),
    };
  }

  /** The stored result for this commit pair, if it was ever computed. */
  get(repo: string, left: string, right: string): StoredCheck | undefined {
    const row = this.sql.check.get(repo, left, right);
    return row && fromRow(row);
  }

  /** Every stored result of a repo, by `left right` commit pair (one query for the whole radar). */
  all(repo: string): Map<string, StoredCheck> {
    return new Map(this.sql.checksOf.all(repo).map((row) => [key(row.left_commit, row.right_commit), fromRow(row)]));
  }

  /** Stores results and the task pairs they belong to, in one transaction. */
  save(repo: string, checks: readonly { left: string; right: string; result: Omit<StoredCheck, 'checkedAt'> }[], pairs: readonly PairRecord[], options: { replacePairs?: boolean } = {}): void {
    const at = Date.now();
    // A re-check that found nothing new must not write (a write transaction costs more than the check).
    if (checks.length === 0 && this.samePairs(repo, pairs, options.replacePairs ?? false)) return;
    this.store.immediate(() => {
      for (const c of checks) {
        this.sql.insertCheck.run({ repo, left: c.left, right: c.right, clean: c.result.clean ? 1 : 0, conflicts: this.redact(JSON.stringify(c.result.conflicts)), method: c.result.method, at });
      }
      if (options.replacePairs) this.sql.clearPairs.run(repo);
      for (const p of pairs) this.sql.upsertPair.run({ repo, leftSlug: p.left, rightSlug: p.right ?? '', leftCommit: p.leftCommit, rightCommit: p.rightCommit, at });
    });
  }

  private samePairs(repo: string, pairs: readonly PairRecord[], all: boolean): boolean {
    const stored = new Map(this.sql.pairsOf.all(repo).map((r) => [`${r.left_slug} ${r.right_slug}`, `${r.left_commit} ${r.right_commit}`]));
    if (all && stored.size !== pairs.length) return false;
    return pairs.every((p) => stored.get(`${p.left} ${p.right ?? ''}`) === `${p.leftCommit} ${p.rightCommit}`);
  }

  /** The latest task pairings of a repo with their stored results. */
  pairs(repo: string): (PairRecord & { check: StoredCheck | undefined })[] {
    const checks = this.all(repo);
    return this.sql.pairsOf.all(repo).map((row) => ({
      left: row.left_slug,
      right: row.right_slug || null,
      leftCommit: row.left_commit,
      rightCommit: row.right_commit,
      check: checks.get(key(row.left_commit, row.right_commit)),
    }));
  }
}

function fromRow(row: CheckRow): StoredCheck {
  return { clean: row.clean === 1, conflicts: JSON.parse(row.conflicts) as FileConflict[], method: row.method as DryRunMethod, checkedAt: row.checked_at };
}

/**
 * The pairs of tasks whose branches conflicted when last checked (by the radar, `merge check
 * --all`), with the conflicting files: for the planner, to keep such tasks in different waves.
 */
export function conflictingPairs(store: StateStore, repo: string): [string, string, string[]][] {
  return new MergeCheckStore(store)
    .pairs(repo)
    .filter((p) => p.right !== null && p.check && !p.check.clean)
    .map((p) => [p.left, p.right!, p.check!.conflicts.map((c) => c.path)]);
}
