// Agent events stored in batches (schema version 5, issue 4): the migration from one row per event,
// cursors across batches, redaction inside a batch, and the store's reading of what it wrote.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { REDACTED, makeRedactor } from '../core/redact.js';
import { MAX_EVENTS_PER_ROW } from '../core/store/event-batches.js';
import { MIGRATIONS } from '../core/store/schema.js';
import { StateStore, STORE_SCHEMA_VERSION } from '../core/store/state-store.js';
import type { EventRow, NewEvent } from '../core/store/types.js';

let dir: string;
let file: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'codex-agent-batches-'));
  file = join(dir, 'state.db');
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const newRun = (slug: string) => ({ repo: '/repos/app', slug, profile: 'codex', kind: 'codex', phase: 'execution', startedAt: 1 });

/** A state.db as schema version 4 wrote it: one `events` row per event. */
function writeVersion4(path: string): void {
  const db = new Database(path);
  db.pragma('journal_mode = WAL');
  for (const m of MIGRATIONS.filter((m) => m.version <= 4)) {
    db.exec(m.sql);
    db.prepare('INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, 0)').run(m.version, m.name);
  }
  db.pragma('user_version = 4');
  const run = db.prepare("INSERT INTO runs (repo, slug, attempt, profile, kind, phase, started_at) VALUES ('/repos/app', ?, 1, 'codex', 'codex', 'execution', 1)");
  run.run('a');
  run.run('b');
  const event = db.prepare('INSERT INTO events (run_id, ts, type, data) VALUES (?, ?, ?, ?)');
  event.run(1, 10, 'message', JSON.stringify({ type: 'message', ts: 10, text: 'hello' }));
  event.run(2, 11, 'command', JSON.stringify({ command: 'ls', exitCode: 0 }));
  event.run(1, 12, 'raw', 'not json {');
  event.run(1, 13, 'todo', JSON.stringify([1, 'two']));
  event.run(1, 14, 'warning', JSON.stringify('a string'));
  event.run(1, 15, 'gone', '{}');
  // The newest event went with a delete: its id must never be given again.
  db.prepare('DELETE FROM events WHERE id = 6').run();
  db.close();
}

describe('migrating from one row per event', () => {
  it('keeps every event with its id, data and cursor, and numbers new ones after the newest ever given', () => {
    writeVersion4(file);
    const store = StateStore.open(file);
    expect(store.eventsOf(1)).toEqual([
      { id: 1, runId: 1, ts: 10, type: 'message', data: { type: 'message', ts: 10, text: 'hello' } },
      { id: 3, runId: 1, ts: 12, type: 'raw', data: 'not json {' },
      { id: 4, runId: 1, ts: 13, type: 'todo', data: [1, 'two'] },
      { id: 5, runId: 1, ts: 14, type: 'warning', data: 'a string' },
    ]);
    expect(store.eventsOf(2)).toEqual([{ id: 2, runId: 2, ts: 11, type: 'command', data: { command: 'ls', exitCode: 0 } }]);
    expect(store.eventsOf(1, { afterId: 3, types: ['warning'] }).map((e) => e.id)).toEqual([5]);
    expect(store.lastEventId()).toBe(6);

    expect(store.appendEvents(1, [{ ts: 20, type: 'message', data: { type: 'message', ts: 20, text: 'after' } }])).toBe(7);
    expect(store.eventsOf(1, { afterId: 4 }).map((e) => e.id)).toEqual([5, 7]);

    // SQL that read the events table directly still reads them, one per row, data as JSON text.
    const db = store.extension.db;
    expect(db.prepare("SELECT type FROM sqlite_master WHERE name = 'events'").get()).toEqual({ type: 'view' });
    expect(db.prepare('SELECT id, run_id, ts, type, data FROM events ORDER BY id').all()).toEqual([
      { id: 1, run_id: 1, ts: 10, type: 'message', data: '{"type":"message","ts":10,"text":"hello"}' },
      { id: 2, run_id: 2, ts: 11, type: 'command', data: '{"command":"ls","exitCode":0}' },
      { id: 3, run_id: 1, ts: 12, type: 'raw', data: '"not json {"' },
      { id: 4, run_id: 1, ts: 13, type: 'todo', data: '[1,"two"]' },
      { id: 5, run_id: 1, ts: 14, type: 'warning', data: '"a string"' },
      { id: 7, run_id: 1, ts: 20, type: 'message', data: '{"type":"message","ts":20,"text":"after"}' },
    ]);
    expect(db.pragma('user_version', { simple: true })).toBe(STORE_SCHEMA_VERSION);
    store.close();
  });
});

