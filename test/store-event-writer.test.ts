// The event writer thread (core/store/event-writer.ts) on the built code, since the thread runs the
// compiled module: order and ids, redaction in the thread, failures that pass and failures that do
// not, a process that exits without closing, and a writer SIGKILLed mid-batch.
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { ROOT, runNode } from './helpers/sandbox.js';
import type { EventBatcher as EventBatcherType } from '../core/store/event-batcher.js';
import type { EventWriter as EventWriterType } from '../core/store/event-writer.js';
import type { StateStore as StateStoreType } from '../core/store/state-store.js';
import type { makeRedactor as MakeRedactor } from '../core/redact.js';

const DIST = join(ROOT, 'dist', 'core');
const FIXTURES = join(ROOT, 'test', 'fixtures');
let StateStore: typeof StateStoreType;
let EventWriter: typeof EventWriterType;
let EventBatcher: typeof EventBatcherType;
let makeRedactor: typeof MakeRedactor;
beforeAll(async () => {
  if (!existsSync(join(DIST, 'store', 'event-writer-thread.js'))) throw new Error('Build first: npx tsc -p .');
  ({ StateStore } = await import(join(DIST, 'store', 'state-store.js')));
  ({ EventWriter } = await import(join(DIST, 'store', 'event-writer.js')));
  ({ EventBatcher } = await import(join(DIST, 'store', 'event-batcher.js')));
  ({ makeRedactor } = await import(join(DIST, 'redact.js')));
});

let dir: string;
let file: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'codex-agent-writer-'));
  file = join(dir, 'state.db');
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const newRun = (slug: string) => ({ repo: '/repos/app', slug, profile: 'codex', kind: 'codex', phase: 'execution', startedAt: 1 });
const OPENAI = ['sk', 'proj', 'Zt4fQm9XbW2kLp7RvN8cYh3JdE6sGa1U'].join('-');
const PASSWORD = 'c0rrect"horse\\battery';
const events = (from: number, count: number) =>
  Array.from({ length: count }, (_, k) => ({ ts: from + k, type: 'message', data: { type: 'message', ts: from + k, text: `event ${from + k}` } }));

describe('EventWriter', () => {
  it('stores bursts from its thread, in order, redacted there, readable by another connection after flush', () => {
    const store = StateStore.open(file, { redact: makeRedactor({ secrets: [PASSWORD] }) });
    const [a, b] = [store.createRun(newRun('a')), store.createRun(newRun('b'))];
    const writer = new EventWriter(store);
    const batcher = new EventBatcher(writer, { maxEvents: 500 });
    for (let i = 0; i < 3000; i++) {
      const text = i % 100 === 0 ? `key ${OPENAI} and ${PASSWORD}` : `event ${i}`;
      batcher.push(i % 3 ? a : b, { ts: i, type: 'message', data: { type: 'message', ts: i, text } });
    }
    batcher.flush();
    expect(writer.threaded).toBe(true);

    const reader = StateStore.open(file, { readonly: true });
    const ofA = reader.eventsOf(a);
    const ofB = reader.eventsOf(b);
    expect(ofA.length + ofB.length).toBe(3000);
    expect(ofA.map((e) => e.ts)).toEqual(Array.from({ length: 3000 }, (_, i) => i).filter((i) => i % 3));
    for (const list of [ofA, ofB]) for (let k = 1; k < list.length; k++) expect(list[k]!.id).toBeGreaterThan(list[k - 1]!.id);
    expect(ofB[0]!.data).toEqual({ type: 'message', ts: 0, text: `key ${'[REDACTED]'} and ${'[REDACTED]'}` });
    expect(reader.lastEventId()).toBe(3000);
    reader.close();

    // Closing the batcher closes the writer it was given, and its thread.
    batcher.close();
    expect(writer.threaded).toBe(false);
    store.close();
    const needles = [OPENAI, PASSWORD, JSON.stringify(PASSWORD).slice(1, -1)].map((s) => Buffer.from(s));
    for (const path of [file, `${file}-wal`].filter(existsSync)) expect(needles.filter((n) => readFileSync(path).includes(n))).toEqual([]);
  });

  it('writes small batches at once, without a thread', () => {
    const store = StateStore.open(file);
    const runId = store.createRun(newRun('quiet'));
    const writer = new EventWriter(store);
    writer.appendEvents(runId, events(1, 20));
    expect(writer.threaded).toBe(false);
    expect(store.eventsOf(runId)).toHaveLength(20);
    writer.close();
    store.close();
  });

  it('gives up a batch the database refuses for good, says so, and stores the next ones', () => {
    const store = StateStore.open(file);
    const runId = store.createRun(newRun('ok'));
    const writer = new EventWriter(store);
    writer.appendEvents(runId, events(1, 300));
    writer.appendEvents(12345, events(301, 300));
    expect(() => writer.flush()).toThrow(expect.objectContaining({ code: 'io', message: expect.stringMatching(/FOREIGN KEY/) }));
    writer.appendEvents(runId, events(601, 300));
    writer.close();
    expect(store.eventsOf(runId).map((e) => e.ts)).toEqual([...events(1, 300), ...events(601, 300)].map((e) => e.ts));
    store.close();
  });

  it('keeps a batch while the database is locked, refuses new ones meanwhile, and stores it once the lock is gone', async () => {
    const store = StateStore.open(file);
    const runId = store.createRun(newRun('locked'));
    const writer = new EventWriter(store);
    const batcher = new EventBatcher(writer, { maxEvents: 10_000 });
    const other = new Database(file);
    other.exec('BEGIN IMMEDIATE');
    for (const e of events(1, 300)) batcher.push(runId, e);
    // The thread waits out the busy timeout (5 s), then reports the store failing.
    expect(() => batcher.flush()).toThrow(expect.objectContaining({ code: 'io', message: expect.stringMatching(/locked|busy/i) }));
    expect(() => writer.appendEvents(runId, events(301, 300))).toThrow(expect.objectContaining({ code: 'io' }));
    other.exec('COMMIT');
    other.close();
    // The thread tries again every 100 ms; once it succeeds, flush() has nothing left to report.
    await vi.waitFor(() => writer.flush(), { timeout: 10_000, interval: 50 });
    for (const e of events(301, 300)) batcher.push(runId, e);
    batcher.close();
    expect(store.eventsOf(runId).map((e) => e.ts)).toEqual(events(1, 600).map((e) => e.ts));
    store.close();
  });

  it('stores what it was handed when the process exits without closing it', async () => {
    const out = await runNode([join(FIXTURES, 'store-writer-exit.mjs'), file, '2000'], { cwd: dir, env: { PATH: process.env.PATH } });
    expect(out.code, out.stderr).toBe(0);
    const { runId, threaded } = JSON.parse(out.stdout) as { runId: number; threaded: boolean };
    expect(threaded).toBe(true);
    const store = StateStore.open(file, { readonly: true });
    expect(store.eventsOf(runId).map((e) => e.ts)).toEqual(Array.from({ length: 2000 }, (_, i) => i));
    store.close();
  });
});

