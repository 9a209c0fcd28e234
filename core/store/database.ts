/**
 * Opening state.db: private file modes, WAL, the pragmas every connection needs, and migrations
 * under `user_version` (RELIABILITY rules 5, 7 and 13, scenario SQL-2).
 */
import { chmodSync, closeSync, existsSync, mkdirSync, openSync, statSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import { PRIVATE_DIR_MODE, PRIVATE_FILE_MODE } from '../atomic-file.js';
import { CodexAgentError } from '../errors.js';
import { MIGRATIONS, STORE_SCHEMA_VERSION } from './schema.js';

export type SqliteDatabase = Database.Database;

/**
 * How long a connection waits for another one's write lock before failing with SQLITE_BUSY. Write
 * transactions are kept to a few milliseconds, so a wait this long means something is wrong.
 */
export const BUSY_TIMEOUT_MS = 5_000;

/** The WAL file is truncated back to this size after a checkpoint, so it never stays huge. */
export const JOURNAL_SIZE_LIMIT_BYTES = 32 * 1024 * 1024;

/**
 * Opens (creating when needed) and migrates the database at `file`. With `readonly`, the file is
 * never written, except that a database older than this code is migrated first; a missing file
 * then reads as an empty history (an in-memory database with the schema).
 */
export function openDatabase(file: string, options: { readonly?: boolean } = {}): SqliteDatabase {
  return options.readonly ? openReadonly(file) : openWritable(file);
}

function openWritable(file: string): SqliteDatabase {
  createPrivately(file);
  const db = connect(file, false);
  try {
    // Refuse a newer database before anything (even switching it to WAL) touches the file.
    refuseNewer(userVersion(db), file);
    switchToWal(db);
    db.pragma('synchronous = NORMAL');
    db.pragma(`journal_size_limit = ${JOURNAL_SIZE_LIMIT_BYTES}`);
    db.pragma('foreign_keys = ON');
    migrate(db, file);
    return db;
  } catch (err) {
    db.close();
    throw translateError(err, file);
  }
}

function openReadonly(file: string): SqliteDatabase {
  if (!existsSync(file)) {
    const db = new Database(':memory:');
    migrate(db, ':memory:');
    db.pragma('query_only = ON');
    return db;
  }
  let db = connect(file, true);
  try {
    const version = userVersion(db);
    refuseNewer(version, file);
    if (version < STORE_SCHEMA_VERSION) {
      db.close();
      openWritable(file).close();
      db = connect(file, true);
      refuseNewer(userVersion(db), file);
    }
    return db;
  } catch (err) {
    if (db.open) db.close();
    throw translateError(err, file);
  }
}

/**
 * Applies the pending migrations, reading `user_version` inside a `BEGIN IMMEDIATE` transaction so
 * that of several processes opening a fresh database at once, exactly one applies each migration
 * and the others then see it done. Returns the version the database had before.
 */
export function migrate(db: SqliteDatabase, file: string): number {
  // Versions only grow, so an up-to-date database needs no write lock.
  const seen = userVersion(db);
  if (seen === STORE_SCHEMA_VERSION) return seen;
  refuseNewer(seen, file);
  const apply = db.transaction(() => {
    const from = userVersion(db);
    refuseNewer(from, file);
    for (const migration of MIGRATIONS) {
      if (migration.version <= from) continue;
      db.exec(migration.sql);
      db.prepare('INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)').run(migration.version, migration.name, Date.now());
    }
    if (from < STORE_SCHEMA_VERSION) db.pragma(`user_version = ${STORE_SCHEMA_VERSION}`);
    return from;
  });
  return apply.immediate();
}

/**
 * Puts the database in WAL mode (a no-op once it is). The switch needs an exclusive lock and SQLite
 * fails it with SQLITE_BUSY at once, without its busy handler, when another process holds any lock —
 * as happens when several processes create the database together — so it is retried here for as
 * long as the busy timeout, with short jittered sleeps.
 */
function switchToWal(db: SqliteDatabase): void {
  const deadline = Date.now() + BUSY_TIMEOUT_MS;
  for (;;) {
    try {
      db.pragma('journal_mode = WAL');
      return;
    } catch (err) {
      if ((err as { code?: unknown }).code !== 'SQLITE_BUSY' || Date.now() >= deadline) throw err;
      Atomics.wait(SLEEPER, 0, 0, WAL_RETRY_MIN_MS + Math.random() * WAL_RETRY_MIN_MS);
    }
  }
}
const SLEEPER = new Int32Array(new SharedArrayBuffer(4));
/** Sleeps between attempts to switch to WAL last 5–10 ms: the other opener's lock is that short. */
const WAL_RETRY_MIN_MS = 5;

function connect(file: string, readonly: boolean): SqliteDatabase {
  try {
    return new Database(file, { readonly, fileMustExist: readonly, timeout: BUSY_TIMEOUT_MS });
  } catch (err) {
    throw translateError(err, file);
  }
}

function userVersion(db: SqliteDatabase): number {
  return db.pragma('user_version', { simple: true }) as number;
}

function refuseNewer(version: number, file: string): void {
  if (version <= STORE_SCHEMA_VERSION) return;
  throw new CodexAgentError('store-too-new', `${file} was written by a newer codex-agent (schema version ${version}; this one understands up to ${STORE_SCHEMA_VERSION}).`, {
    hint: 'Upgrade codex-agent (npm install -g codex-agents@latest). The database was not changed.',
    details: { file, version, supported: STORE_SCHEMA_VERSION },
  });
}

/**
 * Creates the directory (0700) and an empty database file (0600) so that SQLite, which gives the
 * WAL and shared-memory files the main file's mode, never creates anything world-readable. An
 * existing file is only chmod-ed by path: opening and closing a descriptor of a database that
 * another connection of this process has open would drop that connection's POSIX locks.
 */
function createPrivately(file: string): void {
  try {
    mkdirSync(dirname(file), { recursive: true, mode: PRIVATE_DIR_MODE });
    try {
      closeSync(openSync(file, 'wx', PRIVATE_FILE_MODE));
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    }
    for (const path of [file, `${file}-wal`, `${file}-shm`]) tighten(path);
  } catch (err) {
    throw new CodexAgentError('io', `Cannot create the run history database ${file}: ${(err as Error).message}`, { cause: err });
  }
}

function tighten(path: string): void {
  try {
    if ((statSync(path).mode & 0o077) !== 0) chmodSync(path, PRIVATE_FILE_MODE);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
  }
}

/** SQLite's own failures, in the product's words. */
function translateError(err: unknown, file: string): unknown {
  if (err instanceof CodexAgentError) return err;
  const code = (err as { code?: unknown }).code;
  if (code === 'SQLITE_NOTADB' || code === 'SQLITE_CORRUPT') {
    return new CodexAgentError('store-corrupt', `${file} is not a usable codex-agent database (${(err as Error).message}).`, {
      hint: 'Move the file aside to start a fresh run history; tasks.json is not affected. The file was not changed.',
      details: { file },
      cause: err,
    });
  }
  if (code === 'SQLITE_CANTOPEN') {
    return new CodexAgentError('io', `Cannot open the run history database ${file}: ${(err as Error).message}`, { details: { file }, cause: err });
  }
  return err;
}
