import type { AgentEvent } from '../agents/events.js';
import type { TaskStatus } from '../task.js';
import type { RunPhase } from './phases.js';

/** What the runner tells its audience (the CLI's live view, later the dashboard), in order. */
export type RunnerEvent =
  | { type: 'transition'; slug: string; from: TaskStatus; to: TaskStatus; reason: string }
  | { type: 'phase'; slug: string; runId?: number; phase: RunPhase }
  | { type: 'worktree'; slug: string; message: string }
  | { type: 'attempt'; slug: string; runId: number; attempt: number; profile: string; kind: string; resume: boolean }
  | { type: 'agent'; slug: string; runId: number; event: AgentEvent }
  | { type: 'retry'; slug: string; attempt: number; delayMs: number; reason: string }
  | { type: 'fallback'; slug: string; from: string; to: string; reason: string }
  | { type: 'commit'; slug: string; sha?: string; files: string[] }
  | { type: 'finished'; slug: string; status: TaskStatus; summary?: string; question?: string; error?: string };

export type RunnerListener = (event: RunnerEvent) => void;
