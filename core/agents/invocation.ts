import { CodexAgentError } from '../errors.js';

/** The command line of one agent run, shared by the builders of every kind. */

/** What one run asks of the agent. */
export interface AgentRunOptions {
  prompt: string;
  /** The task's worktree. */
  cwd: string;
  /** Codex: where `-o` writes the final message. */
  outputFile?: string;
  /** Resume this session (Codex thread id, Claude session id) instead of starting a new one. */
  resumeSessionId?: string;
  /** Overrides the profile's model. */
  model?: string;
  /** Kind command: the file holding the prompt, for `{prompt_file}` (the runner writes it). */
  promptFile?: string;
}

/** How to start the agent: executable and argv (never a shell string), and what to put on stdin. */
export interface AgentInvocation {
  command: string;
  args: string[];
  /**
   * Text to write to stdin and then close it; when undefined stdin must be closed from the start
   * (`stdio: ['ignore', …]`): Codex waits for EOF on an open stdin and appends it to the prompt,
   * Claude waits 3 s for it.
   */
  stdin?: string;
  /** Variables to set on top of the allow-listed environment. */
  env: Record<string, string>;
}

/** Throws when `prompt` cannot be passed on a command line: empty, or holding a NUL byte. */
export function assertPrompt(prompt: string): void {
  if (prompt.trim() === '') {
    throw new CodexAgentError('invalid-value', 'The prompt for the agent is empty.', { hint: 'Give the task a goal.' });
  }
  if (prompt.includes('\0')) {
    throw new CodexAgentError('invalid-value', 'The prompt for the agent contains a NUL byte, which no command line can carry.', {
      hint: 'Remove the NUL character from the task goal.',
    });
  }
}
