import { existsSync } from 'node:fs';
import type { Config } from '../config/schema.js';
import { CodexAgentError } from '../errors.js';
import type { AppPaths } from '../paths.js';
import type { Redactor } from '../redact.js';
import type { Registry } from '../registry/registry.js';
import { findTask } from '../registry/task-ref.js';
import type { RunnerListener } from '../runs/runner-events.js';
import { transitionTask } from '../runs/task-transition.js';
import type { StateStore } from '../store/state-store.js';
import type { Task, TaskStatus } from '../task.js';
import { validateRound, type RoundResult, type ValidationListener } from './validate-round.js';
import type { ValidationMode, ValidationStore } from './validation-store.js';
import { findingsForWorker } from './verdict.js';

export interface ValidateTaskOptions {
  /** The task: `slug` (with `repoRoot`) or `repo-name/slug`. */
  ref: string;
  repoRoot?: string;
  /** `validate`: checks, policies and review; `review`: the AI review alone (`task review`). */
  mode: ValidationMode;
  /** False for `--no-review`. */
  review: boolean;
  /** Give a failed verdict's findings to the worker (same session) and validate again, within the retry budget. */
  autoFix?: boolean;
  config: Config;
  paths: AppPaths;
  env: NodeJS.ProcessEnv;
  registry: Registry;
  store: StateStore;
  validations: ValidationStore;
  redact: Redactor;
  signal?: AbortSignal;
  onEvent?: ValidationListener;
  /** The worker's events during an auto-fix round. */
  onRunnerEvent?: RunnerListener;
}

export interface ValidateTaskResult {
  slug: string;
  pass: boolean;
  /** Every round, in order (more than one only with auto-fix). */
  rounds: RoundResult[];
  /** The task's state afterwards. */
  status: TaskStatus;
  /** Auto-fix rounds used, of the budget. */
  autoFix?: { used: number; budget: number; note?: string };
}

/** States a task can be validated in: done by its agent (`review`), or sent back (`stuck`). */
const VALIDATABLE: readonly TaskStatus[] = ['review', 'stuck'];

function requireValidatable(task: Task): string {
  if (!VALIDATABLE.includes(task.status)) {
    const hint = task.status === 'running' ? 'Wait for its agent to finish (or stop it) first.' : `Run it first: codex-agent task run ${task.slug}`;
    throw new CodexAgentError('illegal-transition', `${task.slug} is ${task.status}; only a task in review or stuck can be validated.`, { hint, details: { status: task.status } });
  }
  if (!task.worktree || !existsSync(task.worktree)) {
    throw new CodexAgentError('illegal-transition', `${task.slug} has no worktree to validate.`, { hint: `Create it with codex-agent task worktree add ${task.slug}, or run the task.` });
  }
  return task.worktree;
}

/**
 * `task validate` / `task review` (DESIGN §10, issue 7). Each round runs as a `verification` run
 * and stores its verdict; a full validation then moves the task — `stuck` on fail, back to
 * `review` on pass (DESIGN §5). With auto-fix, a failed verdict's findings resume the worker's
 * session (as an answer) and the task is validated again, at most its retry budget of times.
 * `task review` stores its verdict but moves nothing.
 */
export async function validateTask(options: ValidateTaskOptions): Promise<ValidateTaskResult> {
  const { registry, store, config } = options;
  const emit: ValidationListener = (event) => options.onEvent?.(event);
  let task = findTask(await registry.read(), options.ref, options.repoRoot);
  const slug = task.slug;
  const budget = task.retries ?? config.tasks.retries;
  const rounds: RoundResult[] = [];
  let used = 0;
  let note: string | undefined;

  for (let round = 1; ; round++) {
    const worktree = requireValidatable(task);
    const result = await validateRound({
      task, worktree, round, mode: options.mode, review: options.review, config, paths: options.paths, env: options.env,
      store, validations: options.validations, redact: options.redact, signal: options.signal, emit,
    });
    rounds.push(result);
    const { verdict } = result;
    if (options.mode === 'validate') {
      const current = findTask(await registry.read(), slug, task.repo).status;
      const to: TaskStatus = verdict.pass ? 'review' : 'stuck';
      if (current !== to && VALIDATABLE.includes(current)) {
        const reason = verdict.pass ? 'validation passed' : `validation failed: ${verdict.summary}`;
        await transitionTask(registry, store, task, to, reason, { runId: result.runId, expect: VALIDATABLE });
        options.onRunnerEvent?.({ type: 'transition', slug, from: current, to, reason });
      }
    }
    if (verdict.pass || !options.autoFix || options.mode !== 'validate') break;
    if (used >= budget) {
      note = `the auto-fix budget (${budget} round${budget === 1 ? '' : 's'}, the task's retries) is spent`;
      break;
    }
    used++;
    // The runner (worktrees, agents, commits) is loaded only when a fix is needed.
    const { runTask } = await import('../runs/runner.js');
    const fixed = await runTask({
      ref: slug, repoRoot: task.repo, config, paths: options.paths, env: options.env, registry, store, redact: options.redact,
      signal: options.signal, onEvent: options.onRunnerEvent, answer: findingsForWorker(verdict),
    });
    if (fixed.status !== 'review') {
      note = `the worker did not finish the fix (the task is ${fixed.status}${fixed.error ? `: ${fixed.error}` : ''})`;
      break;
    }
    task = findTask(await registry.read(), slug, task.repo);
  }
  const last = rounds.at(-1)!;
  const status = findTask(await registry.read(), slug, task.repo).status;
  return { slug, pass: last.verdict.pass, rounds, status, ...(options.autoFix ? { autoFix: { used, budget, ...(note ? { note } : {}) } } : {}) };
}
