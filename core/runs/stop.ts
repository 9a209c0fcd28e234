import { hostname } from 'node:os';
import type { Registry } from '../registry/registry.js';
import { findTask } from '../registry/task-ref.js';
import type { StateStore } from '../store/state-store.js';
import { OPEN_STATUSES } from '../task-state.js';
import { CodexAgentError } from '../errors.js';
import type { Task } from '../task.js';
import { sleep } from './backoff.js';
import { isGroupAlive, isProcessAlive, signalGroup, signalGroupIfSame } from './proc.js';
import { transitionTask } from './task-transition.js';

/** `host:pid:start-time` of the process that supervises a run, so others can tell whether it lives. */
export function ownerId(pid = process.pid, startTime?: string): string {
  return `${hostname()}:${pid}${startTime ? `:${startTime}` : ''}`;
}

/** Whether the process named by an owner id is alive (a different host counts as alive). */
export function isOwnerAlive(owner: string | null): boolean {
  if (!owner) return false;
  const [host, pid, startTime] = owner.split(':');
  if (host !== hostname()) return true;
  return isProcessAlive(Number(pid), startTime);
}

export interface StopResult {
  task: Task;
  /** Agent process groups that were signalled. */
  stoppedGroups: number[];
  /** Runs whose supervising process was gone, marked cancelled here. */
  closedRuns: number[];
}

/**
 * `task stop`: marks the task cancelled first (so its runner does not retry what it sees dying),
 * then stops its agents — SIGTERM to each group whose leader still has the recorded start time,
 * SIGKILL after the grace period — and closes runs whose runner is gone.
 */
export async function stopTask(registry: Registry, store: StateStore, ref: string, repoRoot: string | undefined, graceMs: number): Promise<StopResult> {
  const task = findTask(await registry.read(), ref, repoRoot);
  if (!OPEN_STATUSES.has(task.status)) {
    throw new CodexAgentError('illegal-transition', `${task.slug} is ${task.status}; there is nothing to stop.`);
  }
  await transitionTask(registry, store, task, 'cancelled', 'stopped by the user');
  const active = store.runsOf(task.repo, task.slug).filter((r) => r.endedAt === null);
  const stoppedGroups: number[] = [];
  for (const run of active) {
    if (run.pid !== null && run.pgid !== null && signalGroupIfSame(run.pid, run.pgid, run.procStartTime ?? undefined, 'SIGTERM')) stoppedGroups.push(run.pgid);
  }
  const deadline = Date.now() + graceMs;
  while (stoppedGroups.some((g) => isGroupAlive(g)) && Date.now() < deadline) await sleep(50);
  for (const group of stoppedGroups) if (isGroupAlive(group)) signalGroup(group, 'SIGKILL');
  const closedRuns: number[] = [];
  for (const run of active) {
    // A live runner records the end itself; give it a moment, then close what nobody will.
    if (!isOwnerAlive(run.owner)) {
      store.updateRun(run.id, { result: 'cancelled', error: 'stopped by the user', endedAt: Date.now() });
      closedRuns.push(run.id);
    }
  }
  return { task: { ...task, status: 'cancelled' }, stoppedGroups, closedRuns };
}
