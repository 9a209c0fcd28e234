/**
 * The shapes of the run history (DESIGN §2 "store"). Types only, so that commands which merely
 * describe runs never load SQLite.
 */
import type { TaskStatus } from '../task.js';

/** How a run ended. `interrupted`: its supervisor died; `stuck`: it ended waiting for an answer. */
export const RUN_RESULTS = ['success', 'failed', 'cancelled', 'interrupted', 'stuck'] as const;
export type RunResult = (typeof RUN_RESULTS)[number];

/** A run about to start. Times are milliseconds since the epoch. */
export interface NewRun {
  /** Absolute path of the repo's main worktree. */
  repo: string;
  slug: string;
  /**
   * 1 for the first run of the task, counting every run whatever its role. Omitted: the next one,
   * read and written in the same transaction, so concurrent starters never share a number.
   */
  attempt?: number;
  /** What the run does: `worker` (default), `validator`, `resolver`, `planner`. */
  role?: string;
  /** The agent profile's name in config. */
  profile: string;
  /** The profile's agent kind at the time: `codex`, `claude`, `command`, `openai`. */
  kind: string;
  /** The session-lifecycle phase it starts in, usually `bootstrap`. */
  phase: string;
  startedAt: number;
}

/** Changes to a run; `undefined` leaves a field alone, `null` clears it. */
export interface RunPatch {
  sessionId?: string | null;
  pid?: number | null;
  pgid?: number | null;
  /** Field 22 of `/proc/<pid>/stat`: with the pid it identifies the process (RELIABILITY rule 9). */
  procStartTime?: string | null;
  /** Who supervises the run (e.g. `host:pid` of the supervisor). */
  owner?: string | null;
  phase?: string;
  result?: RunResult | null;
  error?: string | null;
  /** Token and cost figures as the agent reported them; stored as JSON. */
  usage?: object | null;
  summary?: string | null;
  /** What a stuck agent asked. */
  question?: string | null;
  endedAt?: number | null;
  heartbeatAt?: number | null;
}

/** A run as stored. */
export interface RunRow {
  id: number;
  repo: string;
  slug: string;
  attempt: number;
  role: string;
  profile: string;
  kind: string;
  phase: string;
  result: RunResult | null;
  sessionId: string | null;
  pid: number | null;
  pgid: number | null;
  procStartTime: string | null;
  owner: string | null;
  error: string | null;
  usage: unknown;
  summary: string | null;
  question: string | null;
  startedAt: number;
  endedAt: number | null;
  heartbeatAt: number | null;
}

/** A task's move from one state to another (DESIGN §5: every transition is stored). */
export interface NewTransition {
  repo: string;
  slug: string;
  /** null for the task's first state. */
  from: TaskStatus | null;
  to: TaskStatus;
  reason: string;
  runId?: number | null;
  at: number;
}

export interface TransitionRow extends Required<NewTransition> {
  id: number;
  runId: number | null;
}

/** A normalized agent event to store; `data` is stored as JSON. */
export interface NewEvent {
  ts: number;
  type: string;
  data: unknown;
}

export interface EventRow {
  /** Increases with every event stored, across all runs: a cursor for followers. */
  id: number;
  runId: number;
  ts: number;
  type: string;
  data: unknown;
}

export interface EventQuery {
  /** Only events with a greater id. */
  afterId?: number;
  /** At most this many (the oldest first). */
  limit?: number;
  /** Only events of these types. */
  types?: readonly string[];
}