describe('cursors across batches', () => {
  it('read every event once, in order, whatever the page size, the cursor and the run', () => {
    const store = StateStore.open(file);
    const runs = [store.createRun(newRun('a')), store.createRun(newRun('b'))];
    const expected = new Map<number, EventRow[]>(runs.map((r) => [r, []]));
    let ts = 0;
    let lastId = 0;
    // Batch sizes around the row limit; the runs' batches interleave.
    for (const [i, size] of [1, 3, MAX_EVENTS_PER_ROW * 2 + 500, 7, MAX_EVENTS_PER_ROW, 1, 250].entries()) {
      const runId = runs[i % 2]!;
      const events: NewEvent[] = Array.from({ length: size }, () => {
        ts++;
        const type = ts % 3 === 0 ? 'todo' : 'command';
        // Both stored forms: an event that carries its own ts and type, and anything else.
        return { ts, type, data: ts % 2 ? { type, ts, n: ts } : `line ${ts}` };
      });
      const last = store.appendEvents(runId, events);
      expect(last).toBe(lastId + size);
      expected.get(runId)!.push(...events.map((e, k) => ({ id: lastId + 1 + k, runId, ts: e.ts, type: e.type, data: e.data })));
      lastId = last;
    }
    expect(store.lastEventId()).toBe(lastId);
    // 2,500 events take three rows.
    expect(store.extension.db.prepare('SELECT COUNT(*) AS n FROM event_batches').get()).toEqual({ n: 9 });

    for (const runId of runs) {
      const all = expected.get(runId)!;
      expect(store.eventsOf(runId)).toEqual(all);
      const paged: EventRow[] = [];
      for (let after = 0; ; ) {
        const page = store.eventsOf(runId, { afterId: after, limit: 7 });
        if (page.length === 0) break;
        paged.push(...page);
        after = page.at(-1)!.id;
      }
      expect(paged).toEqual(all);
      for (let k = 0; k < all.length; k += 97) {
        const after = all[k]!.id;
        expect(store.eventsOf(runId, { afterId: after, limit: 5 })).toEqual(all.slice(k + 1, k + 6));
        expect(store.eventsOf(runId, { afterId: after, types: ['todo'] })).toEqual(all.slice(k + 1).filter((e) => e.type === 'todo'));
      }
    }
    expect(store.eventsOf(runs[0]!, { limit: 0 })).toEqual([]);
    store.close();
  });
});

describe('redaction inside a batch', () => {
  const OPENAI = ['sk', 'proj', 'Zt4fQm9XbW2kLp7RvN8cYh3JdE6sGa1U'].join('-');
  const PASSWORD = 'c0rrect"horse\\battery';

  it('removes secrets from every event of a batch, by value and by pattern, from the file and its WAL', () => {
    const store = StateStore.open(file, { redact: makeRedactor({ secrets: [PASSWORD] }) });
    const runId = store.createRun(newRun('leaky'));
    const events: NewEvent[] = Array.from({ length: 600 }, (_, i) => ({
      ts: i,
      type: 'command',
      data: i % 2 ? { type: 'command', ts: i, command: `curl -H 'Authorization: ${OPENAI}'`, i } : { output: `password is ${PASSWORD}`, i },
    }));
    store.appendEvents(runId, events);
    const stored = store.eventsOf(runId);
    expect(stored).toHaveLength(600);
    expect(stored[1]!.data).toEqual({ type: 'command', ts: 1, command: `curl -H 'Authorization: ${REDACTED}'`, i: 1 });
    expect(stored[2]!.data).toEqual({ output: `password is ${REDACTED}`, i: 2 });
    const needles = [OPENAI, PASSWORD, JSON.stringify(PASSWORD).slice(1, -1)].map((s) => Buffer.from(s));
    for (const path of [file, `${file}-wal`]) {
      const bytes = readFileSync(path);
      expect(needles.filter((n) => bytes.includes(n))).toEqual([]);
    }
    store.close();
  });

  it('keeps the batch whole when a secret value spans two events, or sits inside a timestamp', () => {
    // The raw form of this secret is exactly the JSON between the two events' texts.
    const spanning = 'abc"],[2,"message","def';
    const store = StateStore.open(file, { redact: makeRedactor({ secrets: [spanning, '12345678'] }) });
    const runId = store.createRun(newRun('tricky'));
    store.appendEvents(runId, [
      { ts: 1, type: 'message', data: 'left abc' },
      { ts: 2, type: 'message', data: 'def right' },
      { ts: 1712345678901, type: 'usage', data: { tokens: 12345678, note: `x ${spanning} y` } },
    ]);
    expect(store.eventsOf(runId).map(({ ts, type, data }) => ({ ts, type, data }))).toEqual([
      { ts: 1, type: 'message', data: 'left abc' },
      { ts: 2, type: 'message', data: 'def right' },
      { ts: 1712345678901, type: 'usage', data: { tokens: REDACTED, note: `x ${REDACTED} y` } },
    ]);
    store.close();
  });
});
