import type { AgentExit, Outcome, RunFailure, StreamParser } from './adapter.js';
import type { AgentEvent, AgentSource } from './events.js';

/**
 * What the JSON-lines adapters share: line handling that never throws, the one terminal event, and
 * the rule that turns "what the agent reported" plus "how the process ended" into an outcome.
 */

/** A parsed JSON object whose fields are still to be checked. */
export type JsonObject = Record<string, unknown>;

/** `value` when it is a plain JSON object. */
export function asObject(value: unknown): JsonObject | undefined {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as JsonObject) : undefined;
}

/** `value` when it is a string. */
export function asString(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined;
}

/** `value` when it is a finite number. */
export function asNumber(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isFinite(value) ? value : undefined;
}

/** `value` when it is an array, else an empty one. */
export function asArray(value: unknown): unknown[] {
  return Array.isArray(value) ? value : [];
}

/** A failure without the fields the base parser fills in (exit code, session id). */
export type Failure = Omit<RunFailure, 'sessionId' | 'exitCode'>;

/** What the agent said about its own run, before we know how its process ended. */
export type Reported = { ok: true; summary?: string } | Failure;

function describeExit(exit: AgentExit): string {
  return exit.signal ? `was killed by ${exit.signal}` : `exited with code ${exit.code}`;
}

/**
 * The outcome of a run, in this order:
 * 1. stopped by the user → `cancelled`, whatever else happened;
 * 2. the agent reported a failure → that failure;
 * 3. stopped at the time limit → `timeout`, unless the agent had already reported success (then the
 *    run is a success with a warning: its work is done, only the process lingered);
 * 4. the agent reported success → success when it exited 0; killed by a signal → a crash
 *    (`exit_code`, retryable); another exit code → `exit_code`, not retryable;
 * 5. nothing reported → killed by a signal, or non-zero exit: a crash (`exit_code`, retryable) or,
 *    when the stream showed an API error on the way, that error (`unreported`); exit 0 without a
 *    report → `agent_error` (the stream ended early).
 */
export function decideOutcome(
  name: string,
  exit: AgentExit,
  reported: Reported | undefined,
  unreported: Failure | undefined,
): { outcome: Omit<Outcome, 'sessionId'>; warnings: string[] } {
  const fail = (failure: Failure) => ({ outcome: { ...failure, exitCode: exit.code }, warnings: [] });
  if (exit.cancelled) return fail({ ok: false, reason: 'cancelled', message: `${name} was stopped.`, retryable: false });
  if (reported && !reported.ok) return fail(reported);
  if (exit.timedOut) {
    if (reported?.ok) {
      return { outcome: reported, warnings: [`${name} reported success but had to be stopped at the time limit.`] };
    }
    return fail({ ok: false, reason: 'timeout', message: `${name} did not finish within its time limit.`, retryable: true });
  }
  if (reported?.ok) {
    if (exit.code === 0) return { outcome: reported, warnings: [] };
    return fail({ ok: false, reason: 'exit_code', message: `${name} reported success but ${describeExit(exit)}.`, retryable: exit.signal !== null });
  }
  if (exit.code === 0) {
    return fail({ ok: false, reason: 'agent_error', message: `${name} exited without reporting how its run ended.`, retryable: false });
  }
  if (unreported && exit.signal === null) return fail(unreported);
  return fail({ ok: false, reason: 'exit_code', message: `${name} ${describeExit(exit)} before finishing.`, retryable: true });
}

/** The terminal event for an outcome. */
export function terminalEvent(outcome: Outcome, ts: number): AgentEvent {
  if (outcome.ok) return { type: 'finished', ts, ...(outcome.summary !== undefined ? { summary: outcome.summary } : {}) };
  return { type: 'failed', ts, reason: outcome.reason, message: outcome.message, exitCode: outcome.exitCode ?? null, retryable: outcome.retryable };
}

/**
 * Base of the JSON-lines parsers. A line that is not a JSON object with a string `type` becomes a
 * `raw` event holding the line's text; a handler that throws on a strange shape yields a `raw` event
 * holding the parsed object, so no input can break a run.
 */
export abstract class JsonLineParser implements StreamParser {
  protected abstract readonly source: AgentSource;
  /** The name used in messages ("codex", "claude"). */
  protected abstract readonly name: string;
  protected sessionId: string | undefined;
  private result: Outcome | undefined;
  lastLineWasJson = false;

  /** The events for one parsed line. */
  protected abstract handle(event: JsonObject & { type: string }, ts: number): AgentEvent[];
  /** What the agent reported about its run, and an API failure seen without a final report. */
  protected abstract reported(): { reported: Reported | undefined; unreported: Failure | undefined };

  push(line: string, ts: number = Date.now()): AgentEvent[] {
    this.lastLineWasJson = false;
    if (this.result) return [];
    // Lines usually come without their newline and start with "{": then neither the regex nor
    // the trim (each a scan of the line) is needed.
    const text = line.charCodeAt(line.length - 1) === 10 ? line.replace(/\r?\n$/, '') : line;
    if (text.charCodeAt(0) !== 123 && text.trim() === '') return [];
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      return [{ type: 'raw', ts, source: this.source, data: text }];
    }
    this.lastLineWasJson = text === line;
    const event = asObject(parsed);
    if (!event || typeof event.type !== 'string') return [{ type: 'raw', ts, source: this.source, data: parsed }];
    try {
      return this.handle(event as JsonObject & { type: string }, ts);
    } catch {
      return [{ type: 'raw', ts, source: this.source, data: parsed }];
    }
  }

  finish(exit: AgentExit, ts: number = Date.now()): AgentEvent[] {
    if (this.result) return [];
    const { reported, unreported } = this.reported();
    const { outcome, warnings } = decideOutcome(this.name, exit, reported, unreported);
    this.result = { ...outcome, ...(this.sessionId !== undefined ? { sessionId: this.sessionId } : {}) } as Outcome;
    return [...warnings.map((message): AgentEvent => ({ type: 'warning', ts, message })), terminalEvent(this.result, ts)];
  }

  outcome(): Outcome {
    if (!this.result) throw new Error('outcome() was called before finish()');
    return this.result;
  }
}
