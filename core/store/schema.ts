/**
 * The state.db schema as an append-only list of migrations. `PRAGMA user_version` holds how many
 * have been applied; each one also leaves a row in `schema_migrations`. Never edit a shipped
 * migration: append the next one (validations, merge checks, the supervisor lease…) and the
 * version follows.
 */

export interface Migration {
  /** The `user_version` the database has once this migration is applied. */
  version: number;
  name: string;
  sql: string;
}

export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: 'runs, transitions, events',
    sql: `
      CREATE TABLE schema_migrations (
        version    INTEGER PRIMARY KEY,
        name       TEXT    NOT NULL,
        applied_at INTEGER NOT NULL
      );

      -- AUTOINCREMENT: a run id names its log file and an event id is a follower's cursor, so
      -- neither may ever be reused after a delete.
      CREATE TABLE runs (
        id              INTEGER PRIMARY KEY AUTOINCREMENT,
        repo            TEXT    NOT NULL,
        slug            TEXT    NOT NULL,
        attempt         INTEGER NOT NULL,
        role            TEXT    NOT NULL DEFAULT 'worker',
        profile         TEXT    NOT NULL,
        kind            TEXT    NOT NULL,
        phase           TEXT    NOT NULL,
        result          TEXT,
        session_id      TEXT,
        pid             INTEGER,
        pgid            INTEGER,
        proc_start_time TEXT,
        owner           TEXT,
        error           TEXT,
        usage           TEXT,
        summary         TEXT,
        question        TEXT,
        started_at      INTEGER NOT NULL,
        ended_at        INTEGER,
        heartbeat_at    INTEGER
      );
      CREATE INDEX runs_by_task ON runs (repo, slug, attempt);
      CREATE INDEX runs_active ON runs (id) WHERE ended_at IS NULL;

      CREATE TABLE transitions (
        id          INTEGER PRIMARY KEY,
        repo        TEXT    NOT NULL,
        slug        TEXT    NOT NULL,
        from_status TEXT,
        to_status   TEXT    NOT NULL,
        reason      TEXT    NOT NULL,
        run_id      INTEGER REFERENCES runs (id) ON DELETE SET NULL,
        at          INTEGER NOT NULL
      );
      CREATE INDEX transitions_by_task ON transitions (repo, slug, id);

      CREATE TABLE events (
        id     INTEGER PRIMARY KEY AUTOINCREMENT,
        run_id INTEGER NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
        ts     INTEGER NOT NULL,
        type   TEXT    NOT NULL,
        data   TEXT    NOT NULL
      );
      CREATE INDEX events_by_run ON events (run_id, id);
    `,
  },
  // Slots for the parts being built side by side; each fills in its own `sql` before it lands.
  {
    version: 2,
    name: 'supervisor lease and commands',
    sql: `
      -- One row: the supervisor that holds the lease (one per user data directory). A lease whose
      -- owner is dead, or whose heartbeat is stale, may be taken over.
      CREATE TABLE supervisor_lease (
        id           INTEGER PRIMARY KEY CHECK (id = 1),
        owner        TEXT    NOT NULL,
        pid          INTEGER NOT NULL,
        started_at   INTEGER NOT NULL,
        heartbeat_at INTEGER NOT NULL,
        activity     TEXT,
        log_file     TEXT
      );

      -- The command channel and its record: launch / stop / stop-now, taken in id order.
      CREATE TABLE supervisor_commands (
        id         INTEGER PRIMARY KEY AUTOINCREMENT,
        kind       TEXT    NOT NULL,
        payload    TEXT    NOT NULL,
        created_at INTEGER NOT NULL,
        taken_by   TEXT,
        taken_at   INTEGER,
        result     TEXT,
        done_at    INTEGER
      );
      CREATE INDEX supervisor_commands_open ON supervisor_commands (id) WHERE done_at IS NULL;
    `,
  },
  {
    version: 3,
    name: 'merge checks',
    sql: `
      -- One dry-run merge, keyed by the two commits it was computed for: a pair whose branches
      -- have not moved is never merged again (issue 6).
      CREATE TABLE merge_checks (
        repo         TEXT    NOT NULL,
        left_commit  TEXT    NOT NULL,
        right_commit TEXT    NOT NULL,
        clean        INTEGER NOT NULL,
        conflicts    TEXT    NOT NULL,
        method       TEXT    NOT NULL,
        checked_at   INTEGER NOT NULL,
        PRIMARY KEY (repo, left_commit, right_commit)
      ) WITHOUT ROWID;

      -- The latest check of each task against its base (right_slug '') or another task: which
      -- commits it was for. Joined with merge_checks for the radar and the planner.
      CREATE TABLE merge_pairs (
        repo         TEXT    NOT NULL,
        left_slug    TEXT    NOT NULL,
        right_slug   TEXT    NOT NULL,
        left_commit  TEXT    NOT NULL,
        right_commit TEXT    NOT NULL,
        checked_at   INTEGER NOT NULL,
        PRIMARY KEY (repo, left_slug, right_slug)
      ) WITHOUT ROWID;
    `,
  },
  {
    version: 4,
    name: 'validations',
    sql: `
      -- One row per validation round (task validate, each --auto-fix round, task review): the
      -- verdict and everything that led to it, as JSON.
      CREATE TABLE validations (
        id         INTEGER PRIMARY KEY AUTOINCREMENT,
        repo       TEXT    NOT NULL,
        slug       TEXT    NOT NULL,
        run_id     INTEGER REFERENCES runs (id) ON DELETE SET NULL,
        round      INTEGER NOT NULL,
        mode       TEXT    NOT NULL,
        verdict    TEXT    NOT NULL,
        review     TEXT    NOT NULL,
        summary    TEXT    NOT NULL,
        base       TEXT,
        head       TEXT,
        findings   TEXT    NOT NULL,
        checks     TEXT    NOT NULL,
        started_at INTEGER NOT NULL,
        ended_at   INTEGER NOT NULL
      );
      CREATE INDEX validations_by_task ON validations (repo, slug, id);
    `,
  },
];

/** The schema version this code writes and understands. */
export const STORE_SCHEMA_VERSION = MIGRATIONS.length;
