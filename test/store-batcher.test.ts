// EventBatcher: events reach the store in batches — by count, by time, on flush() and on close().
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { EventBatcher, type EventSink } from '../core/store/event-batcher.js';
import { StateStore } from '../core/store/state-store.js';
import type { NewEvent } from '../core/store/types.js';

let dir: string;
let store: StateStore;
let runA: number;
let runB: number;
/** Every batch the store was asked to write: [runId, size]. */
let batches: [number, number][];
let sink: EventSink;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'codex-agent-batcher-'));
  store = StateStore.open(join(dir, 'state.db'));
  runA = store.createRun({ repo: '/repo', slug: 'a', profile: 'p', kind: 'command', phase: 'execution', startedAt: 0 });
  runB = store.createRun({ repo: '/repo', slug: 'b', profile: 'p', kind: 'command', phase: 'execution', startedAt: 0 });
  batches = [];
  sink = {
    appendEvents(runId, events) {
      batches.push([runId, events.length]);
      return store.appendEvents(runId, events);
    },
  };
});
afterEach(() => {
  vi.useRealTimers();
  store.close();
  rmSync(dir, { recursive: true, force: true });
});

const event = (i: number): NewEvent => ({ ts: i, type: 'message', data: { i } });

describe('EventBatcher', () => {
  it('writes at once when the buffer reaches maxEvents, one batch per run', () => {
    const batcher = new EventBatcher(sink, { maxEvents: 500, intervalMs: 60_000 });
    for (let i = 0; i < 499; i++) batcher.push(i % 2 ? runA : runB, event(i));
    expect(batches).toEqual([]);
    expect(batcher.pending).toBe(499);
    batcher.push(runA, event(499));
    expect(batches).toEqual([[runB, 250], [runA, 250]]);
    expect(batcher.pending).toBe(0);
    expect(store.eventsOf(runA)).toHaveLength(250);
    expect(store.eventsOf(runA).map((e) => (e.data as { i: number }).i)).toEqual(Array.from({ length: 250 }, (_, k) => 2 * k + 1));
    batcher.close();
  });

  it('writes what is buffered on flush() and on close()', () => {
    const batcher = new EventBatcher(sink, { intervalMs: 60_000 });
    batcher.push(runA, event(1));
    batcher.push(runA, event(2));
    batcher.flush();
    expect(batches).toEqual([[runA, 2]]);
    batcher.flush();
    expect(batches).toHaveLength(1);
    batcher.push(runB, event(3));
    batcher.close();
    expect(batches).toEqual([[runA, 2], [runB, 1]]);
    expect(() => batcher.push(runA, event(4))).toThrow(/after close/);
  });

  it('writes a partial buffer once intervalMs has passed since its first event', () => {
    vi.useFakeTimers();
    const batcher = new EventBatcher(sink, { intervalMs: 100 });
    batcher.push(runA, event(1));
    vi.advanceTimersByTime(60);
    batcher.push(runA, event(2));
    vi.advanceTimersByTime(39);
    expect(batches).toEqual([]);
    vi.advanceTimersByTime(1);
    expect(batches).toEqual([[runA, 2]]);
    vi.advanceTimersByTime(1_000);
    expect(batches).toHaveLength(1);
    batcher.close();
  });

  it('keeps events the store refused and writes them, in order, once it recovers', () => {
    vi.useFakeTimers();
    let failing = true;
    const errors: unknown[] = [];
    const flaky: EventSink = {
      appendEvents(runId, events) {
        if (failing) throw new Error('database is locked');
        return sink.appendEvents(runId, events);
      },
    };
    const batcher = new EventBatcher(flaky, { intervalMs: 100, onError: (err) => errors.push(err) });
    batcher.push(runA, event(1));
    vi.advanceTimersByTime(100);
    expect(errors.map(String)).toEqual(['Error: database is locked']);
    expect(batcher.pending).toBe(1);
    batcher.push(runA, event(2));
    expect(() => batcher.flush()).toThrow('database is locked');
    failing = false;
    vi.advanceTimersByTime(100);
    expect(store.eventsOf(runA).map((e) => e.ts)).toEqual([1, 2]);
    expect(batcher.pending).toBe(0);
    batcher.close();
  });

  it('drops the oldest events beyond maxPending while the store keeps failing, and counts them', () => {
    let attempts = 0;
    let failing = true;
    const written: number[] = [];
    const flaky: EventSink = {
      appendEvents(_runId, events) {
        attempts++;
        if (failing) throw new Error('disk full');
        written.push(...events.map((e) => e.ts));
      },
    };
    const batcher = new EventBatcher(flaky, { maxEvents: 3, maxPending: 5, intervalMs: 60_000, onError: () => {} });
    for (let i = 0; i < 9; i++) batcher.push(runA, event(i));
    // One failed write, then no new attempt per event until the retry.
    expect(attempts).toBe(1);
    expect(batcher.pending).toBe(5);
    expect(batcher.dropped).toBe(4);
    failing = false;
    batcher.close();
    expect(written).toEqual([4, 5, 6, 7, 8]);
  });
});
