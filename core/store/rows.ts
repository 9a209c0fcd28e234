/** Database rows (snake_case columns) and their mapping to the store's types. */
import type { RunPatch, RunResult, RunRow, TransitionRow } from './types.js';
import type { TaskStatus } from '../task.js';

/** The column behind each changeable run field; also the allow-list of fields `updateRun` accepts. */
export const RUN_COLUMNS: Readonly<Record<keyof RunPatch, string>> = {
  sessionId: 'session_id',
  pid: 'pid',
  pgid: 'pgid',
  procStartTime: 'proc_start_time',
  owner: 'owner',
  phase: 'phase',
  result: 'result',
  error: 'error',
  usage: 'usage',
  summary: 'summary',
  question: 'question',
  endedAt: 'ended_at',
  heartbeatAt: 'heartbeat_at',
};

export interface RunRecord {
  id: number;
  repo: string;
  slug: string;
  attempt: number;
  role: string;
  profile: string;
  kind: string;
  phase: string;
  result: string | null;
  session_id: string | null;
  pid: number | null;
  pgid: number | null;
  proc_start_time: string | null;
  owner: string | null;
  error: string | null;
  usage: string | null;
  summary: string | null;
  question: string | null;
  started_at: number;
  ended_at: number | null;
  heartbeat_at: number | null;
}

export interface TransitionRecord {
  id: number;
  repo: string;
  slug: string;
  from_status: string | null;
  to_status: string;
  reason: string;
  run_id: number | null;
  at: number;
}

export function runFromRow(r: RunRecord): RunRow {
  return {
    id: r.id,
    repo: r.repo,
    slug: r.slug,
    attempt: r.attempt,
    role: r.role,
    profile: r.profile,
    kind: r.kind,
    phase: r.phase,
    result: r.result as RunResult | null,
    sessionId: r.session_id,
    pid: r.pid,
    pgid: r.pgid,
    procStartTime: r.proc_start_time,
    owner: r.owner,
    error: r.error,
    usage: r.usage === null ? null : parseJson(r.usage),
    summary: r.summary,
    question: r.question,
    startedAt: r.started_at,
    endedAt: r.ended_at,
    heartbeatAt: r.heartbeat_at,
  };
}

export function transitionFromRow(r: TransitionRecord): TransitionRow {
  return {
    id: r.id,
    repo: r.repo,
    slug: r.slug,
    from: r.from_status as TaskStatus | null,
    to: r.to_status as TaskStatus,
    reason: r.reason,
    runId: r.run_id,
    at: r.at,
  };
}

/** Stored JSON is written by the store itself; text that does not parse is returned as it is. */
function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}
