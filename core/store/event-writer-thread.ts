/**
 * The writer thread of {@link import('./event-writer.js').EventWriter}: its own connection to
 * state.db, inserting the rows it is handed, in order. A batch the database refuses for good (a
 * constraint) is given up and reported; one that fails for a while (locked, disk full) stays at
 * the head and is retried, and the caller is told the store is failing meanwhile.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { makeRedactor } from '../redact.js';
import { BatchInserter } from './batch-inserter.js';
import { openDatabase, type SqliteDatabase } from './database.js';
import { redactBatch, type BatchRow } from './event-batches.js';
import { SLOT, type WriterFailure, type WriterMessage, type WriterThreadData } from './event-writer-protocol.js';

/** How long a failing batch waits before the next attempt (the batcher's flush interval). */
const RETRY_MS = 100;

const { file, state: buffer, results, redact: redactOptions } = workerData as WriterThreadData;
const state = new Int32Array(buffer);
const redact = redactOptions ? makeRedactor(redactOptions) : undefined;
const queue: (Extract<WriterMessage, { kind: 'batch' }> & { ready?: BatchRow[] })[] = [];
let retry: NodeJS.Timeout | undefined;
let closing = false;
let db: SqliteDatabase | undefined;
let inserter: BatchInserter | undefined;

function changed(slot: number, value: number): void {
  Atomics.store(state, slot, value);
  Atomics.add(state, SLOT.version, 1);
  Atomics.notify(state, SLOT.version);
}

function report(seq: number, err: unknown, permanent: boolean): void {
  const failure: WriterFailure = { seq, code: (err as { code?: string }).code, message: err instanceof Error ? err.message : String(err), permanent };
  results.postMessage(failure);
}

/** Failures of the database that may pass (locked, full, I/O); any other means the batch is wrong. */
function isPermanent(err: unknown): boolean {
  const code = String((err as { code?: unknown }).code ?? '');
  return !/^SQLITE_(BUSY|LOCKED|FULL|IOERR|CANTOPEN|PROTOCOL|READONLY)/.test(code);
}

/** The batch's rows as they are stored: redacted here when the thread redacts. */
function rowsOf(batch: Extract<WriterMessage, { kind: 'batch' }>): BatchRow[] {
  return redact ? batch.rows.map((row) => ({ count: row.count, text: redactBatch(row.text, redact) })) : batch.rows;
}

function drain(): void {
  retry = undefined;
  while (queue.length > 0) {
    const batch = queue[0]!;
    try {
      batch.ready ??= rowsOf(batch);
      inserter!.insert(batch.runId, batch.ready);
    } catch (err) {
      if (!isPermanent(err)) {
        report(batch.seq, err, false);
        changed(SLOT.failing, 1);
        retry = setTimeout(drain, RETRY_MS);
        return;
      }
      report(batch.seq, err, true);
    }
    queue.shift();
    changed(SLOT.done, batch.seq);
  }
  if (Atomics.load(state, SLOT.failing) === 1) changed(SLOT.failing, 0);
  if (closing) finish();
}

function finish(): void {
  clearTimeout(retry);
  db?.close();
  if (Atomics.load(state, SLOT.status) === 1) changed(SLOT.status, 3);
  results.close();
  parentPort!.close();
}

try {
  db = openDatabase(file);
  inserter = new BatchInserter(db);
} catch (err) {
  report(0, err, true);
}
// The caller may have given up on this thread while it started: then it must not write at all.
if (!inserter || Atomics.compareExchange(state, SLOT.status, 0, 1) !== 0) {
  if (inserter) db?.close();
  else changed(SLOT.status, 2);
  results.close();
} else {
  Atomics.add(state, SLOT.version, 1);
  Atomics.notify(state, SLOT.version);
  parentPort!.on('message', (message: WriterMessage) => {
    try {
      if (message.kind === 'close') closing = true;
      else if (message.kind === 'batch') queue.push(message);
      if (!retry) drain();
    } catch (err) {
      report(0, err, true);
      changed(SLOT.status, 2);
      finish();
    }
  });
}
