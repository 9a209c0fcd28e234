/** What the event writer (event-writer.ts) and its thread (event-writer-thread.ts) share. */
import type { MessagePort } from 'node:worker_threads';
import type { RedactorOptions } from '../redact.js';
import type { BatchRow } from './event-batches.js';

/** Slots of the state the two threads share (an Int32Array). */
export const SLOT = {
  /** Bumped (and notified) on every change below, so a waiter never misses one. */
  version: 0,
  /** The sequence number of the last batch finished (stored, or given up as impossible). */
  done: 1,
  /** 1 while the batch at the head keeps failing (locked or full database): it is retried. */
  failing: 2,
  /**
   * 0 while the thread starts, 1 once it has opened the database, 2 when it died or could not
   * (or was given up before opening: then it never writes), 3 once it has closed the database.
   */
  status: 3,
} as const;

/** The shared state's size in bytes. */
export const STATE_BYTES = 4 * 4;

/** A batch handed to the thread: rows the caller serialized, redacted unless the thread redacts ({@link WriterThreadData}). */
export type WriterMessage = { kind: 'batch'; seq: number; runId: number; rows: BatchRow[] } | { kind: 'close' };

/** What the thread reports on the result port: a failed attempt at a batch, or at opening. */
export interface WriterFailure {
  seq: number;
  code: string | undefined;
  message: string;
  /** The batch can never be stored (a constraint): it was given up. */
  permanent: boolean;
}

export interface WriterThreadData {
  file: string;
  state: SharedArrayBuffer;
  results: MessagePort;
  /** How to redact the rows; absent: they come redacted. */
  redact?: RedactorOptions;
}
