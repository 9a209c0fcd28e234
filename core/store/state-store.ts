/**
 * The run history, `state.db` (DESIGN §3): runs, task transitions and agent events in SQLite.
 *
 * Synchronous like better-sqlite3 itself: every write is one tiny `BEGIN IMMEDIATE` transaction
 * that never spans an await (RELIABILITY rules 5 and 6). Every string written passes through the
 * store's redactor (rule 13): run and transition fields in {@link StateStore.scrub}, agent events
 * as the JSON text of their batch in `redactBatch` (event-batches.ts).
 *
 * This module loads SQLite; commands that may not need it import `openStateStore` from `./open.js`.
 */
import { CodexAgentError } from '../errors.js';
import { makeRedactor, redactedJson, type Redactor } from '../redact.js';
import { openDatabase, type SqliteDatabase } from './database.js';
import { BatchInserter } from './batch-inserter.js';
import { readBatch, toBatchRows, type EventBatchRecord } from './event-batches.js';
import { RUN_COLUMNS, runFromRow, transitionFromRow, type RunRecord, type TransitionRecord } from './rows.js';
import type { EventQuery, EventRow, NewEvent, NewRun, NewTransition, RunPatch, RunRow, TransitionRow } from './types.js';

export { STORE_SCHEMA_VERSION } from './schema.js';

export interface StateStoreOptions {
  /** Open without writing (a missing file reads as an empty history). */
  readonly?: boolean;
  /** Applied to every string stored; default: the built-in secret patterns only. */
  redact?: Redactor;
}

type Params = Record<string, unknown>;

export class StateStore {
  readonly file: string;
  private readonly db: SqliteDatabase;
  private readonly redact: Redactor;
  private readonly updates = new Map<string, { run(params: Params): { changes: number } }>();
  private readonly sql;
  private batches: BatchInserter | undefined;

  private constructor(file: string, db: SqliteDatabase, redact: Redactor) {
    this.file = file;
    this.db = db;
    this.redact = redact;
    this.sql = {
      nextAttempt: db.prepare<[string, string], { next: number }>('SELECT COALESCE(MAX(attempt), 0) + 1 AS next FROM runs WHERE repo = ? AND slug = ?'),
      insertRun: db.prepare(
        'INSERT INTO runs (repo, slug, attempt, role, profile, kind, phase, started_at) VALUES (@repo, @slug, @attempt, @role, @profile, @kind, @phase, @startedAt)',
      ),
      insertTransition: db.prepare(
        'INSERT INTO transitions (repo, slug, from_status, to_status, reason, run_id, at) VALUES (@repo, @slug, @from, @to, @reason, @runId, @at)',
      ),
      run: db.prepare<[number], RunRecord>('SELECT * FROM runs WHERE id = ?'),
      runsOf: db.prepare<[string, string], RunRecord>('SELECT * FROM runs WHERE repo = ? AND slug = ? ORDER BY id'),
      activeRuns: db.prepare<[], RunRecord>('SELECT * FROM runs WHERE ended_at IS NULL ORDER BY id'),
      transitionsOf: db.prepare<[string, string], TransitionRecord>('SELECT * FROM transitions WHERE repo = ? AND slug = ? ORDER BY id'),
      batchesOf: db.prepare<[number, number], EventBatchRecord>('SELECT first_id, run_id, events FROM event_batches WHERE run_id = ? AND last_id > ? ORDER BY last_id'),
      lastEventId: db.prepare<[], { id: number }>('SELECT last_id AS id FROM event_sequence WHERE id = 1'),
    };
  }

  /**
   * Opens the database (creating the directory 0700 and the file 0600 when needed), in WAL mode,
   * and migrates it. A database written by a newer codex-agent is refused (`store-too-new`) and
   * left unchanged; one that is not SQLite is refused as `store-corrupt`.
   */
  static open(file: string, options: StateStoreOptions = {}): StateStore {
    return new StateStore(file, openDatabase(file, { readonly: options.readonly ?? false }), options.redact ?? makeRedactor());
  }

  /**
   * Runs `fn` in one `BEGIN IMMEDIATE` transaction (nested calls become savepoints), so several
   * writes land together or not at all. `fn` must be synchronous and short.
   */
  immediate<T>(fn: () => T): T {
    return this.db.transaction(fn).immediate();
  }

