/**
 * Stores a run's agent events from a thread of its own once they come in bursts, so that SQLite —
 * its inserts, and above all the fsyncs of its WAL checkpoints — never stalls the thread that
 * reads the agent's output (issue 4). Events are checked and serialized on the calling thread
 * (handing over one JSON text is cheaper than cloning the objects, and leaves the thread less to
 * do); the writer thread redacts the text with a redactor made from the store's options and
 * inserts it. A store whose redactor cannot be rebuilt there has its batches redacted here.
 *
 * A quiet run (small batches) never starts the thread: its events are stored at once through the
 * store, as before. `flush()` waits until everything handed over is stored, so what a run wrote
 * before it ended is readable when it is marked ended.
 */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { MessageChannel, receiveMessageOnPort, Worker, type MessagePort } from 'node:worker_threads';
import { CodexAgentError } from '../errors.js';
import { redactorOptions, type Redactor, type RedactorOptions } from '../redact.js';
import { BatchInserter } from './batch-inserter.js';
import type { EventSink } from './event-batcher.js';
import { redactBatch, toBatchRows, type BatchRow } from './event-batches.js';
import { SLOT, STATE_BYTES, type WriterFailure, type WriterMessage, type WriterThreadData } from './event-writer-protocol.js';
import type { StateStore } from './state-store.js';
import type { NewEvent } from './types.js';

/** A batch this large starts the writer thread; smaller ones are written at once. */
export const THREAD_MIN_EVENTS = 200;

/** A thread that has not opened the database after this long is given up (it never writes then). */
const THREAD_START_TIMEOUT_MS = 10_000;

/** How long `close()` waits for the thread to close its connection. */
const THREAD_CLOSE_WAIT_MS = 1_000;

const THREAD_URL = new URL('./event-writer-thread.js', import.meta.url);

/** What the running writers do when the process exits: one 'exit' listener for all of them. */
const atExit = new Set<() => void>();
function flushAtExit(flush: () => void): void {
  if (!process.listeners('exit').includes(runAtExit)) process.on('exit', runAtExit);
  atExit.add(flush);
}
function runAtExit(): void {
  for (const flush of atExit) flush();
}

export class EventWriter implements EventSink {
  private readonly store: StateStore;
  private readonly state = new Int32Array(new SharedArrayBuffer(STATE_BYTES));
  private thread: { worker: Worker; results: MessagePort } | undefined;
  /**
   * Batches handed to the thread and not yet reported finished, oldest first; until the thread
   * has opened the database, with their rows (stored here if it never does).
   */
  private inFlight: { seq: number; runId: number; rows?: BatchRow[] }[] = [];
  private seq = 0;
  private startedAt = 0;
  private closed = false;
  private lastFailure: WriterFailure | undefined;
  private useThread: boolean;
  private readonly redact: Redactor;
  /** The options to rebuild the store's redactor in the thread, when it can be. */
  private readonly redactInThread: RedactorOptions | undefined;

  /** `thread: false` keeps every write on the calling thread (as when the built thread is missing). */
  constructor(store: StateStore, options: { thread?: boolean } = {}) {
    this.store = store;
    this.useThread = (options.thread ?? true) && THREAD_URL.protocol === 'file:' && existsSync(fileURLToPath(THREAD_URL));
    this.redact = store.extension.redact;
    this.redactInThread = redactorOptions(this.redact);
  }

  /** Whether the writer thread is running. */
  get threaded(): boolean {
    return this.thread !== undefined;
  }

  /**
   * Hands a batch of a run's events over to be stored, in order with every earlier batch. Throws
   * (storing nothing of this batch) when the events are invalid or the store is failing, so that an
   * {@link import('./event-batcher.js').EventBatcher} keeps them and tries again later.
   */
  appendEvents(runId: number, events: readonly NewEvent[]): void {
    if (this.closed) throw new Error('EventWriter.appendEvents after close()');
    if (events.length === 0) return;
    if (!this.thread && (!this.useThread || events.length < THREAD_MIN_EVENTS)) {
      this.store.appendEvents(runId, events);
      return;
    }
    this.settle();
    this.raiseFailures();
    const rows = toBatchRows(runId, events, this.redactInThread ? undefined : this.redact);
    const thread = this.thread ?? this.start();
    const seq = ++this.seq;
    thread.worker.postMessage({ kind: 'batch', seq, runId, rows } satisfies WriterMessage);
    // Once the thread has opened the database the batch is its own: keeping the text here too
    // would only make the garbage collector copy it around.
    this.inFlight.push(Atomics.load(this.state, SLOT.status) === 1 ? { seq, runId } : { seq, runId, rows });
  }

