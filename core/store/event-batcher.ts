/**
 * Buffers agent events and writes them to the store in batches, so a chatty agent costs one small
 * transaction per ~100 ms instead of one per line (RELIABILITY rule 6, STYLE "batch in core").
 * Loads no SQLite: it writes to anything with an `appendEvents` method.
 */
import type { NewEvent } from './types.js';

/**
 * Where batches go: a {@link import('./state-store.js').StateStore}, or an
 * {@link import('./event-writer.js').EventWriter} that stores them from a thread of its own.
 */
export interface EventSink {
  appendEvents(runId: number, events: readonly NewEvent[]): unknown;
  /** Waits until every batch handed over is stored (for sinks that store them later). */
  flush?(): void;
  /** Called by the batcher's `close()`: a sink with `close` belongs to its batcher. */
  close?(): void;
}

export interface EventBatcherOptions {
  /** The longest an event waits in the buffer, in ms. */
  intervalMs?: number;
  /** A buffer of this many events (all runs together) is written at once, without waiting. */
  maxEvents?: number;
  /**
   * While the store keeps failing, at most this many events are kept for the next attempt; the
   * oldest beyond it are dropped and counted in `dropped`.
   */
  maxPending?: number;
  /** Told about a failed timed write (an explicit `flush()` throws instead). */
  onError?: (err: unknown) => void;
}

/** ~10 writes a second at most under a steady stream. */
export const DEFAULT_FLUSH_INTERVAL_MS = 100;
export const DEFAULT_MAX_BATCH_EVENTS = 500;
export const DEFAULT_MAX_PENDING_EVENTS = 50_000;

export class EventBatcher {
  private readonly sink: EventSink;
  private readonly intervalMs: number;
  private readonly maxEvents: number;
  private readonly maxPending: number;
  private readonly onError: (err: unknown) => void;
  private buffers = new Map<number, NewEvent[]>();
  private count = 0;
  private timer: NodeJS.Timeout | undefined;
  private closed = false;
  /** A write failed: wait for the retry timer instead of hammering a locked or full store. */
  private backingOff = false;
  /** Events given up on because the store kept failing. */
  dropped = 0;

  constructor(sink: EventSink, options: EventBatcherOptions = {}) {
    this.sink = sink;
    this.intervalMs = options.intervalMs ?? DEFAULT_FLUSH_INTERVAL_MS;
    this.maxEvents = options.maxEvents ?? DEFAULT_MAX_BATCH_EVENTS;
    this.maxPending = options.maxPending ?? DEFAULT_MAX_PENDING_EVENTS;
    this.onError = options.onError ?? (() => {});
  }

  /** Events buffered and not yet written. */
  get pending(): number {
    return this.count;
  }

  /** Buffers one event of a run; writes everything at once when the buffer is full. */
  push(runId: number, event: NewEvent): void {
    if (this.closed) throw new Error('EventBatcher.push after close()');
    let buffer = this.buffers.get(runId);
    if (!buffer) this.buffers.set(runId, (buffer = []));
    buffer.push(event);
    this.count++;
    if (this.count > this.maxPending) this.dropOldest();
    if (this.count >= this.maxEvents && !this.backingOff) this.flushReporting();
    else this.timer ??= setTimeout(() => this.flushReporting(), this.intervalMs);
  }

  /**
   * Writes every buffered event now, one transaction per run, and waits until the sink has stored
   * them. When the store fails, the events not written stay buffered, the next attempt waits
   * `intervalMs` (new events no longer trigger one), and the error is thrown.
   */
  flush(): void {
    this.write();
    this.sink.flush?.();
  }

  /** Writes what is buffered and stops accepting events; closes a sink that has `close`. */
  close(): void {
    this.closed = true;
    try {
      this.flush();
    } finally {
      this.sink.close?.();
    }
  }

  /** Hands every buffered event to the sink (without waiting for a sink that stores later). */
  private write(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    const buffers = this.buffers;
    this.buffers = new Map();
    this.count = 0;
    let failure: { err: unknown } | undefined;
    for (const [runId, events] of buffers) {
      if (!failure) {
        try {
          this.sink.appendEvents(runId, events);
          continue;
        } catch (err) {
          failure = { err };
        }
      }
      this.requeue(runId, events);
    }
    this.backingOff = failure !== undefined;
    if (failure) {
      if (!this.closed) this.timer = setTimeout(() => this.flushReporting(), this.intervalMs);
      throw failure.err;
    }
  }

  private flushReporting(): void {
    try {
      this.write();
    } catch (err) {
      this.onError(err);
    }
  }

  /** Puts unwritten events back in front of any that arrived meanwhile. */
  private requeue(runId: number, events: NewEvent[]): void {
    const newer = this.buffers.get(runId) ?? [];
    this.buffers.set(runId, [...events, ...newer]);
    this.count += events.length;
  }

  /** Keeps the buffer within `maxPending` by giving up the oldest events. */
  private dropOldest(): void {
    while (this.count > this.maxPending) {
      const [oldestRun, oldest] = this.buffers.entries().next().value as [number, NewEvent[]];
      const excess = Math.min(this.count - this.maxPending, oldest.length);
      oldest.splice(0, excess);
      if (oldest.length === 0) this.buffers.delete(oldestRun);
      this.count -= excess;
      this.dropped += excess;
    }
  }
}
