/**
 * The normalized agent events (DESIGN §6): every adapter turns its agent's own stream into these,
 * so the run state machine, the store and the dashboard never care which agent ran.
 *
 * Every event carries `ts`, the time in ms since the epoch at which the adapter saw the line (the
 * caller passes it, or `Date.now()` is used).
 */

/** Where a `raw` event came from: the adapter that kept it. */
export type AgentSource = 'codex' | 'claude' | 'command';

export type TodoStatus = 'pending' | 'in_progress' | 'completed';

/** One entry of the agent's own todo list. */
export interface TodoItem {
  text: string;
  status: TodoStatus;
}

export type FileChangeKind = 'add' | 'update' | 'delete';

/** A file the agent changed; `path` as the agent reported it (usually absolute). */
export interface FileChange {
  path: string;
  kind: FileChangeKind;
}

/**
 * How a command the agent ran ended. `declined`: it never ran (sandbox or permission refusal).
 * `in_progress` only on `phase: 'started'`.
 */
export type CommandStatus = 'in_progress' | 'completed' | 'failed' | 'declined';

/**
 * Why a run failed.
 * - `timeout` — we stopped it at its time limit (retryable).
 * - `exit_code` — the process died or exited non-zero without the agent reporting why.
 * - `api_error` — the model API or its transport failed (infrastructure: retryable, and a reason
 *   to try a fallback profile).
 * - `cancelled` — the user stopped it.
 * - `agent_error` — the agent itself gave up (turn limit, context window, …): a task failure.
 */
export type FailureReason = 'timeout' | 'exit_code' | 'api_error' | 'cancelled' | 'agent_error';

interface EventBase {
  /** When the adapter saw it, ms since the epoch. */
  ts: number;
}

/** The agent started a session; `sessionId` is what resuming needs (Codex thread id, Claude session id). */
export interface StartedEvent extends EventBase {
  type: 'started';
  sessionId?: string;
  model?: string;
}

/** Text the agent addressed to the user. */
export interface MessageEvent extends EventBase {
  type: 'message';
  text: string;
}

/** The agent's visible reasoning (Codex reasoning summaries, Claude thinking blocks). */
export interface ReasoningEvent extends EventBase {
  type: 'reasoning';
  text: string;
}

/** A shell command the agent ran: once when it starts (when the agent reports that), once when it ends. */
export interface CommandEvent extends EventBase {
  type: 'command';
  /** The agent's id for the call; pairs `started` with `finished`. */
  id: string;
  phase: 'started' | 'finished';
  command: string;
  /** On `finished`: the exit code, or null when unknown (killed, declined, sent to the background). */
  exitCode?: number | null;
  /** On `finished`: the last ~2 KB of its output. */
  outputTail?: string;
  status?: CommandStatus;
}

/** Files the agent changed (only changes that were applied; refused or failed edits are not reported). */
export interface FileChangeEvent extends EventBase {
  type: 'file_change';
  changes: FileChange[];
}

/** The agent's whole todo list, each time it changes. */
export interface TodoEvent extends EventBase {
  type: 'todo';
  items: TodoItem[];
}

/**
 * Token use and cost. `inputTokens` counts every input token, cached ones included (so
 * `cachedInputTokens ≤ inputTokens`, the OpenAI convention). `scope: 'thread'` means the numbers are
 * cumulative over the whole session, earlier runs of a resumed session included (Codex); `'run'`
 * means this run only (Claude).
 */
export interface UsageEvent extends EventBase {
  type: 'usage';
  inputTokens: number;
  outputTokens: number;
  cachedInputTokens?: number;
  reasoningTokens?: number;
  costUsd?: number;
  scope: 'run' | 'thread';
}

/** The agent asks the user something and cannot go on without an answer. */
export interface QuestionEvent extends EventBase {
  type: 'question';
  text: string;
}

/** Something went wrong but the run goes on (API retries, refused permissions, model warnings). */
export interface WarningEvent extends EventBase {
  type: 'warning';
  message: string;
}

/** The run succeeded; `summary` is the agent's final answer. */
export interface FinishedEvent extends EventBase {
  type: 'finished';
  summary?: string;
}

/** The run failed; `retryable` marks infrastructure failures (retry, then fall back), not task failures. */
export interface FailedEvent extends EventBase {
  type: 'failed';
  reason: FailureReason;
  message: string;
  exitCode?: number | null;
  retryable: boolean;
}

/** A line the adapter does not understand, kept as it came (parsed JSON, or the text of a non-JSON line). */
export interface RawEvent extends EventBase {
  type: 'raw';
  source: AgentSource;
  data: unknown;
}

export type AgentEvent =
  | StartedEvent
  | MessageEvent
  | ReasoningEvent
  | CommandEvent
  | FileChangeEvent
  | TodoEvent
  | UsageEvent
  | QuestionEvent
  | WarningEvent
  | FinishedEvent
  | FailedEvent
  | RawEvent;

export type AgentEventType = AgentEvent['type'];

/** The event of one type, e.g. `AgentEventOf<'todo'>`. */
export type AgentEventOf<T extends AgentEventType> = Extract<AgentEvent, { type: T }>;

/** How far a todo list has come: `done` of `total` items completed. */
export function todoProgress(items: readonly TodoItem[]): { done: number; total: number } {
  return { done: items.filter((item) => item.status === 'completed').length, total: items.length };
}

/** How much of a command's output a `command` event keeps (its end, where errors are). */
export const OUTPUT_TAIL_CHARS = 2048;

/** The last `OUTPUT_TAIL_CHARS` characters of `text`, without splitting a surrogate pair. */
export function outputTail(text: string, max = OUTPUT_TAIL_CHARS): string {
  if (text.length <= max) return text;
  let start = text.length - max;
  const code = text.charCodeAt(start);
  if (code >= 0xdc00 && code <= 0xdfff) start += 1;
  return text.slice(start);
}
