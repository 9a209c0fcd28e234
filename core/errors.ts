/**
 * One error vocabulary for the whole engine. Every failure a user can cause or meet has a `code`;
 * the CLI maps codes to exit codes and prints `message` and `hint`.
 */

/** Exit codes, as documented in the README and `--help` (DESIGN §12). */
export const ExitCode = {
  ok: 0,
  /** The check ran and failed: conflicts found, validation failed, a lookup found nothing to report. */
  checkFailed: 1,
  /** Bad input or usage: unknown task, invalid value, corrupt file, refused operation. */
  usage: 2,
} as const;
export type ExitCode = (typeof ExitCode)[keyof typeof ExitCode];

export type ErrorCode =
  | 'usage'
  | 'not-a-repo'
  | 'config-invalid'
  | 'config-unknown-key'
  | 'registry-corrupt'
  | 'registry-too-new'
  | 'registry-locked'
  | 'registry-lock-compromised'
  | 'task-not-found'
  | 'task-ambiguous'
  | 'task-exists'
  | 'invalid-slug'
  | 'invalid-branch'
  | 'invalid-value'
  | 'dependency-missing'
  | 'dependency-cycle'
  | 'has-dependents'
  | 'illegal-transition'
  | 'git-failed'
  | 'store-too-new'
  | 'store-corrupt'
  | 'run-not-found'
  | 'worktree-exists'
  | 'worktree-refused'
  | 'setup-failed'
  | 'agent-unreachable'
  | 'agent-reply-invalid'
  | 'validation-failed'
  | 'validation-missing'
  | 'supervisor-unavailable'
  // merging (issue 6)
  | 'merge-conflicts'
  | 'merge-failed'
  | 'merge-in-progress'
  | 'base-moved'
  | 'base-dirty'
  | 'io';

/** Codes that mean "the check ran and the answer is no" rather than "you asked wrongly". */
const CHECK_FAILED_CODES: ReadonlySet<ErrorCode> = new Set<ErrorCode>(['setup-failed', 'validation-failed', 'supervisor-unavailable', 'merge-conflicts', 'merge-failed', 'base-moved']);

/** An expected failure: what was wrong (`message`) and what to do about it (`hint`). */
export class CodexAgentError extends Error {
  readonly code: ErrorCode;
  readonly hint: string | undefined;
  readonly details: Record<string, unknown> | undefined;

  constructor(code: ErrorCode, message: string, options: { hint?: string; details?: Record<string, unknown>; cause?: unknown } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'CodexAgentError';
    this.code = code;
    this.hint = options.hint;
    this.details = options.details;
  }

  get exitCode(): ExitCode {
    return CHECK_FAILED_CODES.has(this.code) ? ExitCode.checkFailed : ExitCode.usage;
  }
}

export function isCodexAgentError(err: unknown): err is CodexAgentError {
  return err instanceof CodexAgentError;
}

/** A one-paragraph, human-readable rendering of any thrown value. */
export function formatError(err: unknown): string {
  if (err instanceof CodexAgentError) {
    return err.hint ? `${err.message}\n${err.hint}` : err.message;
  }
  if (err instanceof Error) return err.message;
  return String(err);
}

/** The same failure as a JSON-friendly object for `--json` output. */
export function errorToJson(err: unknown): { error: { code: string; message: string; hint?: string; details?: Record<string, unknown> } } {
  if (err instanceof CodexAgentError) {
    return { error: { code: err.code, message: err.message, ...(err.hint ? { hint: err.hint } : {}), ...(err.details ? { details: err.details } : {}) } };
  }
  return { error: { code: 'internal', message: err instanceof Error ? err.message : String(err) } };
}
