import type { Registry } from '../registry/registry.js';
import { sleep } from '../runs/backoff.js';
import { canResume } from '../runs/run-policy.js';
import { isGroupAlive, signalGroup, signalGroupIfSame } from '../runs/proc.js';
import { isOwnerAlive } from '../runs/stop.js';
import { transitionTask } from '../runs/task-transition.js';
import type { StateStore } from '../store/state-store.js';
import type { TaskStatus } from '../task.js';

/** What reconciling found and did about one orphaned run. */
export interface ReconciledRun {
  runId: number;
  repo: string;
  slug: string;
  /** The agent's process group, when it was still alive and was killed. */
  killedGroup: number | null;
  /** Where the task went: ready (retried by the next launch) or failed (out of retries). */
  task: TaskStatus | null;
  /** The agent session the retry continues (run-policy `sessionToResume`), when the run recorded one its agent can resume. */
  resumable: string | null;
}

export interface ReconcileOptions {
  /** SIGTERM → SIGKILL grace for live orphan groups. */
  graceMs: number;
  /**
   * A repo's `tasks.retries`: the retry budget of its tasks that set none of their own, for
   * deciding between retry and failed. Asked once per repo, only for repos with a run to settle;
   * when it fails, the default budget applies.
   */
  repoRetries: (repo: string) => number | Promise<number>;
}

/** The config's default `tasks.retries`. */
const DEFAULT_RETRIES = 2;

/**
 * After a supervisor died (SIGKILL, crash, reboot) its runs are still marked active (RELIABILITY
 * rule 9, PROC-3/PROC-4). For each active run whose owner is gone: its agent group is killed only
 * when the leader's pid and start time both match what was stored (a reused pid is never
 * signalled); the run is marked `interrupted`; the task, if still running, goes back to `ready`
 * (reason "interrupted") to be launched again — or to `failed` when its interrupted runs exceed the
 * retry budget. The supervisor's relaunch continues the dead agent's session when the run recorded
 * one and its agent can resume (Codex by thread id, Claude with --resume; see run-policy
 * `sessionToResume`), else it starts afresh. Runs of live owners (another supervisor, a foreground
 * `task run`) are left alone.
 */
export async function reconcileRuns(registry: Registry, store: StateStore, options: ReconcileOptions): Promise<ReconciledRun[]> {
  const orphans = store.activeRuns().filter((r) => !isOwnerAlive(r.owner));
  if (orphans.length === 0) return [];
  const killed = new Map<number, number>();
  for (const run of orphans) {
    if (run.pid !== null && run.pgid !== null && signalGroupIfSame(run.pid, run.pgid, run.procStartTime ?? undefined, 'SIGTERM')) killed.set(run.id, run.pgid);
  }
  const deadline = Date.now() + options.graceMs;
  while ([...killed.values()].some((g) => isGroupAlive(g)) && Date.now() < deadline) await sleep(50);
  for (const group of killed.values()) if (isGroupAlive(group)) signalGroup(group, 'SIGKILL');

  const budgets = new Map<string, Promise<number>>();
  const repoBudget = (repo: string): Promise<number> => {
    let budget = budgets.get(repo);
    if (!budget) {
      budget = Promise.resolve()
        .then(() => options.repoRetries(repo))
        .catch(() => DEFAULT_RETRIES); // a repo whose config no longer loads: its runs are still settled
      budgets.set(repo, budget);
    }
    return budget;
  };

  const results: ReconciledRun[] = [];
  for (const run of orphans) {
    store.updateRun(run.id, { result: 'interrupted', error: 'its supervisor is gone', endedAt: Date.now() });
    const tasks = (await registry.read()).tasks;
    const task = tasks.find((t) => t.repo === run.repo && t.slug === run.slug);
    let to: TaskStatus | null = null;
    if (task?.status === 'running' && !store.activeRuns().some((r) => r.repo === run.repo && r.slug === run.slug && r.id !== run.id)) {
      const interrupted = store.runsOf(run.repo, run.slug).filter((r) => r.result === 'interrupted').length;
      to = interrupted > (task.retries ?? (await repoBudget(run.repo))) ? 'failed' : 'ready';
      const reason = to === 'ready' ? 'interrupted: its supervisor is gone; will be retried' : `interrupted ${interrupted} times; out of retries`;
      try {
        await transitionTask(registry, store, task, to, reason, { runId: run.id, expect: ['running'] });
      } catch {
        to = null; // someone else moved it meanwhile
      }
    }
    const resumable = to === 'ready' && run.role === 'worker' && run.sessionId !== null && canResume(run.kind) ? run.sessionId : null;
    results.push({ runId: run.id, repo: run.repo, slug: run.slug, killedGroup: killed.get(run.id) ?? null, task: to, resumable });
  }
  return results;
}
