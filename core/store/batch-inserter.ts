/** Inserting event batch rows (event-batches.ts): shared by the store and the writer thread. */
import type { Statement } from 'better-sqlite3';
import type { SqliteDatabase } from './database.js';
import type { BatchRow } from './event-batches.js';

/** Inserts batch rows on one connection, numbering their events after the newest id ever given. */
export class BatchInserter {
  private readonly db: SqliteDatabase;
  private readonly takeIds: Statement<[number], { last_id: number }>;
  private readonly insertRow: Statement<[number, number, number, string]>;

  constructor(db: SqliteDatabase) {
    this.db = db;
    this.takeIds = db.prepare('UPDATE event_sequence SET last_id = last_id + ? WHERE id = 1 RETURNING last_id');
    this.insertRow = db.prepare('INSERT INTO event_batches (last_id, first_id, run_id, events) VALUES (?, ?, ?, ?)');
  }

  /**
   * Stores `rows` (already redacted) of run `runId` in one `BEGIN IMMEDIATE` transaction — a
   * savepoint inside an open one — and returns the last event's id.
   */
  insert(runId: number, rows: readonly BatchRow[]): number {
    return this.db
      .transaction(() => {
        let last = 0;
        for (const { count, text } of rows) {
          last = this.takeIds.get(count)!.last_id;
          this.insertRow.run(last, last - count + 1, runId, text);
        }
        return last;
      })
      .immediate();
  }
}
