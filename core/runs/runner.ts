import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { Config } from '../config/schema.js';
import { parseDuration } from '../duration.js';
import { CodexAgentError } from '../errors.js';
import type { AppPaths } from '../paths.js';
import { buildWorkerPrompt } from '../prompts/worker-prompt.js';
import type { Redactor } from '../redact.js';
import type { Registry } from '../registry/registry.js';
import { findTask } from '../registry/task-ref.js';
import { EventBatcher } from '../store/event-batcher.js';
import { EventWriter } from '../store/event-writer.js';
import type { StateStore } from '../store/state-store.js';
import type { NewTransition } from '../store/types.js';
import { repoNameOf, type Task, type TaskStatus } from '../task.js';
import { createWorktree, startWorktreeLookups, type WorktreeLookups } from '../worktree/create.js';
import type { AttemptResult } from './attempt.js';
import { backoffDelay, sleep } from './backoff.js';
import { commitAgentWork, hasGitIdentity } from './commit.js';
import { interpretFinish, isInfrastructureFailure, isTransient, profileChain, resumePrompt, type SessionToResume } from './run-policy.js';
import type { RunnerEvent, RunnerListener } from './runner-events.js';
import { transitionTask } from './task-transition.js';
import { ownerId } from './stop.js';
import { processStartTime } from './proc.js';

export interface RunTaskOptions {
  /** The task: `slug` (with `repoRoot`) or `repo-name/slug`. */
  ref: string;
  repoRoot?: string;
  config: Config;
  paths: AppPaths;
  env: NodeJS.ProcessEnv;
  registry: Registry;
  /**
   * The run history. A promise, or a function that opens it, lets it open while git makes the
   * worktree (the function is called then, when the main thread would only wait for git); the
   * transitions made before it is ready are recorded once it is.
   */
  store: StateStore | Promise<StateStore> | (() => Promise<StateStore>);
  redact: Redactor;
  /** Aborting stops the agent (SIGTERM to its group, then SIGKILL) and cancels the task. */
  signal?: AbortSignal;
  onEvent?: RunnerListener;
  /** Resume a stuck task's agent session with this answer (`task answer`). */
  answer?: string;
  /** Continue an interrupted run's agent session instead of starting afresh (the supervisor, after a reconcile). */
  resume?: SessionToResume;
  /** Worktree creation: skip hydration or setup. */
  hydrate?: boolean;
  setup?: boolean;
  /**
   * Start a `todo` task whose dependencies are not done yet (the supervisor does this only when
   * config `manager.start_after` is "review" and every dependency is at least in review).
   */
  startEarly?: boolean;
}

export interface RunTaskResult {
  slug: string;
  status: TaskStatus;
  runIds: number[];
  summary?: string;
  question?: string;
  error?: string;
  commit?: { sha?: string; files: string[] };
}

const MAX_BACKOFF_MS = 120_000;

/**
 * `task run` / `task answer`: hands a task to its agent and drives it through the state machine
 * (DESIGN §5): running → bootstrap → planning → execution → finalize → review, with transient
 * failures retried (backoff with jitter, resuming the agent's session), infrastructure failures
 * sent to the fallback profiles, and questions or exhausted retries escalated to `stuck`.
 */