describe('a writer thread SIGKILLed mid-batch', () => {
  const BATCH = 600;
  const ROUNDS = 6;

  it('leaves complete batches only, numbered without gaps inside a batch, and a store that goes on', async () => {
    for (let round = 0; round < ROUNDS; round++) {
      const child = spawn(process.execPath, [join(FIXTURES, 'store-writer-kill.mjs'), file, String(BATCH)], { stdio: ['ignore', 'pipe', 'pipe'] });
      let stderr = '';
      child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
      const ready = await new Promise<string>((resolve, reject) => {
        child.stdout.setEncoding('utf8').on('data', (d: string) => d.includes('ready') && resolve(d));
        child.on('exit', (code) => reject(new Error(`writer exited ${code} before its first batch: ${stderr}`)));
      });
      expect(ready.trim().split(' ')[2]).toBe('true');
      await new Promise((r) => setTimeout(r, 10 + Math.random() * 150));
      const exited = new Promise((r) => child.on('exit', r));
      child.kill('SIGKILL');
      await exited;
    }

    const store = StateStore.open(file);
    expect(store.extension.db.pragma('integrity_check', { simple: true })).toBe('ok');
    let newest = 0;
    for (let runId = 1; runId <= ROUNDS; runId++) {
      const stored = store.eventsOf(runId);
      const byBatch = new Map<number, { id: number; index: number }[]>();
      for (const e of stored) {
        const { batch, index } = e.data as { batch: number; index: number };
        byBatch.set(batch, [...(byBatch.get(batch) ?? []), { id: e.id, index }]);
        newest = Math.max(newest, e.id);
      }
      expect(byBatch.size).toBeGreaterThan(0);
      for (const list of byBatch.values()) {
        expect(list.map((x) => x.index)).toEqual(Array.from({ length: BATCH }, (_, i) => i));
        expect(list.at(-1)!.id - list[0]!.id).toBe(BATCH - 1);
      }
    }
    expect(store.lastEventId()).toBeGreaterThanOrEqual(newest);
    const runId = store.createRun(newRun('after'));
    expect(store.appendEvents(runId, events(1, 1))).toBe(store.lastEventId());
    store.close();
  });
});
