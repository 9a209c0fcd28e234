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
  {
    version: 5,
    name: 'events in batches',
    sql: `
      -- Agent events, one row per write instead of one per event (a row cost more than parsing
      -- the line it came from), numbered first_id … last_id: a JSON array whose elements are the
      -- event itself when it is an object with its own ts and type, else [ts, type, data].
      CREATE TABLE event_batches (
        last_id  INTEGER PRIMARY KEY,
        first_id INTEGER NOT NULL,
        run_id   INTEGER NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
        events   TEXT    NOT NULL,
        CHECK (first_id <= last_id)
      );
      CREATE INDEX event_batches_by_run ON event_batches (run_id, last_id);

      -- The newest event id ever given out: ids are cursors and are never reused, even when the
      -- newest batch is deleted with its run (what AUTOINCREMENT did for the events table).
      CREATE TABLE event_sequence (
        id      INTEGER PRIMARY KEY CHECK (id = 1),
        last_id INTEGER NOT NULL
      );
      INSERT INTO event_sequence (id, last_id)
        VALUES (1, MAX(COALESCE((SELECT seq FROM sqlite_sequence WHERE name = 'events'), 0), COALESCE((SELECT MAX(id) FROM events), 0)));

      -- Each existing event becomes a batch of one, with its id; data that is not JSON stays text.
      INSERT INTO event_batches (last_id, first_id, run_id, events)
        SELECT id, id, run_id, json_array(json_array(ts, type, json(data))) FROM events WHERE json_valid(data);
      INSERT INTO event_batches (last_id, first_id, run_id, events)
        SELECT id, id, run_id, json_array(json_array(ts, type, data)) FROM events WHERE NOT json_valid(data);
      DROP TABLE events;

      -- The events one per row, as the table used to show them, for SQL that reads them directly;
      -- a condition on batch_last_id lets such SQL skip whole batches.
      CREATE VIEW events (id, run_id, ts, type, data, batch_last_id) AS
        SELECT b.first_id + j.key, b.run_id,
               CASE j.type WHEN 'array' THEN j.value ->> 0 ELSE j.value ->> '$.ts' END,
               CASE j.type WHEN 'array' THEN j.value ->> 1 ELSE j.value ->> '$.type' END,
               CASE j.type WHEN 'array' THEN j.value -> 2 ELSE j.value END,
               b.last_id
          FROM event_batches b, json_each(b.events) j;
    `,
  },
];

/** The schema version this code writes and understands. */
export const STORE_SCHEMA_VERSION = MIGRATIONS.length;
