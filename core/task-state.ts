import { CodexAgentError } from './errors.js';
import type { TaskStatus } from './task.js';

/**
 * The task state machine of DESIGN §5 as data: `from → to → what causes it`. Every status change
 * goes through `assertTransition`, so the engine, the CLI and the dashboard share one machine.
 */
export const TRANSITIONS: Readonly<Record<TaskStatus, Readonly<Partial<Record<TaskStatus, string>>>>> = {
  todo: { ready: 'dependencies done', running: 'launched early (manager.start_after = "review")', cancelled: 'stopped' },
  ready: { todo: 'a dependency is not done', running: 'launched', cancelled: 'stopped' },
  running: { review: 'agent done', stuck: 'agent asks or retries exhausted', failed: 'retries exhausted', ready: 'retry', cancelled: 'stopped' },
  review: { done: 'completed', merged: 'merged by resolve', stuck: 'validation failed', running: 'sent back to the agent', cancelled: 'stopped' },
  stuck: { running: 'answered', review: 'validation passed', failed: 'given up', cancelled: 'stopped' },
  failed: { todo: 'reopened', ready: 'reopened' },
  cancelled: { todo: 'reopened', ready: 'reopened' },
  merged: { done: 'completed' },
  done: { todo: 'reopened', ready: 'reopened' },
};

/** States in which a task is still to be worked on or is being worked on. */
export const OPEN_STATUSES: ReadonlySet<TaskStatus> = new Set(['todo', 'ready', 'running', 'review', 'stuck']);

/** States that satisfy a dependency. */
export const DONE_STATUSES: ReadonlySet<TaskStatus> = new Set(['done']);

export function canTransition(from: TaskStatus, to: TaskStatus): boolean {
  return TRANSITIONS[from][to] !== undefined;
}

/** Throws an error naming both states when `from → to` is not in the machine. */
export function assertTransition(from: TaskStatus, to: TaskStatus): void {
  if (!canTransition(from, to)) {
    const allowed = Object.keys(TRANSITIONS[from]);
    throw new CodexAgentError('illegal-transition', `A task cannot go from ${from} to ${to}.`, {
      hint: allowed.length ? `From ${from} it can go to: ${allowed.join(', ')}.` : `${from} is final.`,
      details: { from, to },
    });
  }
}

/** `ready` when every dependency is done, else `todo` (DESIGN §5). */
export function readinessOf(depStatuses: readonly (TaskStatus | undefined)[]): 'ready' | 'todo' {
  return depStatuses.every((s) => s !== undefined && DONE_STATUSES.has(s)) ? 'ready' : 'todo';
}
