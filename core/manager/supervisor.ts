import type { Config } from '../config/schema.js';
import { parseDuration } from '../duration.js';
import type { AppPaths } from '../paths.js';
import type { Redactor } from '../redact.js';
import type { Registry } from '../registry/registry.js';
import { sleep } from '../runs/backoff.js';
import { processStartTime } from '../runs/proc.js';
import type { RunnerEvent } from '../runs/runner-events.js';
import { profileChain, sessionToResume, type SessionToResume } from '../runs/run-policy.js';
import { runTask } from '../runs/runner.js';
import { ownerId } from '../runs/stop.js';
import type { StateStore } from '../store/state-store.js';
import type { Task } from '../task.js';
import { pickLaunchable, waitsOnReview, type StartAfter } from './launchable.js';
import { reconcileRuns } from './reconcile-runs.js';
import type { LaunchPayload, SupervisorStore } from './supervisor-store.js';

/** How often the supervisor looks for commands and for tasks to start. */
export const POLL_MS = 250;
/** How often it renews its lease. */
export const HEARTBEAT_MS = 2_000;
/** A lease not renewed for this long is stale and may be taken over. */
export const LEASE_STALE_MS = 15_000;
/** SIGTERM → SIGKILL grace for orphaned agent groups found at start-up. */
const RECONCILE_GRACE_MS = 5_000;

export interface SupervisorOptions {
  paths: AppPaths;
  env: NodeJS.ProcessEnv;
  registry: Registry;
  store: StateStore;
  commands: SupervisorStore;
  redact: Redactor;
  /** The effective config of a repo, with a launch's `-c` overrides. */
  loadConfig: (repo: string, flags: Record<string, string>) => Promise<Config>;
  logFile: string | null;
  /** One line per thing worth logging (the supervisor's log file). */
  log: (line: string) => void;
  /** Aborting is `stop --now`: running agents are stopped and their tasks cancelled. */
  signal?: AbortSignal;
}

export type SupervisorExit = 'lease-held' | 'idle' | 'stopped' | 'lease-lost';

interface Job {
  commandId: number;
  payload: LaunchPayload;
  config: Config;
  started: string[];
  finished: Record<string, string>;
  lingerUntil: number;
}

interface Running {
  repo: string;
  files: readonly string[];
  controller: AbortController;
}

/**
 * The supervisor (DESIGN §8): holds the lease for this user's data directory, reconciles runs
 * left by a dead predecessor, takes commands from `supervisor_commands`, and runs the launched
 * tasks through the runner — at most `max_parallel` per repo at once, each dependent as soon as
 * its dependencies are finished (`manager.start_after`). Returns when nothing is left to run or
 * watch, after `stop` once its agents finished, or after `stop-now` once they were stopped.
 */