  /**
   * Waits until every batch handed over is stored; throws when the store failed meanwhile (the
   * batches it could not store yet stay with the thread, which tries again).
   */
  flush(): void {
    if (!this.thread) return;
    for (;;) {
      const version = Atomics.load(this.state, SLOT.version);
      this.settle();
      if (this.inFlight.length === 0 || Atomics.load(this.state, SLOT.failing) === 1) break;
      if (this.threadIsGone()) {
        this.takeOver();
        break;
      }
      Atomics.wait(this.state, SLOT.version, version, 100);
    }
    this.raiseFailures();
  }

  /**
   * Stores what was handed over (see {@link flush}) and stops the thread, waiting (briefly) until
   * it has closed its connection, so that nothing of the writer runs on after it.
   */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    let flushed = false;
    try {
      this.flush();
      flushed = true;
    } finally {
      this.stop();
    }
    const deadline = Date.now() + THREAD_CLOSE_WAIT_MS;
    while (flushed && Date.now() < deadline) {
      const version = Atomics.load(this.state, SLOT.version);
      if (Atomics.load(this.state, SLOT.status) !== 1) break;
      Atomics.wait(this.state, SLOT.version, version, 50);
    }
  }

  private start(): { worker: Worker; results: MessagePort } {
    const channel = new MessageChannel();
    const workerData: WriterThreadData = {
      file: this.store.file,
      state: this.state.buffer as SharedArrayBuffer,
      results: channel.port2,
      ...(this.redactInThread ? { redact: this.redactInThread } : {}),
    };
    const worker = new Worker(THREAD_URL, { workerData, transferList: [channel.port2] });
    // Never keeps the process alive; a process that exits without close() still gets its events.
    worker.unref();
    worker.on('error', () => Atomics.store(this.state, SLOT.status, 2));
    flushAtExit(this.onExit);
    this.startedAt = Date.now();
    this.thread = { worker, results: channel.port1 };
    return this.thread;
  }

  /**
   * Whether the thread died, or never managed to open the database; in the second case it is
   * told so atomically, and never writes.
   */
  private threadIsGone(): boolean {
    const status = Atomics.load(this.state, SLOT.status);
    if (status === 2) return true;
    if (status === 1 || Date.now() - this.startedAt < THREAD_START_TIMEOUT_MS) return false;
    return Atomics.compareExchange(this.state, SLOT.status, 0, 2) === 0;
  }

  private readonly onExit = (): void => {
    try {
      this.flush();
    } catch {
      /* the process is going away: what could not be stored is lost, as with a crash */
    }
  };

  /** Forgets the batches the thread has finished. */
  private settle(): void {
    const done = Atomics.load(this.state, SLOT.done);
    while (this.inFlight.length > 0 && this.inFlight[0]!.seq <= done) this.inFlight.shift();
  }

  /**
   * The thread is gone: stores here what it had not finished, and every later batch too. Batches
   * handed over after it had started are its own; if it died with them, they are lost (as in a
   * crash) and that is reported.
   */
  private takeOver(): void {
    const held = this.inFlight;
    this.stop();
    this.useThread = false;
    const inserter = new BatchInserter(this.store.extension.db);
    let lost = 0;
    for (const { runId, rows } of held) {
      if (rows) inserter.insert(runId, this.redactInThread ? rows.map((row) => ({ count: row.count, text: redactBatch(row.text, this.redact) })) : rows);
      else lost++;
    }
    if (lost > 0) {
      throw new CodexAgentError('io', `The thread storing agent events in ${this.store.file} stopped: ${lost} batch(es) of events were lost.`, {
        hint: 'Later events are stored without it.',
        details: { file: this.store.file, lost },
      });
    }
  }

  private stop(): void {
    if (!this.thread) return;
    atExit.delete(this.onExit);
    const { worker, results } = this.thread;
    this.thread = undefined;
    this.inFlight = [];
    worker.postMessage({ kind: 'close' } satisfies WriterMessage);
    results.close();
  }

  /**
   * Throws the newest failure the thread reported since the last call, or the one that keeps the
   * head batch waiting while the store is failing.
   */
  private raiseFailures(): void {
    if (!this.thread) return;
    let fresh: WriterFailure | undefined;
    for (let m = receiveMessageOnPort(this.thread.results); m; m = receiveMessageOnPort(this.thread.results)) fresh = m.message as WriterFailure;
    this.lastFailure = fresh ?? this.lastFailure;
    const failure = fresh ?? (Atomics.load(this.state, SLOT.failing) === 1 ? this.lastFailure : undefined);
    if (!failure) return;
    throw new CodexAgentError('io', `Storing agent events in ${this.store.file} failed: ${failure.message}${failure.code ? ` (${failure.code})` : ''}.`, {
      hint: failure.permanent ? 'Those events were given up; later ones are stored.' : 'The events are kept and stored again shortly; check the disk and other processes holding state.db.',
      details: { file: this.store.file, code: failure.code },
    });
  }
}
