import type { Outcome } from '../agents/adapter.js';
import type { AgentProfile, Config } from '../config/schema.js';
import { CodexAgentError } from '../errors.js';
import type { RunRow } from '../store/types.js';
import type { Task } from '../task.js';

type Failure = Extract<Outcome, { ok: false }>;

/**
 * Transient failures are retried (DESIGN §5): the agent crashed (a non-zero exit), the API
 * failed, or the run timed out. A task failure — the agent finished and said it could not, or
 * stopped on its own limits — is not retried blindly.
 */
export function isTransient(failure: Failure): boolean {
  return failure.retryable || failure.reason === 'api_error' || failure.reason === 'timeout' || failure.reason === 'exit_code';
}

/** The API could not be reached at all: the next fallback profile may do better than a retry. */
const UNREACHABLE = /ECONNREFUSED|ENOTFOUND|EAI_AGAIN|ECONNRESET|connection refused|error sending request|failed to connect|could not resolve|network is unreachable|Unable to connect/i;

/** Infrastructure failures send the task to the next fallback profile (never a task failure). */
export function isInfrastructureFailure(failure: Failure): boolean {
  return failure.reason !== 'agent_error' && UNREACHABLE.test(failure.message);
}

/** The profiles a task runs with: its own (or the worker role's), then that profile's fallbacks. */
export function profileChain(task: Task, config: Config): { name: string; profile: AgentProfile }[] {
  const first = task.agent ?? config.roles.worker;
  const names = [first, ...(config.agents[first]?.fallback ?? [])];
  return [...new Set(names)].map((name) => {
    const profile = config.agents[name];
    if (!profile) {
      throw new CodexAgentError('invalid-value', `${task.slug} uses the agent profile "${name}", which is not defined.`, {
        hint: `Define [agents.${name}] in the config, or change it: codex-agent task edit ${task.slug} --agent <profile>.`,
      });
    }
    return { name, profile };
  });
}

/** How the worker prompt asks agents to flag a question or a task it cannot do (prompts/worker.md). */
const QUESTION_LINE = /^\s*QUESTION:\s*(.+)$/im;
const CANNOT_LINE = /^\s*CANNOT COMPLETE:\s*(.+)$/im;

/** What a successful run's ending means: done, a question for the developer, or a refusal. */
export function interpretFinish(result: { lastMessage?: string; question?: string }): { kind: 'done' } | { kind: 'question' | 'cannot'; text: string } {
  if (result.question) return { kind: 'question', text: result.question };
  const message = result.lastMessage ?? '';
  const cannot = CANNOT_LINE.exec(message);
  if (cannot) return { kind: 'cannot', text: cannot[1]!.trim() };
  const question = QUESTION_LINE.exec(message);
  if (question) return { kind: 'question', text: question[1]!.trim() };
  return { kind: 'done' };
}

/** The follow-up given to a resumed session. */
export function resumePrompt(why: 'retry' | 'answer', text: string, question?: string): string {
  if (why === 'answer') {
    return `${question ? `You asked: ${question}\n` : ''}The developer answers: ${text}\n\nContinue the task with this answer. Finish with your summary as instructed before.`;
  }
  return `Your previous attempt was interrupted (${text.split('\n')[0]}). Continue the task from where you left off, check what is already done, and finish with your summary as instructed before.`;
}

/** Agent kinds whose sessions can be continued: Codex by thread id (`exec resume`), Claude with `--resume`. */
const RESUMABLE_KINDS: ReadonlySet<string> = new Set(['codex', 'claude']);

/** Whether agents of this kind can continue a session by its id. */
export function canResume(kind: string): boolean {
  return RESUMABLE_KINDS.has(kind);
}

/** An interrupted run's agent session, for the task's next run to continue. */
export interface SessionToResume {
  sessionId: string;
  /** The profile that ran it: the session belongs to that agent. */
  profile: string;
  /** Why the run ended, for the follow-up prompt ("its supervisor is gone"). */
  why: string;
}

/**
 * The session a task's next run should continue, if any: that of its last worker run when that
 * run was interrupted (its supervisor or `task run` died and a reconcile marked it), recorded a
 * session, and ran with a profile that is still in the task's `chain`, of the same kind, and of a
 * kind that can resume. Otherwise the next run starts a fresh session.
 */
export function sessionToResume(runs: readonly RunRow[], chain: readonly { name: string; profile: AgentProfile }[]): SessionToResume | undefined {
  const last = runs.filter((r) => r.role === 'worker').at(-1);
  if (!last || last.result !== 'interrupted' || !last.sessionId || !RESUMABLE_KINDS.has(last.kind)) return undefined;
  const entry = chain.find((c) => c.name === last.profile);
  if (entry?.profile.kind !== last.kind) return undefined;
  return { sessionId: last.sessionId, profile: last.profile, why: last.error ?? 'interrupted' };
}
