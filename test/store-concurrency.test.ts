// SQL-1, SQL-2, SQL-3 (RELIABILITY.md): real processes running the built store against one file.
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ROOT, runNode } from './helpers/sandbox.js';
import { StateStore, STORE_SCHEMA_VERSION } from '../core/store/state-store.js';
import { MIGRATIONS } from '../core/store/schema.js';

const FIXTURES = join(ROOT, 'test', 'fixtures');
/** Workers start together this long after being spawned, so that they really contend. */
const START_DELAY_MS = 600;

let dir: string;
let file: string;
beforeAll(() => {
  if (!existsSync(join(ROOT, 'dist', 'core', 'store', 'state-store.js'))) throw new Error('Build first: npx tsc -p .');
});
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'codex-agent-store-'));
  file = join(dir, 'data', 'state.db');
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

function worker(script: string, args: (string | number)[]) {
  return runNode([join(FIXTURES, script), ...args.map(String)], { cwd: dir, env: { PATH: process.env.PATH } });
}

describe('SQL-1: concurrent read-then-write transactions', () => {
  it('4 processes × 2000 transactions: no error, no lost update', async () => {
    const setup = StateStore.open(file);
    const counterRun = setup.createRun({ repo: '/repo', slug: 'holder', profile: 'p', kind: 'command', phase: 'bootstrap', startedAt: 0 });
    setup.close();
    const startAt = Date.now() + START_DELAY_MS;
    const results = await Promise.all([1, 2, 3, 4].map(() => worker('store-counter.mjs', [file, 2000, startAt, counterRun])));
    for (const r of results) {
      expect(r.stderr).toBe('');
      expect(r.code).toBe(0);
      expect(JSON.parse(r.stdout)).toEqual({ errors: 0, first: null });
    }
    const store = StateStore.open(file, { readonly: true });
    const runs = store.runsOf('/repo', 'counter');
    expect(runs).toHaveLength(8000);
    // Each attempt number read-then-written exactly once: a lost update would repeat one.
    expect(new Set(runs.map((r) => r.attempt)).size).toBe(8000);
    expect(Math.max(...runs.map((r) => r.attempt))).toBe(8000);
    expect(store.run(counterRun)?.pid).toBe(8000);
    store.close();
  });
});

describe('SQL-2: opening a fresh database at once', () => {
  it('6 processes: all succeed and each migration is applied exactly once (5 fresh databases)', async () => {
    for (let round = 0; round < 5; round++) {
      const fresh = join(dir, `round${round}`, 'state.db');
      const startAt = Date.now() + START_DELAY_MS;
      const results = await Promise.all([1, 2, 3, 4, 5, 6].map(() => worker('store-open.mjs', [fresh, startAt])));
      for (const r of results) expect(JSON.parse(r.stdout), r.stderr).toEqual({ ok: true });
      const db = new Database(fresh, { readonly: true });
      expect(db.pragma('user_version', { simple: true })).toBe(STORE_SCHEMA_VERSION);
      expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
      const applied = db.prepare('SELECT version, name FROM schema_migrations ORDER BY version').all();
      expect(applied).toEqual(MIGRATIONS.map((m) => ({ version: m.version, name: m.name })));
      expect(db.prepare("SELECT COUNT(*) AS n FROM runs WHERE slug = 'opened'").get()).toEqual({ n: 6 });
      db.close();
    }
  });

  it('refuses a database from a newer codex-agent and leaves it byte for byte unchanged', async () => {
    const newer = join(dir, 'newer.db');
    const raw = new Database(newer);
    raw.exec('CREATE TABLE future (x TEXT); INSERT INTO future VALUES (\'kept\');');
    raw.pragma(`user_version = ${STORE_SCHEMA_VERSION + 1}`);
    raw.close();
    const before = readFileSync(newer);

    const results = await Promise.all([1, 2, 3].map(() => worker('store-open.mjs', [newer, Date.now() + 300])));
    for (const r of results) {
      const out = JSON.parse(r.stdout);
      expect(out).toMatchObject({ ok: false, code: 'store-too-new' });
      expect(out.message).toContain(`schema version ${STORE_SCHEMA_VERSION + 1}`);
    }
    expect(() => StateStore.open(newer)).toThrow(expect.objectContaining({ code: 'store-too-new' }));
    expect(() => StateStore.open(newer, { readonly: true })).toThrow(expect.objectContaining({ code: 'store-too-new' }));
    expect(readFileSync(newer).equals(before)).toBe(true);
    expect(existsSync(`${newer}-wal`)).toBe(false);
  });
});

describe('SQL-3: a writer SIGKILLed mid-batch', () => {
  const BATCH = 2000;
  const ROUNDS = 8;

  it('leaves an intact database in which every batch is complete or absent', async () => {
    for (let round = 0; round < ROUNDS; round++) {
      const child = spawn(process.execPath, [join(FIXTURES, 'store-batch-writer.mjs'), file, String(BATCH)], { stdio: ['ignore', 'pipe', 'pipe'] });
      let stderr = '';
      child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
      await new Promise<void>((resolve, reject) => {
        child.stdout.setEncoding('utf8').on('data', (d: string) => d.includes('ready') && resolve());
        child.on('exit', (code) => reject(new Error(`writer exited ${code} before its first batch: ${stderr}`)));
      });
      // Batches take a few ms each, so a kill at a random moment usually lands inside one.
      await new Promise((r) => setTimeout(r, 10 + Math.random() * 150));
      const exited = new Promise((r) => child.on('exit', r));
      child.kill('SIGKILL');
      await exited;
    }

    const db = new Database(file);
    expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
    const batches = db
      .prepare(
        `SELECT run_id, json_extract(data, '$.batch') AS batch, COUNT(*) AS n, COUNT(DISTINCT json_extract(data, '$.index')) AS distinct_n,
                MIN(json_extract(data, '$.size')) AS size
           FROM events GROUP BY run_id, batch`,
      )
      .all() as { run_id: number; batch: number; n: number; distinct_n: number; size: number }[];
    expect(new Set(batches.map((b) => b.run_id)).size).toBe(ROUNDS);
    for (const b of batches) expect(b).toMatchObject({ n: BATCH, distinct_n: BATCH, size: BATCH });
    db.close();

    // And the store opens it again and goes on writing.
    const store = StateStore.open(file);
    const runId = store.createRun({ repo: '/repo', slug: 'after', profile: 'p', kind: 'command', phase: 'execution', startedAt: 0 });
    expect(store.appendEvents(runId, [{ ts: 0, type: 'message', data: 'after the crash' }])).toBe(store.lastEventId());
    store.close();
  });
});
