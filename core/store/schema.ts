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
  { version: 2, name: 'supervisor lease and commands', sql: 'SELECT 1;' },
  { version: 3, name: 'merge checks', sql: 'SELECT 1;' },
  { version: 4, name: 'validations', sql: 'SELECT 1;' },
];

/** The schema version this code writes and understands. */
export const STORE_SCHEMA_VERSION = MIGRATIONS.length;
