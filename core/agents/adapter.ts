import type { AgentProfile } from '../config/schema.js';
import { CodexAgentError } from '../errors.js';
import { buildClaudeInvocation, createClaudeParser } from './claude.js';
import { buildCodexInvocation, createCodexParser } from './codex.js';
import { buildCommandInvocation, createCommandParser } from './command.js';
import type { AgentEvent, FailureReason } from './events.js';
import type { AgentInvocation, AgentRunOptions } from './invocation.js';

export type { AgentInvocation, AgentRunOptions } from './invocation.js';

/**
 * The adapter contract: per agent kind, a builder for the command line and a stateful parser that
 * turns the agent's output, line by line, into normalized events (events.ts) and decides the run's
 * outcome. Pure: nothing here spawns a process; the runner does.
 */

/** How the agent process ended, as the runner saw it. */
export interface AgentExit {
  /** The exit code, or null when a signal killed it. */
  code: number | null;
  signal: NodeJS.Signals | null;
  /** We stopped it at its time limit. */
  timedOut?: boolean;
  /** We stopped it because the user asked to. */
  cancelled?: boolean;
}

/** A failed run: why, in the user's words, and whether it is worth another try (infrastructure, not the task). */
export interface RunFailure {
  ok: false;
  reason: FailureReason;
  message: string;
  retryable: boolean;
  exitCode?: number | null;
  sessionId?: string;
}

/** A successful run: the agent's final answer and the session to resume. */
export interface RunSuccess {
  ok: true;
  summary?: string;
  sessionId?: string;
}

export type Outcome = RunSuccess | RunFailure;

/**
 * Reads one run's output. Feed it every stdout line with `push`, then `finish` with how the process
 * ended; both return the events they produced, `finish` always ending with exactly one `finished` or
 * `failed`. It never throws on input: unknown or malformed lines become `raw` events.
 */
export interface StreamParser {
  /** One line of output (a trailing newline is ignored). Lines pushed after `finish` are ignored. */
  push(line: string, ts?: number): AgentEvent[];
  /**
   * Whether the line last pushed was, without its newline, a JSON text (what a JSON-lines agent
   * prints): the raw log then keeps it as it is instead of escaping it into a string.
   */
  readonly lastLineWasJson?: boolean;
  /** Closes the run; a second call returns no events and keeps the first outcome. */
  finish(exit: AgentExit, ts?: number): AgentEvent[];
  /** The run's outcome; only after `finish` (it throws before). */
  outcome(): Outcome;
}

/** The agent kinds that run as a child process (kind `openai` is an API client, not a process). */
export type ProcessAgentKind = 'codex' | 'claude' | 'command';

/** A fresh parser for one run of an agent of this kind. */
export function createStreamParser(kind: ProcessAgentKind): StreamParser {
  switch (kind) {
    case 'codex':
      return createCodexParser();
    case 'claude':
      return createClaudeParser();
    case 'command':
      return createCommandParser();
  }
}

/** The command line for one run of `profile`; throws a CodexAgentError for kind `openai` or bad input. */
export function buildAgentInvocation(profile: AgentProfile, options: AgentRunOptions): AgentInvocation {
  switch (profile.kind) {
    case 'codex':
      return buildCodexInvocation(profile, options);
    case 'claude':
      return buildClaudeInvocation(profile, options);
    case 'command':
      return buildCommandInvocation(profile, options);
    case 'openai':
      throw new CodexAgentError('invalid-value', 'An agent profile of kind openai is an API client, not a command to run.', {
        hint: 'Run it through the OpenAI client instead of the process runner.',
      });
  }
}
