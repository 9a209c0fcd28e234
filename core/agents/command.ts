import type { AgentProfile } from '../config/schema.js';
import { CodexAgentError } from '../errors.js';
import type { AgentExit, Outcome, RunFailure, StreamParser } from './adapter.js';
import type { AgentEvent } from './events.js';
import { assertPrompt, type AgentInvocation, type AgentRunOptions } from './invocation.js';
import { terminalEvent } from './line-parser.js';

/**
 * Kind `command`: any CLI. Its output lines are its messages; its exit code is its outcome. The
 * prompt goes where the profile's args say — `{prompt}` (the text) or `{prompt_file}` (a file
 * holding it), as whole arguments or inside one (`--message={prompt}`) — or, when neither appears,
 * on stdin.
 */

export const PROMPT_PLACEHOLDER = '{prompt}';
export const PROMPT_FILE_PLACEHOLDER = '{prompt_file}';

/** Which placeholders the profile's args use; with neither, the prompt goes on stdin. */
export function commandPlaceholders(profile: AgentProfile): { prompt: boolean; promptFile: boolean } {
  return {
    prompt: profile.args.some((arg) => arg.includes(PROMPT_PLACEHOLDER)),
    promptFile: profile.args.some((arg) => arg.includes(PROMPT_FILE_PLACEHOLDER)),
  };
}

/**
 * The command line of one run of a `command` profile. Replacement is literal (no `$` patterns) and
 * single-pass: a prompt that contains "{prompt_file}" is not expanded again. Throws a CodexAgentError
 * when the profile names no command, or uses `{prompt_file}` and no `promptFile` was given (the
 * runner writes the file first: see `commandPlaceholders`).
 */
export function buildCommandInvocation(profile: AgentProfile, options: AgentRunOptions): AgentInvocation {
  assertPrompt(options.prompt);
  if (!profile.command) {
    throw new CodexAgentError('config-invalid', 'An agent profile of kind command needs a command to run.', {
      hint: 'Set "command" in the profile, e.g. command = "aider".',
    });
  }
  const uses = commandPlaceholders(profile);
  if (uses.promptFile && options.promptFile === undefined) {
    throw new CodexAgentError('invalid-value', `The profile's args use ${PROMPT_FILE_PLACEHOLDER} but no prompt file was written.`, {
      hint: 'Write the prompt to a file and pass it as promptFile.',
    });
  }
  const values: Record<string, string> = { [PROMPT_PLACEHOLDER]: options.prompt, [PROMPT_FILE_PLACEHOLDER]: options.promptFile ?? '' };
  const args = profile.args.map((arg) => arg.replace(/\{prompt(?:_file)?\}/g, (placeholder) => values[placeholder] ?? placeholder));
  return {
    command: profile.command,
    args,
    ...(uses.prompt || uses.promptFile ? {} : { stdin: options.prompt }),
    env: {},
  };
}

/**
 * The outcome of a run whose process could not be started at all (any kind; spawn errors are the
 * runner's to catch): `exit_code` with no exit code, not retryable — a missing or non-executable
 * program does not appear by itself, but a fallback profile may do better.
 */
export function spawnFailure(command: string, error: unknown): RunFailure {
  const code = typeof error === 'object' && error !== null && 'code' in error ? String((error as { code: unknown }).code) : undefined;
  const detail = code === 'ENOENT' ? 'it was not found on PATH' : code === 'EACCES' ? 'it is not executable' : error instanceof Error ? error.message : String(error);
  return { ok: false, reason: 'exit_code', message: `Could not start "${command}": ${detail}.`, retryable: false, exitCode: null };
}

class CommandParser implements StreamParser {
  private lastLine: string | undefined;
  private result: Outcome | undefined;

  push(line: string, ts: number = Date.now()): AgentEvent[] {
    if (this.result) return [];
    const text = line.replace(/\r?\n$/, '').replace(/\r$/, '');
    if (text.trim() === '') return [];
    this.lastLine = text;
    return [{ type: 'message', ts, text }];
  }

  finish(exit: AgentExit, ts: number = Date.now()): AgentEvent[] {
    if (this.result) return [];
    this.result = this.decide(exit);
    return [terminalEvent(this.result, ts)];
  }

  /** Exit 0 is success (the last output line is the summary); anything else is a failure of the task. */
  private decide(exit: AgentExit): Outcome {
    const failure = (reason: RunFailure['reason'], message: string, retryable = false): RunFailure => ({ ok: false, reason, message, retryable, exitCode: exit.code });
    if (exit.cancelled) return failure('cancelled', 'The command was stopped.');
    if (exit.timedOut) return failure('timeout', 'The command did not finish within its time limit.', true);
    if (exit.code === 0) return { ok: true, ...(this.lastLine !== undefined ? { summary: this.lastLine } : {}) };
    return failure('exit_code', exit.signal ? `The command was killed by ${exit.signal}.` : `The command exited with code ${exit.code}.`);
  }

  outcome(): Outcome {
    if (!this.result) throw new Error('outcome() was called before finish()');
    return this.result;
  }
}

/** A parser for one run of a `command` profile: every output line is a message. */
export function createCommandParser(): StreamParser {
  return new CommandParser();
}
