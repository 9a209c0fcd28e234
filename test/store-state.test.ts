// The run history store on real SQLite files: round trips, paging, schema, modes, refusals.
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { StateStore, STORE_SCHEMA_VERSION } from '../core/store/state-store.js';
import { MIGRATIONS } from '../core/store/schema.js';
import { openStateStore } from '../core/store/open.js';
import { ROOT, runNode } from './helpers/sandbox.js';

let dir: string;
let file: string;
let store: StateStore;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'codex-agent-store-'));
  file = join(dir, 'data', 'codex-agents', 'state.db');
  store = StateStore.open(file);
});
afterEach(() => {
  store.close();
  rmSync(dir, { recursive: true, force: true });
});

const newRun = (slug = 'dark-mode', startedAt = 1000) => ({ repo: '/repos/app', slug, profile: 'codex-default', kind: 'codex', phase: 'bootstrap', startedAt });

describe('runs', () => {
  it('round-trip every field, numbering attempts per task', () => {
    const first = store.createRun(newRun());
    const second = store.createRun({ ...newRun(), role: 'validator' });
    const other = store.createRun(newRun('other'));
    const explicit = store.createRun({ ...newRun(), attempt: 7 });
    expect([first, second, other, explicit].map((id) => store.run(id)?.attempt)).toEqual([1, 2, 1, 7]);
    expect(store.run(second)?.role).toBe('validator');

    store.updateRun(first, {
      sessionId: 'thread-123',
      pid: 4242,
      pgid: 4242,
      procStartTime: '987654',
      owner: 'host:77',
      phase: 'execution',
      usage: { inputTokens: 1200, outputTokens: 300 },
      heartbeatAt: 1500,
    });
    store.updateRun(first, { phase: 'finalize', result: 'success', summary: 'Added the toggle.', question: 'Which theme?', error: 'none', endedAt: 2000 });
    expect(store.run(first)).toEqual({
      id: first,
      repo: '/repos/app',
      slug: 'dark-mode',
      attempt: 1,
      role: 'worker',
      profile: 'codex-default',
      kind: 'codex',
      phase: 'finalize',
      result: 'success',
      sessionId: 'thread-123',
      pid: 4242,
      pgid: 4242,
      procStartTime: '987654',
      owner: 'host:77',
      error: 'none',
      usage: { inputTokens: 1200, outputTokens: 300 },
      summary: 'Added the toggle.',
      question: 'Which theme?',
      startedAt: 1000,
      endedAt: 2000,
      heartbeatAt: 1500,
    });

    store.updateRun(first, { question: null, usage: null, pid: undefined });
    expect(store.run(first)).toMatchObject({ question: null, usage: null, pid: 4242 });
    expect(store.runsOf('/repos/app', 'dark-mode').map((r) => r.id)).toEqual([first, second, explicit]);
    expect(store.activeRuns().map((r) => r.id)).toEqual([second, other, explicit]);
    expect(store.run(9999)).toBeUndefined();
  });

  it('refuses to update a run that does not exist', () => {
    expect(() => store.updateRun(9999, { phase: 'execution' })).toThrow(expect.objectContaining({ code: 'run-not-found' }));
  });

  it('writes several changes together or not at all with immediate()', () => {
    const id = store.createRun(newRun());
    expect(() =>
      store.immediate(() => {
        store.updateRun(id, { phase: 'execution' });
        store.recordTransition({ repo: '/repos/app', slug: 'dark-mode', from: 'ready', to: 'running', reason: 'launched', runId: id, at: 1 });
        throw new Error('boom');
      }),
    ).toThrow('boom');
    expect(store.run(id)?.phase).toBe('bootstrap');
    expect(store.transitionsOf('/repos/app', 'dark-mode')).toEqual([]);
  });
});

describe('transitions', () => {
  it('are stored in order with time, reason and run', () => {
    const runId = store.createRun(newRun());
    store.recordTransition({ repo: '/repos/app', slug: 'dark-mode', from: null, to: 'todo', reason: 'added', at: 1 });
    store.recordTransition({ repo: '/repos/app', slug: 'dark-mode', from: 'ready', to: 'running', reason: 'launched', runId, at: 2 });
    store.recordTransition({ repo: '/repos/app', slug: 'other', from: 'todo', to: 'ready', reason: 'deps done', at: 3 });
    expect(store.transitionsOf('/repos/app', 'dark-mode')).toEqual([
      { id: 1, repo: '/repos/app', slug: 'dark-mode', from: null, to: 'todo', reason: 'added', runId: null, at: 1 },
      { id: 2, repo: '/repos/app', slug: 'dark-mode', from: 'ready', to: 'running', reason: 'launched', runId, at: 2 },
    ]);
  });
});

