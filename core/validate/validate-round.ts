import { join } from 'node:path';
import type { AgentEvent } from '../agents/events.js';
import type { Config } from '../config/schema.js';
import { parseDuration } from '../duration.js';
import { CodexAgentError } from '../errors.js';
import { runGit } from '../git/run.js';
import type { AppPaths } from '../paths.js';
import type { Redactor } from '../redact.js';
import { processStartTime } from '../runs/proc.js';
import { ownerId } from '../runs/stop.js';
import type { StateStore } from '../store/state-store.js';
import { repoNameOf, type Task } from '../task.js';
import { runCheck } from './checks.js';
import { readTaskDiff } from './diff.js';
import { commandThreshold, diffPolicies, requireTestsPass } from './policies.js';
import { runReview } from './review.js';
import { buildReviewPrompt } from './review-prompt.js';
import type { ValidationMode, ValidationStore } from './validation-store.js';
import { decideVerdict, type CheckResult, type Finding, type ReviewResult, type Verdict } from './verdict.js';

/** What a validation tells its audience (the CLI's live view, later the dashboard), in order. */
export type ValidationEvent =
  | { type: 'round'; slug: string; round: number; runId: number; mode: ValidationMode }
  | { type: 'check-started'; slug: string; name: string; argv: string[] }
  | { type: 'check-output'; slug: string; name: string; line: string; stream: 'stdout' | 'stderr' }
  | { type: 'check-finished'; slug: string; result: CheckResult }
  | { type: 'policies'; slug: string; findings: Finding[] }
  | { type: 'review-started'; slug: string; profile: string; kind: string }
  | { type: 'review-agent'; slug: string; event: AgentEvent }
  | { type: 'review-finished'; slug: string; review: ReviewResult }
  | { type: 'verdict'; slug: string; round: number; verdict: Verdict; validationId: number };

export type ValidationListener = (event: ValidationEvent) => void;

export interface RoundInput {
  task: Task;
  worktree: string;
  round: number;
  mode: ValidationMode;
  review: boolean;
  config: Config;
  paths: AppPaths;
  env: NodeJS.ProcessEnv;
  store: StateStore;
  validations: ValidationStore;
  redact: Redactor;
  signal?: AbortSignal;
  emit: ValidationListener;
}

export interface RoundResult {
  round: number;
  runId: number;
  validationId: number;
  verdict: Verdict;
}

const SKIPPED: ReviewResult = { status: 'skipped', summary: 'skipped (--no-review)', findings: [] };

/**
 * One validation round of a task (DESIGN §10), recorded as a run in the `verification` phase:
 * the checks in the worktree, the policies on `<base>...<branch>`, the validator's review, and the
 * verdict, stored with everything that led to it. Does not move the task.
 */
export async function validateRound(input: RoundInput): Promise<RoundResult> {
  const { task, config, store, emit } = input;
  const slug = task.slug;
  const validatorName = config.roles.validator;
  const validator = config.agents[validatorName];
  if (input.review && !validator) {
    throw new CodexAgentError('config-invalid', `The validator role names the agent profile "${validatorName}", which is not defined.`, { hint: `Define [agents.${validatorName}], or set roles.validator.` });
  }
  const startedAt = Date.now();
  const runId = store.createRun({
    repo: task.repo, slug, role: 'validator', phase: 'verification', startedAt,
    profile: input.review ? validatorName : '(checks only)', kind: input.review ? validator!.kind : 'checks',
  });
  store.updateRun(runId, { owner: ownerId(process.pid, processStartTime(process.pid)) });
  emit({ type: 'round', slug, round: input.round, runId, mode: input.mode });
  const verificationMs = parseDuration(task.timeouts?.verification ?? config.timeouts.verification) ?? 4 * 60_000;
  const graceMs = parseDuration(config.timeouts.grace) ?? 5000;
  const logDir = join(input.paths.logsDir, repoNameOf(task.repo), slug);

  try {
    const head = (await runGit(['rev-parse', '--verify', '--end-of-options', `${task.branch}^{commit}`], { cwd: input.worktree })).stdout.trim();
    const checks: CheckResult[] = [];
    const policyFindings: Finding[] = [];
    const { policy } = config.validate;
    const run = (name: string, argv: string[], required: boolean, timeout: string | undefined) =>
      runCheck(
        { name, argv, required, timeoutMs: (timeout && parseDuration(timeout)) || verificationMs },
        { cwd: input.worktree, env: input.env, graceMs, logFile: join(logDir, `${runId}-check-${name}.log`), redact: input.redact, signal: input.signal, onLine: (line, stream) => emit({ type: 'check-output', slug, name, line, stream }) },
      );
    if (input.mode === 'validate') {
      for (const check of config.validate.checks) {
        emit({ type: 'check-started', slug, name: check.name, argv: check.run });
        const result = await run(check.name, check.run, check.required, check.timeout);
        checks.push(result);
        emit({ type: 'check-finished', slug, result });
        if (input.signal?.aborted) break;
      }
    }
    const diff = await readTaskDiff(input.worktree, task.base, task.branch);
    if (input.mode === 'validate') {
      policyFindings.push(...diffPolicies(diff, policy));
      if (policy.require_tests_pass) policyFindings.push(...requireTestsPass(checks));
      if (policy.command.length) {
        emit({ type: 'check-started', slug, name: 'policy-command', argv: policy.command });
        const result = await run('policy-command', policy.command, true, undefined);
        emit({ type: 'check-finished', slug, result: { ...result, required: false } });
        policyFindings.push(...commandThreshold(result, policy.threshold));
      }
      emit({ type: 'policies', slug, findings: policyFindings });
    }

    let review = SKIPPED;
    if (input.review) {
      emit({ type: 'review-started', slug, profile: validatorName, kind: validator!.kind });
      const prompt = buildReviewPrompt({ task, diff: diff.text, checks, policyFindings, structured: validator!.kind === 'openai', userPromptsDir: input.paths.userPrompts });
      review = await runReview({
        profileName: validatorName, profile: validator!, prompt, worktree: input.worktree, env: input.env, timeoutMs: verificationMs, graceMs,
        signal: input.signal, store, runId, logFile: join(logDir, `${runId}.jsonl`), redact: input.redact,
        onAgentEvent: (event) => emit({ type: 'review-agent', slug, event }),
      });
      emit({ type: 'review-finished', slug, review });
    }

    // Stopped (Ctrl-C): a check or review cut short says nothing about the change, so no verdict.
    if (input.signal?.aborted) throw new CodexAgentError('usage', `Validation of ${slug} was stopped; no verdict was stored.`);
    const verdict = decideVerdict(checks, policyFindings, review, config.validate.fail_on);
    const endedAt = Date.now();
    const validationId = input.validations.save({
      repo: task.repo, slug, runId, round: input.round, mode: input.mode, pass: verdict.pass, review: review.status, summary: verdict.summary,
      base: task.base, head, findings: verdict.findings, checks, startedAt, endedAt,
    });
    store.updateRun(runId, { result: verdict.pass ? 'success' : 'failed', error: verdict.pass ? null : verdict.summary, endedAt });
    emit({ type: 'verdict', slug, round: input.round, verdict, validationId });
    return { round: input.round, runId, validationId, verdict };
  } catch (err) {
    const stopped = input.signal?.aborted;
    store.updateRun(runId, { result: stopped ? 'cancelled' : 'failed', error: err instanceof Error ? err.message : String(err), endedAt: Date.now() });
    throw err;
  }
}
