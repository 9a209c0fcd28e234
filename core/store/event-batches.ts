/**
 * How agent events sit in state.db (schema version 5): one `event_batches` row per write, holding
 * that write's events as one JSON array and numbered `first_id … last_id`. A row per event cost
 * more than parsing the line it came from (issue 4); a row per batch costs one JSON text and one
 * redaction pass per flush. Every event keeps its own id, so cursors (`afterId`) work as before.
 *
 * Each element is either the event's `data` itself, when that is an object carrying the event's
 * own `ts` and `type` (what the runner stores: the normalized agent event), or a `[ts, type, data]`
 * triple for anything else. Plain functions, no SQLite: the writer thread uses them too.
 */
import { CodexAgentError } from '../errors.js';
import { noRedaction, redactedJson, type Redactor } from '../redact.js';
import type { EventRow, NewEvent } from './types.js';

/** At most this many events share a row, so that a reader following one run never parses much. */
export const MAX_EVENTS_PER_ROW = 1000;

/** An `event_batches` row as read. */
export interface EventBatchRecord {
  first_id: number;
  run_id: number;
  events: string;
}

/** One row to insert: the JSON text of `count` events (redacted before it is stored). */
export interface BatchRow {
  count: number;
  text: string;
}

/**
 * A run's events as the rows that will hold them, checked and serialized, at most
 * {@link MAX_EVENTS_PER_ROW} to a row; redacted with `redact` when given (else the text must go
 * through {@link redactBatch} before it is stored).
 */
export function toBatchRows(runId: number, events: readonly NewEvent[], redact?: Redactor): BatchRow[] {
  checkEvents(runId, events);
  const rows: BatchRow[] = [];
  for (let i = 0; i < events.length; i += MAX_EVENTS_PER_ROW) {
    const chunk = events.length <= MAX_EVENTS_PER_ROW ? events : events.slice(i, i + MAX_EVENTS_PER_ROW);
    const text = serializeEvents(chunk);
    rows.push({ count: chunk.length, text: redact ? redactBatch(text, redact) : text });
  }
  return rows;
}

/**
 * Refuses events the store cannot number and read back, the way the per-event table's NOT NULL
 * columns used to.
 */
export function checkEvents(runId: number, events: readonly NewEvent[]): void {
  for (let index = 0; index < events.length; index++) {
    const event = events[index]!;
    if (typeof event.type === 'string' && Number.isFinite(event.ts)) continue;
    const field = typeof event.type === 'string' ? 'ts' : 'type';
    throw new CodexAgentError('invalid-value', `Event ${index + 1} of a batch for run ${runId} has no ${field} (NOT NULL): nothing of the batch was stored.`, {
      hint: 'Every event needs a string type and a finite numeric ts.',
      details: { runId, index, field },
    });
  }
}

/** The JSON text of a batch, not yet redacted. A value JSON cannot hold becomes a description. */
function serializeEvents(events: readonly NewEvent[]): string {
  try {
    return JSON.stringify(events.map((e) => (carriesItself(e) ? e.data : [e.ts, e.type, e.data])));
  } catch {
    // A cycle or a BigInt somewhere: each event on its own, described where it must be.
    return `[${events.map((e) => `[${JSON.stringify(e.ts)},${JSON.stringify(e.type)},${redactedJson(e.data, noRedaction)}]`).join(',')}]`;
  }
}

/**
 * A batch's JSON text with every secret redacted. The whole text is redacted at once; only when
 * that changed something is it parsed back, and when the result is not the same batch (a secret
 * value spanning JSON syntax, a numeric secret inside a ts), each value is redacted on its own, as
 * a triple, instead. `ts` is never redacted: it is a number the store relies on.
 */
export function redactBatch(text: string, redact: Redactor): string {
  const redacted = redact(text);
  if (redacted === text) return text;
  const elements = JSON.parse(text) as unknown[];
  if (sameBatch(redacted, elements)) return redacted;
  return `[${elements
    .map((element) => {
      const event = unpack(element);
      return event ? `[${JSON.stringify(event.ts)},${redactedJson(event.type, redact)},${redactedJson(event.data, redact)}]` : redactedJson(element, redact);
    })
    .join(',')}]`;
}

/** Whether `text` is a batch of as many events as `elements`, with the same timestamps. */
function sameBatch(text: string, elements: readonly unknown[]): boolean {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return false;
  }
  if (!Array.isArray(parsed) || parsed.length !== elements.length) return false;
  return parsed.every((element, i) => {
    const ts = unpack(element)?.ts;
    return ts !== undefined && ts === unpack(elements[i])?.ts;
  });
}

/** Whether `data` is a plain object that JSON serializes with the event's own `ts` and `type`. */
function carriesItself(event: NewEvent): boolean {
  const data = event.data as { ts?: unknown; type?: unknown; toJSON?: unknown } | null;
  if (typeof data !== 'object' || data === null || data.ts !== event.ts || data.type !== event.type || data.toJSON !== undefined) return false;
  const proto: unknown = Object.getPrototypeOf(data);
  return proto === Object.prototype || proto === null;
}

/** An element of a stored batch as the event's id-less parts; undefined when it is neither form. */
function unpack(element: unknown): { ts: number; type: string; data: unknown } | undefined {
  if (Array.isArray(element)) {
    return element.length === 3 && typeof element[1] === 'string' ? { ts: element[0] as number, type: element[1], data: element[2] ?? null } : undefined;
  }
  const data = element as { ts?: unknown; type?: unknown } | null;
  if (typeof data !== 'object' || data === null || typeof data.type !== 'string') return undefined;
  return { ts: data.ts as number, type: data.type, data };
}

/**
 * Appends the events of `row` with an id above `afterId` (and of one of `types`, when given) to
 * `out`, stopping once `out` holds `limit` events. A row whose text is not a batch reads as empty.
 */
export function readBatch(row: EventBatchRecord, afterId: number, types: ReadonlySet<string> | null, limit: number, out: EventRow[]): void {
  let elements: unknown;
  try {
    elements = JSON.parse(row.events);
  } catch {
    return;
  }
  if (!Array.isArray(elements)) return;
  for (let i = Math.max(0, afterId - row.first_id + 1); i < elements.length && out.length < limit; i++) {
    const event = unpack(elements[i]);
    if (event && (!types || types.has(event.type))) out.push({ id: row.first_id + i, runId: row.run_id, ...event });
  }
}