describe('events', () => {
  it('page by id, filter by type, and keep a global cursor', () => {
    expect(store.lastEventId()).toBe(0);
    const a = store.createRun(newRun());
    const b = store.createRun(newRun('other'));
    const last = store.appendEvents(a, Array.from({ length: 10 }, (_, i) => ({ ts: i, type: i % 2 ? 'command' : 'message', data: { i, nested: [i, 'x'] } })));
    store.appendEvents(b, [{ ts: 0, type: 'message', data: 'elsewhere' }]);
    expect(last).toBe(10);
    expect(store.lastEventId()).toBe(11);
    expect(store.appendEvents(a, [])).toBe(0);

    const all = store.eventsOf(a);
    expect(all).toHaveLength(10);
    expect(all[3]).toEqual({ id: 4, runId: a, ts: 3, type: 'command', data: { i: 3, nested: [3, 'x'] } });

    const pages: number[][] = [];
    for (let after = 0; ; ) {
      const page = store.eventsOf(a, { afterId: after, limit: 4 });
      if (page.length === 0) break;
      pages.push(page.map((e) => e.id));
      after = page[page.length - 1]!.id;
    }
    expect(pages).toEqual([[1, 2, 3, 4], [5, 6, 7, 8], [9, 10]]);
    expect(store.eventsOf(a, { types: ['command'], afterId: 4 }).map((e) => e.id)).toEqual([6, 8, 10]);
    expect(store.eventsOf(a, { types: [] })).toEqual([]);
    expect(store.eventsOf(b).map((e) => e.data)).toEqual(['elsewhere']);
  });

  it('store a batch all or nothing', () => {
    const a = store.createRun(newRun());
    expect(() => store.appendEvents(a, [{ ts: 1, type: 'message', data: 1 }, { ts: 2, type: null as unknown as string, data: 2 }])).toThrow(/NOT NULL/);
    expect(store.eventsOf(a)).toEqual([]);
    expect(() => store.appendEvents(12345, [{ ts: 1, type: 'message', data: 1 }])).toThrow(/FOREIGN KEY/);
  });

  it('store values JSON cannot hold as a description instead of failing', () => {
    const a = store.createRun(newRun());
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    store.appendEvents(a, [{ ts: 1, type: 'message', data: cyclic }, { ts: 2, type: 'usage', data: { tokens: 10n } }, { ts: 3, type: 'x', data: undefined }]);
    expect(store.eventsOf(a).map((e) => e.data)).toEqual([{ unserializable: expect.stringMatching(/circular/i) }, { tokens: '10' }, null]);
  });
});

describe('the database file', () => {
  it('is created 0600 (with its WAL files) in a 0700 directory, in WAL mode, at the current schema', () => {
    store.createRun(newRun());
    expect(statSync(join(dir, 'data')).mode & 0o777).toBe(0o700);
    expect(statSync(join(dir, 'data', 'codex-agents')).mode & 0o777).toBe(0o700);
    for (const f of [file, `${file}-wal`, `${file}-shm`]) expect(statSync(f).mode & 0o777, f).toBe(0o600);
    const db = new Database(file, { readonly: true });
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(db.pragma('user_version', { simple: true })).toBe(STORE_SCHEMA_VERSION);
    expect(db.prepare('SELECT version FROM schema_migrations').all()).toEqual(MIGRATIONS.map((m) => ({ version: m.version })));
    db.close();
    expect(STORE_SCHEMA_VERSION).toBe(MIGRATIONS.length);
  });

  it('is made private when it was not', () => {
    store.close();
    chmodSync(file, 0o644);
    store = StateStore.open(file);
    expect(statSync(file).mode & 0o777).toBe(0o600);
  });

  it('keeps its data across reopening, and is read without writing in readonly mode', async () => {
    const id = store.createRun(newRun());
    store.close();
    const reader = await openStateStore(file, { readonly: true });
    expect(reader.run(id)?.slug).toBe('dark-mode');
    expect(() => reader.createRun(newRun())).toThrow(/readonly/i);
    reader.close();
    store = StateStore.open(file);
  });

  it('reads as empty and is not created when missing in readonly mode', () => {
    const missing = join(dir, 'nowhere', 'state.db');
    const reader = StateStore.open(missing, { readonly: true });
    expect(reader.activeRuns()).toEqual([]);
    expect(reader.lastEventId()).toBe(0);
    reader.close();
    expect(existsSync(join(dir, 'nowhere'))).toBe(false);
  });

  it('migrates an older database even when opened readonly', () => {
    const old = join(dir, 'old.db');
    new Database(old).close();
    const reader = StateStore.open(old, { readonly: true });
    expect(reader.runsOf('/repos/app', 'dark-mode')).toEqual([]);
    reader.close();
    const db = new Database(old, { readonly: true });
    expect(db.pragma('user_version', { simple: true })).toBe(STORE_SCHEMA_VERSION);
    db.close();
  });

  it('refuses a file that is not a database, unchanged', () => {
    const junk = join(dir, 'junk.db');
    writeFileSync(junk, 'this is not sqlite, it is a text file that happens to be long enough to have a header\n'.repeat(20), { mode: 0o600 });
    const before = readFileSync(junk);
    expect(() => StateStore.open(junk)).toThrow(expect.objectContaining({ code: 'store-corrupt' }));
    expect(readFileSync(junk).equals(before)).toBe(true);
  });
});

describe('loading', () => {
  it('leaves better-sqlite3 unloaded until a store is opened', async () => {
    // Light commands may import these modules; only opening a store may load SQLite.
    const script = `
      import { createRequire } from 'node:module';
      const loaded = () => Object.keys(createRequire(import.meta.url).cache).some((k) => k.includes('better-sqlite3'));
      for (const m of ['open', 'event-batcher', 'types', 'schema']) await import('./dist/core/store/' + m + '.js');
      await import('./dist/core/redact.js');
      const before = loaded();
      const { openStateStore } = await import('./dist/core/store/open.js');
      (await openStateStore(process.argv[1], { readonly: true })).close();
      console.log(JSON.stringify({ before, after: loaded() }));`;
    const result = await runNode(['--input-type=module', '-e', script, join(dir, 'missing.db')], { cwd: ROOT, env: { PATH: process.env.PATH } });
    expect(result.stderr).toBe('');
    expect(JSON.parse(result.stdout)).toEqual({ before: false, after: true });
  });
});