export async function supervise(o: SupervisorOptions): Promise<SupervisorExit> {
  const owner = ownerId(process.pid, processStartTime(process.pid));
  if (!o.commands.acquireLease(owner, process.pid, LEASE_STALE_MS, o.logFile)) return 'lease-held';
  o.log(`supervisor ${owner} holds the lease`);
  const running = new Map<string, Running>();
  const jobs = new Map<number, Job>();
  let mode: 'run' | 'drain' | 'abort' = 'run';
  let exit: SupervisorExit = 'idle';
  let wake: () => void = () => undefined;
  const key = (repo: string, slug: string) => `${repo}\u0000${slug}`;
  const abortAll = () => running.forEach((r) => r.controller.abort(new Error('stopped by manager stop --now')));
  o.signal?.addEventListener('abort', () => {
    mode = 'abort';
    abortAll();
    wake();
  });

  try {
    const reconciled = await reconcileRuns(o.registry, o.store, {
      graceMs: RECONCILE_GRACE_MS,
      repoRetries: async (repo) => (await o.loadConfig(repo, {})).tasks.retries,
    });
    for (const r of reconciled) o.log(`reconciled run ${r.runId} of ${r.slug}: interrupted${r.killedGroup ? `, killed group ${r.killedGroup}` : ''}${r.task ? `, task ${r.task}` : ''}${r.resumable ? `, session ${r.resumable} to resume` : ''}`);

    let lastBeat = 0;
    for (;;) {
      if (Date.now() - lastBeat >= HEARTBEAT_MS) {
        const activity = { mode, running: [...running.entries()].map(([k, r]) => ({ repo: r.repo, slug: k.split('\u0000')[1] })), jobs: [...jobs.values()].map((j) => ({ command: j.commandId, repo: j.payload.repo, wave: j.payload.wave, started: j.started })) };
        if (!o.commands.heartbeat(owner, activity)) {
          o.log('the lease was taken over; stopping');
          exit = 'lease-lost';
          mode = 'abort';
          abortAll();
        }
        lastBeat = Date.now();
      }
      for (const command of mode === 'abort' && exit === 'lease-lost' ? [] : o.commands.take(owner)) {
        o.log(`command ${command.id}: ${command.kind}`);
        if (command.kind === 'launch') {
          const payload = command.payload as LaunchPayload;
          const config = await o.loadConfig(payload.repo, payload.configFlags);
          const linger = parseDuration(config.manager.linger) ?? 600_000;
          jobs.set(command.id, { commandId: command.id, payload, config, started: [], finished: {}, lingerUntil: Date.now() + linger });
          if (mode !== 'run') o.commands.answer(command.id, { started: [], note: 'the supervisor is stopping' }, true);
        } else {
          mode = command.kind === 'stop-now' ? 'abort' : mode === 'abort' ? 'abort' : 'drain';
          exit = 'stopped';
          if (mode === 'abort') abortAll();
          o.commands.answer(command.id, { stopping: [...running.keys()].map((k) => k.split('\u0000')[1]) }, true);
        }
      }

      for (const job of jobs.values()) {
        if (mode !== 'run') {
          o.commands.answer(job.commandId, { started: job.started, finished: job.finished, note: 'stopped' }, true);
          jobs.delete(job.commandId);
          continue;
        }
        const repo = job.payload.repo;
        const tasks = (await o.registry.read()).tasks.filter((t) => t.repo === repo);
        const scope = job.payload.slugs ? new Set(job.payload.slugs) : null;
        const mine = new Map([...running.entries()].filter(([, r]) => r.repo === repo).map(([k, r]) => [k.split('\u0000')[1]!, r.files]));
        const startAfter: StartAfter = job.config.manager.start_after;
        for (const { task, early } of pickLaunchable({ tasks, scope, running: mine, maxParallel: job.payload.maxParallel, startAfter })) {
          const controller = new AbortController();
          running.set(key(repo, task.slug), { repo, files: task.files, controller });
          job.started.push(task.slug);
          const resume = early ? undefined : interruptedSession(o.store, task, job.config);
          o.log(`start ${task.slug}${early ? ' (dependencies in review)' : ''}${resume ? ` (resuming agent session ${resume.sessionId})` : ''}`);
          void runTask({
            ref: task.slug, repoRoot: repo, config: job.config, paths: o.paths, env: o.env, registry: o.registry, store: o.store, redact: o.redact,
            signal: controller.signal, startEarly: early, resume, onEvent: (event) => logEvent(o.log, event),
          })
            .then((result) => {
              job.finished[task.slug] = result.status;
              o.log(`${task.slug} ended ${result.status}${result.error ? `: ${result.error}` : ''}`);
            })
            .catch((err: unknown) => {
              job.finished[task.slug] = 'error';
              o.log(`${task.slug} failed to run: ${err instanceof Error ? err.message : String(err)}`);
            })
            .finally(() => {
              running.delete(key(repo, task.slug));
              wake();
            });
        }
        const busy = [...running.values()].some((r) => r.repo === repo);
        const lingering = waitsOnReview(tasks, scope) && Date.now() < job.lingerUntil;
        const settled = !busy && !lingering && pickLaunchable({ tasks, scope, running: new Map(), maxParallel: job.payload.maxParallel, startAfter }).length === 0;
        o.commands.answer(job.commandId, { started: job.started, finished: job.finished }, settled);
        if (settled) {
          o.log(`launch ${job.commandId} (${repo}) has nothing left to run`);
          jobs.delete(job.commandId);
        }
      }

      if (running.size === 0 && (mode !== 'run' || jobs.size === 0)) break;
      await Promise.race([sleep(POLL_MS), new Promise<void>((resolve) => (wake = resolve))]);
    }
  } finally {
    abortAll();
    if (exit !== 'lease-lost') o.commands.releaseLease(owner);
  }
  o.log(`supervisor exits (${exit})`);
  return exit;
}

/**
 * The agent session a task's run should continue: that of its interrupted last run, when the
 * adapter can resume it (run-policy `sessionToResume`). A profile error is left to the runner,
 * which reports it on the task.
 */
function interruptedSession(store: StateStore, task: Task, config: Config): SessionToResume | undefined {
  try {
    return sessionToResume(store.runsOf(task.repo, task.slug), profileChain(task, config));
  } catch {
    return undefined;
  }
}

function logEvent(log: (line: string) => void, event: RunnerEvent): void {
  if (event.type === 'transition') log(`${event.slug}: ${event.from} → ${event.to} (${event.reason})`);
  else if (event.type === 'attempt') log(`${event.slug}: attempt ${event.attempt} with ${event.profile} (run ${event.runId}${event.resume ? ', resuming its session' : ''})`);
  else if (event.type === 'retry') log(`${event.slug}: retry ${event.attempt} in ${event.delayMs} ms: ${event.reason}`);
}
