/**
 * The raw log of one agent run (`<logs>/<repo>/<slug>/<run>.jsonl`): every line the agent printed,
 * redacted, as JSON lines — `{"ts":…,"stream":"stdout","json":<the line>}` for a line that is JSON
 * (what a JSON-lines agent prints: kept as it is, since escaping it into a string cost more than
 * normalizing and storing its events), `{"ts":…,"stream":…,"line":"<the line>"}` for any other.
 * Lines that arrive together (one chunk of the agent's output) are written with one append at the
 * end of the tick instead of one synchronous append each.
 */
import { appendFileSync } from 'node:fs';
import type { Redactor } from '../redact.js';

/** A line kept as it is, with what it takes to write it as a string instead. */
interface VerbatimLine {
  index: number;
  ts: number;
  stream: string;
  line: string;
}

export class RawLog {
  private pending: string[] = [];
  private verbatim: VerbatimLine[] = [];
  private scheduled = false;

  constructor(
    private readonly file: string,
    private readonly redact: Redactor,
  ) {}

  /** Adds a record; it reaches the file at the end of this tick at the latest. */
  write(record: object): void {
    this.add(JSON.stringify(record));
  }

  /**
   * Adds a line of the agent's output. `isJson` says the line is a JSON text (the adapter parsed
   * it): then it is kept as it is, unless it spans lines.
   */
  writeLine(ts: number, stream: 'stdout' | 'stderr', line: string, isJson: boolean): void {
    if (!isJson || !Number.isFinite(ts) || line.includes('\n')) {
      this.add(JSON.stringify({ ts, stream, line }));
      return;
    }
    this.verbatim.push({ index: this.pending.length, ts, stream, line });
    this.add(`{"ts":${ts},"stream":"${stream}","json":${line}}`);
  }

  /** Writes what is pending now. */
  flush(): void {
    this.scheduled = false;
    if (this.pending.length === 0) return;
    // Redaction is textual and no record holds a raw newline: one pass over the joined lines is
    // the same as one per line.
    const joined = `${this.pending.join('\n')}\n`;
    let text = this.redact(joined);
    if (text !== joined && this.verbatim.length > 0) text = this.redactEach();
    this.pending = [];
    this.verbatim = [];
    appendFileSync(this.file, text, { mode: 0o600 });
  }

  private add(record: string): void {
    this.pending.push(record);
    if (this.scheduled) return;
    this.scheduled = true;
    setImmediate(() => this.flush());
  }

  /**
   * A secret was found: each record redacted on its own, and a line kept as it is that redaction
   * left invalid (a secret value spanning JSON syntax, or standing as a bare number) written as a
   * redacted string instead.
   */
  private redactEach(): string {
    const records = this.pending.map((record) => this.redact(record));
    for (const { index, ts, stream, line } of this.verbatim) {
      if (records[index] === this.pending[index]) continue;
      try {
        JSON.parse(records[index]!);
      } catch {
        records[index] = JSON.stringify({ ts, stream, line: this.redact(line) });
      }
    }
    return `${records.join('\n')}\n`;
  }
}
