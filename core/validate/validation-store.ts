/**
 * Stored verdicts: the `validations` table of state.db (migration 4). Every validation round —
 * `task validate`, each `--auto-fix` round, `task review` — is one row with the verdict and
 * everything that led to it. Writes are one tiny `BEGIN IMMEDIATE` each and pass through the
 * redactor (RELIABILITY rules 5 and 13). This module loads SQLite: import it lazily.
 */
import { makeRedactor, redactedJson, type Redactor } from '../redact.js';
import { openDatabase, type SqliteDatabase } from '../store/database.js';
import type { CheckResult, Finding, ReviewResult } from './verdict.js';

/** What `task validate` ran: the whole validation, or the review alone (`task review`). */
export type ValidationMode = 'validate' | 'review';

export interface NewValidation {
  repo: string;
  slug: string;
  /** The verification run this round belongs to. */
  runId: number | null;
  /** 1 for the first round of a `task validate`, 2… for its auto-fix rounds. */
  round: number;
  mode: ValidationMode;
  pass: boolean;
  review: ReviewResult['status'];
  summary: string;
  /** The base branch and the commit of the task branch that was validated. */
  base: string | null;
  head: string | null;
  findings: Finding[];
  checks: CheckResult[];
  startedAt: number;
  endedAt: number;
}

/** A stored round. `verdict` is `pass` or `fail`. */
export interface StoredValidation extends Omit<NewValidation, 'pass'> {
  id: number;
  verdict: 'pass' | 'fail';
}

interface ValidationRecord {
  id: number;
  repo: string;
  slug: string;
  run_id: number | null;
  round: number;
  mode: string;
  verdict: string;
  review: string;
  summary: string;
  base: string | null;
  head: string | null;
  findings: string;
  checks: string;
  started_at: number;
  ended_at: number;
}

function fromRecord(r: ValidationRecord): StoredValidation {
  return {
    id: r.id,
    repo: r.repo,
    slug: r.slug,
    runId: r.run_id,
    round: r.round,
    mode: r.mode as ValidationMode,
    verdict: r.verdict === 'pass' ? 'pass' : 'fail',
    review: r.review as ReviewResult['status'],
    summary: r.summary,
    base: r.base,
    head: r.head,
    findings: JSON.parse(r.findings) as Finding[],
    checks: JSON.parse(r.checks) as CheckResult[],
    startedAt: r.started_at,
    endedAt: r.ended_at,
  };
}

const LATEST = 'SELECT * FROM validations WHERE repo = ? AND slug = ? AND mode = ? ORDER BY id DESC LIMIT 1';

export class ValidationStore {
  private constructor(
    private readonly db: SqliteDatabase,
    private readonly redact: Redactor,
  ) {}

  /** Opens state.db (migrating it when needed); with `readonly`, a missing file reads as no verdicts. */
  static open(file: string, options: { redact?: Redactor; readonly?: boolean } = {}): ValidationStore {
    return new ValidationStore(openDatabase(file, { readonly: options.readonly ?? false }), options.redact ?? makeRedactor());
  }

  /** Reads and writes through a connection that is already open (closing it stays the opener's job). */
  static over(db: SqliteDatabase, redact: Redactor = makeRedactor()): ValidationStore {
    return new ValidationStore(db, redact);
  }

  /** Stores one round; returns its id. */
  save(v: NewValidation): number {
    const insert = this.db.prepare(
      `INSERT INTO validations (repo, slug, run_id, round, mode, verdict, review, summary, base, head, findings, checks, started_at, ended_at)
       VALUES (@repo, @slug, @runId, @round, @mode, @verdict, @review, @summary, @base, @head, @findings, @checks, @startedAt, @endedAt)`,
    );
    const params = {
      repo: v.repo,
      slug: v.slug,
      runId: v.runId,
      round: v.round,
      mode: v.mode,
      verdict: v.pass ? 'pass' : 'fail',
      review: v.review,
      summary: this.redact(v.summary),
      base: v.base,
      head: v.head,
      findings: redactedJson(v.findings, this.redact),
      checks: redactedJson(v.checks, this.redact),
      startedAt: v.startedAt,
      endedAt: v.endedAt,
    };
    return Number(this.db.transaction(() => insert.run(params).lastInsertRowid).immediate());
  }

  /**
   * The task's newest round of `mode` (default `validate`: a `task review` alone is not a full
   * verdict), or undefined when there is none.
   */
  latest(repo: string, slug: string, mode: ValidationMode = 'validate'): StoredValidation | undefined {
    const row = this.db.prepare<[string, string, string], ValidationRecord>(LATEST).get(repo, slug, mode);
    return row && fromRecord(row);
  }

  /** The newest `validate` round of every task of a repo, by slug (for `status`). */
  latestOfRepo(repo: string): Map<string, StoredValidation> {
    const rows = this.db
      .prepare<[string], ValidationRecord>("SELECT * FROM validations WHERE id IN (SELECT MAX(id) FROM validations WHERE repo = ? AND mode = 'validate' GROUP BY slug)")
      .all(repo);
    return new Map(rows.map((r) => [r.slug, fromRecord(r)]));
  }

  /** Every round of a task, oldest first. */
  historyOf(repo: string, slug: string): StoredValidation[] {
    return this.db.prepare<[string, string], ValidationRecord>('SELECT * FROM validations WHERE repo = ? AND slug = ? ORDER BY id').all(repo, slug).map(fromRecord);
  }

  close(): void {
    if (this.db.open) this.db.close();
  }
}

/**
 * The task's latest verdict of a full `task validate` (not of `task review` alone), read from the state.db of `store` (a StateStore, or its file path):
 * the gate for `task complete`. Undefined when the task was never validated.
 */
export function latestVerdict(store: { file: string } | string, repo: string, slug: string): StoredValidation | undefined {
  const validations = ValidationStore.open(typeof store === 'string' ? store : store.file, { readonly: true });
  try {
    return validations.latest(repo, slug);
  } finally {
    validations.close();
  }
}
