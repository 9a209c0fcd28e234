/**
 * The raw log of one agent run (`<logs>/<repo>/<slug>/<run>.jsonl`): every line the agent printed,
 * redacted, as JSON lines. Lines that arrive together (one chunk of the agent's output) are written
 * with one append at the end of the tick instead of one synchronous append each, which cost more
 * than storing the parsed events.
 */
import { appendFileSync } from 'node:fs';
import type { Redactor } from '../redact.js';

export class RawLog {
  private pending: string[] = [];
  private scheduled = false;

  constructor(
    private readonly file: string,
    private readonly redact: Redactor,
  ) {}

  /** Adds a record; it reaches the file at the end of this tick at the latest. */
  write(record: object): void {
    this.pending.push(JSON.stringify(record));
    if (this.scheduled) return;
    this.scheduled = true;
    setImmediate(() => this.flush());
  }

  /** Writes what is pending now. */
  flush(): void {
    this.scheduled = false;
    if (this.pending.length === 0) return;
    // Redaction is textual and no record holds a raw newline: one pass over the joined lines is the same as one per line.
    const text = this.redact(`${this.pending.join('\n')}\n`);
    this.pending = [];
    appendFileSync(this.file, text, { mode: 0o600 });
  }
}
