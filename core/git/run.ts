import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { CodexAgentError } from '../errors.js';

/** The outcome of one git process: the same shape whether it succeeded or not. */
export interface GitResult {
  stdout: string;
  stderr: string;
  exitCode: number;
}

export interface GitOptions {
  cwd: string;
  /** Return a non-zero exit as a result instead of throwing. */
  allowFailure?: boolean;
  /** Text written to git's stdin. */
  input?: string;
  signal?: AbortSignal;
}

/** Large outputs (status of a big tree, merge-tree batches) must never be cut off. */
const MAX_BUFFER = 256 * 1024 * 1024;

/**
 * Runs git with an argv array — never a shell string (RELIABILITY rule 10). `execFile` rather than
 * execa: on hot paths it is ~2 ms a call cheaper (GIT.md, "Spawning git from Node").
 */
export function runGit(args: readonly string[], options: GitOptions): Promise<GitResult> {
  return new Promise((resolve, reject) => {
    const child = execFile(
      'git',
      args as string[],
      {
        cwd: options.cwd,
        maxBuffer: MAX_BUFFER,
        encoding: 'utf8',
        signal: options.signal,
        // Never wait for a credential prompt; keep messages in one language so they can be matched.
        env: { ...process.env, GIT_TERMINAL_PROMPT: '0', LC_ALL: 'C' },
      },
      (error, stdout, stderr) => {
        const exitCode = error ? (typeof error.code === 'number' ? error.code : -1) : 0;
        if (error && exitCode === -1) {
          // ENOENT means either no git or no such working directory: tell which.
          const enoent = (error as NodeJS.ErrnoException).code === 'ENOENT';
          const missingDir = enoent && !existsSync(options.cwd);
          const message = missingDir
            ? `git ${args[0] ?? ''} could not run: the directory ${options.cwd} does not exist.`
            : enoent
              ? 'git was not found on PATH.'
              : `git ${args[0] ?? ''} could not run: ${error.message}`;
          reject(
            new CodexAgentError('git-failed', message, {
              hint: missingDir ? undefined : enoent ? 'Install git 2.38 or newer and make sure it is on PATH.' : undefined,
              cause: error,
            }),
          );
          return;
        }
        const result = { stdout, stderr, exitCode };
        if (exitCode !== 0 && !options.allowFailure) {
          reject(
            new CodexAgentError('git-failed', `git ${args.join(' ')} failed (exit ${exitCode}): ${stderr.trim() || stdout.trim()}`, {
              details: { args: [...args], exitCode, cwd: options.cwd },
            }),
          );
          return;
        }
        resolve(result);
      },
    );
    if (options.input !== undefined) child.stdin?.end(options.input);
  });
}