export async function runTask(options: RunTaskOptions): Promise<RunTaskResult> {
  const { registry, config } = options;
  const emit: RunnerListener = (event: RunnerEvent) => options.onEvent?.(event);
  const source = options.store;
  let opened: StateStore | undefined = source instanceof Promise || typeof source === 'function' ? undefined : source;
  let opening: Promise<StateStore> | undefined;
  const beginOpening = (): Promise<StateStore> => (opening ??= typeof source === 'function' ? source() : Promise.resolve(source));
  const unrecorded: NewTransition[] = [];
  const openStore = async (): Promise<StateStore> => {
    opened ??= await beginOpening();
    for (const t of unrecorded.splice(0)) opened.recordTransition(t);
    return opened;
  };
  let task = findTask(await registry.read(), options.ref, options.repoRoot);
  // Git looks the task branch and the base up while the task is claimed.
  const lookups = options.answer === undefined && !hasWorktree(task) ? startWorktreeLookups(task, options.signal) : undefined;
  const runIds: number[] = [];
  const slug = task.slug;

  const move = async (to: TaskStatus, reason: string, runId?: number, expect?: readonly TaskStatus[]) => {
    const at = Date.now();
    const before = await transitionTask(registry, opened, task, to, reason, { runId, expect, at });
    if (before.status === to) return;
    if (!opened) unrecorded.push({ repo: task.repo, slug, from: before.status, to, reason, runId, at });
    emit({ type: 'transition', slug, from: before.status, to, reason });
  };

  // Start: from ready (or reopened from failed/cancelled), or resume a stuck task with an answer.
  let resumeSessionId: string | undefined;
  let prompt: string | undefined;
  if (options.answer !== undefined) {
    // The worker's last session, not a validator's (task validate records its own runs).
    const last = (await openStore()).runsOf(task.repo, slug).filter((r) => r.role === 'worker').at(-1);
    await move('running', 'answered', last?.id, ['stuck']);
    resumeSessionId = last?.sessionId ?? undefined;
    prompt = resumePrompt('answer', options.answer, last?.question ?? undefined);
  } else {
    if (task.status === 'todo' && !options.startEarly) {
      throw new CodexAgentError('illegal-transition', `${slug} is waiting for ${task.deps.join(', ')}.`, { hint: 'Finish its dependencies first (or remove them with task edit --remove-dep).' });
    }
    if (task.status === 'failed' || task.status === 'cancelled') await move('ready', 'reopened');
    if (task.status === 'todo') await move('running', 'launched before its dependencies were completed (manager.start_after = "review")', undefined, ['todo']);
    else await move('running', 'launched', undefined, ['ready']);
  }
  task = findTask(await registry.read(), options.ref, options.repoRoot);

  // bootstrap: the worktree (hydrated) is made while the run history opens.
  emit({ type: 'phase', slug, phase: 'bootstrap' });
  const worktreeMade = ensureWorktree(task, options, emit, lookups);
  worktreeMade.catch(() => undefined); // awaited below
  // The run history and the modules that drive the agent load while git makes the worktree, when
  // the main thread would only wait (before, they would hold up the claim).
  beginOpening().catch(() => undefined); // awaited below
  const attemptModule = import('./attempt.js');
  attemptModule.catch(() => undefined); // awaited before the first attempt
  let store: StateStore;
  try {
    store = await openStore();
  } catch (err) {
    // Nothing ran: the task goes back to ready, its worktree (if made) kept for the next run.
    await worktreeMade.catch(() => undefined);
    await transitionTask(registry, undefined, task, 'ready', 'the run history could not be opened').catch(() => undefined);
    throw err;
  }

  const batcher = new EventBatcher(new EventWriter(store));
  const finish = async (status: TaskStatus, reason: string, extra: Partial<RunTaskResult> = {}, runId?: number): Promise<RunTaskResult> => {
    batcher.close();
    const current = findTask(await registry.read(), slug, task.repo);
    if (current.status === 'running') await move(status, reason, runId);
    const final = current.status === 'running' ? status : current.status;
    emit({ type: 'finished', slug, status: final, summary: extra.summary, question: extra.question, error: extra.error });
    return { slug, status: final, runIds, ...extra };
  };

  try {
    const worktree = await worktreeMade;
    task = findTask(await registry.read(), slug, task.repo);
    const chain = profileChain(task, config);
    const summaries = Object.fromEntries(task.deps.map((dep) => [dep, store.runsOf(task.repo, dep).filter((r) => r.role === 'worker' && r.result === 'success').at(-1)?.summary ?? undefined]));
    let profileIndex = 0;
    // An interrupted session continues with the profile that ran it (when it is still in the chain).
    const resumeAt = options.resume ? chain.findIndex((c) => c.name === options.resume!.profile) : -1;
    if (resumeAt >= 0) {
      profileIndex = resumeAt;
      resumeSessionId = options.resume!.sessionId;
      prompt = resumePrompt('retry', options.resume!.why);
    }
    const fullPrompt = () =>
      buildWorkerPrompt({ task, worktree, kind: chain[profileIndex]!.profile.kind, userPromptsDir: options.paths.userPrompts, dependencySummaries: summaries }).text;
    prompt ??= fullPrompt();

    const retries = task.retries ?? config.tasks.retries;
    const backoffMs = parseDuration(config.tasks.backoff) ?? 5000;
    const graceMs = parseDuration(config.timeouts.grace) ?? 5000;
    let retriesUsed = 0;
    const { runAttempt } = await attemptModule;

    for (;;) {
      const { name: profileName, profile } = chain[profileIndex]!;
      const timeoutMs = parseDuration(task.timeouts?.execution ?? profile.timeout ?? config.timeouts.execution) ?? 8 * 60_000;
      const runId = store.createRun({ repo: task.repo, slug, profile: profileName, kind: profile.kind, phase: 'planning', startedAt: Date.now() });
      store.updateRun(runId, { owner: ownerId(process.pid, processStartTime(process.pid)) });
      runIds.push(runId);
      const attemptNumber = store.run(runId)?.attempt ?? runIds.length;
      emit({ type: 'attempt', slug, runId, attempt: attemptNumber, profile: profileName, kind: profile.kind, resume: resumeSessionId !== undefined });
      emit({ type: 'phase', slug, runId, phase: 'planning' });
      const attempt = runAttempt({
        task, worktree, runId, profileName, profile, prompt, resumeSessionId, timeoutMs, graceMs,
        signal: options.signal, store, batcher, redact: options.redact, env: options.env,
        logFile: join(options.paths.logsDir, repoNameOf(task.repo), slug, `${runId}.jsonl`), emit,
      });
      // The agent has started (runAttempt starts it before it first waits): git is asked for an
      // identity to commit with meanwhile, one git start fewer once it is done.
      const identity = hasGitIdentity(worktree);
      identity.catch(() => undefined); // awaited by the commit, if there is one
      const result: AttemptResult = await attempt;

      // Stopped: by Ctrl-C here, or by `task stop` from elsewhere (which already marked the task).
      const stoppedElsewhere = findTask(await registry.read(), slug, task.repo).status === 'cancelled';
      if (result.exit.cancelled || options.signal?.aborted || stoppedElsewhere) {
        store.updateRun(runId, { result: 'cancelled', error: 'stopped', endedAt: Date.now() });
        return await finish('cancelled', 'stopped', { error: 'stopped' }, runId);
      }

      if (result.outcome.ok) {
        const verdict = interpretFinish(result);
        if (verdict.kind === 'question') {
          store.updateRun(runId, { phase: 'escalation', result: 'stuck', question: verdict.text, summary: result.lastMessage ?? null, endedAt: Date.now() });
          emit({ type: 'phase', slug, runId, phase: 'escalation' });
          return await finish('stuck', `agent asks: ${verdict.text}`, { question: verdict.text }, runId);
        }
        if (verdict.kind === 'cannot') {
          store.updateRun(runId, { phase: 'escalation', result: 'failed', error: verdict.text, summary: result.lastMessage ?? null, endedAt: Date.now() });
          emit({ type: 'phase', slug, runId, phase: 'escalation' });
          return await finish('stuck', `agent could not complete it: ${verdict.text}`, { error: verdict.text }, runId);
        }
        // finalize: commit what the agent changed on the task branch.
        store.updateRun(runId, { phase: 'finalize' });
        emit({ type: 'phase', slug, runId, phase: 'finalize' });
        let commit;
        try {
          commit = await commitAgentWork(worktree, task, profileName, result.lastMessage, config.worktree.hydrate, identity);
        } catch (err) {
          const message = `committing the agent's changes failed: ${err instanceof Error ? err.message : String(err)}`;
          store.updateRun(runId, { result: 'failed', error: message, summary: result.lastMessage ?? null, endedAt: Date.now() });
          return await finish('stuck', message, { error: message }, runId);
        }
        emit({ type: 'commit', slug, sha: commit.sha, files: commit.files });
        store.updateRun(runId, { result: 'success', summary: result.lastMessage ?? null, endedAt: Date.now() });
        return await finish('review', commit.committed ? 'agent done' : 'agent done (no changes)', { summary: result.lastMessage, commit: { sha: commit.sha, files: commit.files } }, runId);
      }

      const failure = result.outcome;
      store.updateRun(runId, { result: 'failed', error: failure.message, endedAt: Date.now() });
      if ((result.notStarted || isInfrastructureFailure(failure)) && profileIndex + 1 < chain.length) {
        const next = chain[profileIndex + 1]!;
        emit({ type: 'fallback', slug, from: profileName, to: next.name, reason: failure.message });
        profileIndex++;
        resumeSessionId = undefined;
        prompt = fullPrompt();
        continue;
      }
      if (isTransient(failure) && !result.notStarted && retriesUsed < retries) {
        retriesUsed++;
        const delayMs = backoffDelay(retriesUsed, backoffMs, MAX_BACKOFF_MS);
        emit({ type: 'retry', slug, attempt: retriesUsed, delayMs, reason: failure.message });
        try {
          await sleep(delayMs, options.signal);
        } catch {
          return await finish('cancelled', 'stopped', { error: 'stopped' }, runId);
        }
        if (findTask(await registry.read(), slug, task.repo).status === 'cancelled') return await finish('cancelled', 'stopped', { error: 'stopped' }, runId);
        resumeSessionId = result.sessionId;
        prompt = resumeSessionId ? resumePrompt('retry', failure.message) : fullPrompt();
        continue;
      }
      const why = result.notStarted
        ? failure.message
        : isTransient(failure)
          ? `${failure.message} (gave up after ${retriesUsed} retr${retriesUsed === 1 ? 'y' : 'ies'})`
          : failure.message;
      store.updateRun(runId, { phase: 'escalation' });
      emit({ type: 'phase', slug, runId, phase: 'escalation' });
      return await finish('stuck', why, { error: why }, runId);
    }
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    await finish('stuck', message, { error: message }).catch(() => undefined);
    throw err;
  }
}

function hasWorktree(task: Task): task is Task & { worktree: string } {
  return Boolean(task.worktree && existsSync(task.worktree));
}

async function ensureWorktree(task: Task, options: RunTaskOptions, emit: RunnerListener, lookups: WorktreeLookups | undefined): Promise<string> {
  if (hasWorktree(task)) return task.worktree;
  const created = await createWorktree({
    task,
    lookups,
    registry: options.registry,
    settings: options.config.worktree,
    hydrate: options.hydrate,
    setup: options.setup,
    signal: options.signal,
    onEvent: (event) => {
      if (event.type === 'worktree-added') emit({ type: 'worktree', slug: task.slug, message: `worktree ${event.path} on ${event.branch}${event.branchCreated ? '' : ' (existing branch)'}` });
    },
  });
  if (created.hydration) {
    emit({ type: 'worktree', slug: task.slug, message: `hydrated ${created.hydration.paths?.length ?? 0} path(s)` });
  }
  return created.path;
}