  /** Records a run that is starting and returns its id. */
  createRun(r: NewRun): number {
    return this.immediate(() => {
      const attempt = r.attempt ?? this.sql.nextAttempt.get(r.repo, r.slug)?.next ?? 1;
      const params = { ...r, attempt, role: r.role ?? 'worker' };
      return Number(this.sql.insertRun.run(this.scrub(params)).lastInsertRowid);
    });
  }

  /** Changes the given fields of a run; `run-not-found` when there is no such run. */
  updateRun(id: number, patch: RunPatch): void {
    const fields = Object.keys(patch).filter((k) => (patch as Params)[k] !== undefined && k in RUN_COLUMNS) as (keyof RunPatch)[];
    if (fields.length === 0) return;
    const key = fields.join(',');
    let statement = this.updates.get(key);
    if (!statement) {
      statement = this.db.prepare(`UPDATE runs SET ${fields.map((f) => `${RUN_COLUMNS[f]} = @${f}`).join(', ')} WHERE id = @id`);
      this.updates.set(key, statement);
    }
    const params: Params = { id };
    for (const f of fields) params[f] = f === 'usage' && patch.usage !== null ? new Json(patch.usage) : patch[f];
    const { changes } = this.immediate(() => statement.run(this.scrub(params)));
    if (changes === 0) throw new CodexAgentError('run-not-found', `No run ${id} in ${this.file}.`, { details: { runId: id } });
  }

  /** Stores a task's state change with its time and reason. */
  recordTransition(t: NewTransition): void {
    this.immediate(() => this.sql.insertTransition.run(this.scrub({ ...t, runId: t.runId ?? null })));
  }

  /**
   * Stores a batch of a run's events in one transaction: all of them or, on any failure, none.
   * Each event gets its own id; they are stored together, redacted, as one row per
   * `MAX_EVENTS_PER_ROW` events (see event-batches.ts). Returns the id of the last one (0 for
   * an empty batch).
   */
  appendEvents(runId: number, events: readonly NewEvent[]): number {
    if (events.length === 0) return 0;
    const rows = toBatchRows(runId, events, this.redact);
    this.batches ??= new BatchInserter(this.db);
    return this.batches.insert(runId, rows);
  }

  run(id: number): RunRow | undefined {
    const row = this.sql.run.get(id);
    return row && runFromRow(row);
  }

  /** A task's runs, oldest first. */
  runsOf(repo: string, slug: string): RunRow[] {
    return this.sql.runsOf.all(repo, slug).map(runFromRow);
  }

  /** Runs that have not ended, oldest first: what a supervisor reconciles at start-up. */
  activeRuns(): RunRow[] {
    return this.sql.activeRuns.all().map(runFromRow);
  }

  /** A task's transitions, oldest first. */
  transitionsOf(repo: string, slug: string): TransitionRow[] {
    return this.sql.transitionsOf.all(repo, slug).map(transitionFromRow);
  }

  /** A run's events in id order; page with `afterId` set to the last id seen. */
  eventsOf(runId: number, query: EventQuery = {}): EventRow[] {
    const afterId = query.afterId ?? 0;
    const types = query.types ? new Set(query.types) : null;
    const limit = query.limit === undefined || query.limit < 0 ? Infinity : query.limit;
    const out: EventRow[] = [];
    if (limit === 0 || types?.size === 0) return out;
    for (const row of this.sql.batchesOf.iterate(runId, afterId)) {
      readBatch(row, afterId, types, limit, out);
      if (out.length >= limit) break;
    }
    return out;
  }

  /** The id of the newest event ever stored (0 when none): the cursor to follow from. */
  lastEventId(): number {
    return this.sql.lastEventId.get()?.id ?? 0;
  }

  /**
   * For the parts that keep their own tables in state.db (merge checks, …): the connection and the
   * store's redactor. Their writes too must be tiny `immediate` transactions.
   */
  get extension(): { db: SqliteDatabase; redact: Redactor } {
    return { db: this.db, redact: this.redact };
  }

  close(): void {
    if (this.db.open) this.db.close();
  }

  /**
   * The one point where stored values are redacted: every string parameter goes through the
   * redactor, and a {@link Json} value becomes JSON text with its strings redacted.
   */
  private scrub(params: Params): Params {
    const out: Params = {};
    for (const [key, value] of Object.entries(params)) {
      if (typeof value === 'string') out[key] = this.redact(value);
      else if (value instanceof Json) out[key] = redactedJson(value.value, this.redact);
      else out[key] = value ?? null;
    }
    return out;
  }
}

/** A parameter to store as JSON text. */
class Json {
  constructor(readonly value: unknown) {}
}
