import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
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
export async function runGit(args: readonly string[], options: GitOptions): Promise<GitResult> {
  for (let attempt = 0; ; attempt++) {
    const result = await runGitOnce(args, options);
    const record = result.exitCode === 128 ? halfWrittenRecord(result.stderr, options.cwd) : undefined;
    if (!record) return options.allowFailure ? result : succeeded(args, options.cwd, result);
    if (attempt === RECORD_RETRY_MS.length || options.signal?.aborted) {
      throw new CodexAgentError('git-failed', `git ${args.join(' ')} failed (exit 128): ${result.stderr.trim()}`, {
        hint: `git's record ${record} stayed empty. If no git command is adding a worktree to this repo now, it was left by an interrupted \`git worktree add\`: delete the folder ${dirname(record)} (git worktree prune skips it while it holds a "locked" file).`,
        details: { args: [...args], exitCode: 128, cwd: options.cwd },
      });
    }
    await sleep(RECORD_RETRY_MS[attempt], undefined, { signal: options.signal }).catch(() => {});
  }
}

/**
 * `git worktree add` writes each file of a new worktree's record (`.git/worktrees/<id>/commondir`,
 * `gitdir`) by truncating, then writing it. Any git that meanwhile lists the repo's worktrees (another
 * `worktree add -b`, `worktree list --porcelain`, `branch -D`) reads the empty file and dies with
 * "failed to read …/commondir: Success" — before it changed anything, except that `worktree add -b`
 * has made its branch by then (createWorktree goes on with it). Parallel task starts meet that
 * window, so it is waited out: the same command runs again after these pauses.
 */
const RECORD_RETRY_MS = [20, 50, 100, 200, 400, 800];

function halfWrittenRecord(stderr: string, cwd: string): string | undefined {
  const path = /^fatal: failed to read (.+\/worktrees\/[^/\n]+\/(?:commondir|gitdir)): Success$/m.exec(stderr)?.[1];
  return path && resolve(cwd, path);
}

/** The result of `args` run in `cwd`, or the error runGit throws for it when git failed. */
export function succeeded(args: readonly string[], cwd: string, result: GitResult): GitResult {
  if (result.exitCode !== 0) {
    throw new CodexAgentError('git-failed', `git ${args.join(' ')} failed (exit ${result.exitCode}): ${result.stderr.trim() || result.stdout.trim()}`, {
      details: { args: [...args], exitCode: result.exitCode, cwd },
    });
  }
  return result;
}

function runGitOnce(args: readonly string[], options: GitOptions): Promise<GitResult> {
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
        resolve({ stdout, stderr, exitCode });
      },
    );
    if (options.input !== undefined) child.stdin?.end(options.input);
  });
}
