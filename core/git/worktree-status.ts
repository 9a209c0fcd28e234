import { execFile } from 'node:child_process';
import { lstat } from 'node:fs/promises';
import { availableParallelism } from 'node:os';
import { mapWithLimit } from '../concurrency.js';
import type { Task } from '../task.js';
import { runGit } from './run.js';
import { COMMIT_FORMAT, parseCommitLine, parseLeftRightCount, parseShortStat, parseStatusV2, type CommitInfo } from './status-parse.js';

/**
 * Live git status of task worktrees (DESIGN §7, §11). Read-only and lock-free: every call passes
 * `--no-optional-locks`, so a status never makes an agent's own git command fail on index.lock.
 */

/** What the dashboard and `codex-agent status` show for one task. */
export interface TaskGitStatus {
  /** Where the numbers come from: the worktree, the branch alone (no worktree), or nothing (neither exists). */
  source: 'worktree' | 'branch' | 'none';
  /** The worktree path from the task's record, and whether it is on disk. */
  worktree: string | null;
  worktreeExists: boolean;
  /** The branch checked out (the task's branch when there is no worktree); null when detached. */
  branch: string | null;
  detached: boolean;
  base: string;
  /** Commits on the branch not on the base, and on the base not on the branch; null when the base is missing. */
  ahead: number | null;
  behind: number | null;
  staged: number;
  unstaged: number;
  untracked: number;
  conflicted: number;
  /** Committed changes against the base (`git diff --shortstat base...HEAD`); null when the base is missing. */
  filesChanged: number | null;
  insertions: number | null;
  deletions: number | null;
  lastCommit: (CommitInfo & { ageSeconds: number }) | null;
  /** Disk use of the worktree in bytes as `du` counts it (copy-on-write blocks count in full); only on request. */
  diskBytes?: number | null;
  /** A git failure that left some fields empty. */
  error?: string;
}

export interface StatusOptions {
  /** Also measure disk use (slow: walks every file). */
  diskUsage?: boolean;
  /** Worktrees looked at in parallel (default: the number of CPUs, at least 2). */
  concurrency?: number;
  signal?: AbortSignal;
  /** The clock for `ageSeconds` (seconds since the epoch). */
  now?: number;
}

const NO_LOCKS = '--no-optional-locks';

function empty(task: Pick<Task, 'worktree' | 'branch' | 'base'>, source: TaskGitStatus['source']): TaskGitStatus {
  return {
    source,
    worktree: task.worktree,
    worktreeExists: false,
    branch: task.branch,
    detached: false,
    base: task.base,
    ahead: null,
    behind: null,
    staged: 0,
    unstaged: 0,
    untracked: 0,
    conflicted: 0,
    filesChanged: null,
    insertions: null,
    deletions: null,
    lastCommit: null,
  };
}

/** Disk use in bytes via `du -sk` (POSIX), or null when du fails. */
export function diskUsage(path: string, signal?: AbortSignal): Promise<number | null> {
  return new Promise((resolve) => {
    execFile('du', ['-sk', '--', path], { encoding: 'utf8', signal, maxBuffer: 1024 * 1024 }, (_error, stdout) => {
      const kb = /^(\d+)/.exec(stdout);
      resolve(kb ? Number(kb[1]) * 1024 : null);
    });
  });
}

/** Fills ahead/behind, the diff against the base and the last commit of `tip`, run in `cwd`. */
async function compareWithBase(status: TaskGitStatus, cwd: string, tip: string, base: string, now: number, signal?: AbortSignal): Promise<void> {
  const range = `${base}...${tip}`;
  const [counts, diff, log] = await Promise.all([
    runGit([NO_LOCKS, 'rev-list', '--left-right', '--count', '--end-of-options', range], { cwd, allowFailure: true, signal }),
    runGit([NO_LOCKS, 'diff', '--shortstat', '--end-of-options', range, '--'], { cwd, allowFailure: true, signal }),
    runGit([NO_LOCKS, 'log', '-1', COMMIT_FORMAT, '--end-of-options', tip, '--'], { cwd, allowFailure: true, signal }),
  ]);
  if (counts.exitCode === 0) {
    const { left, right } = parseLeftRightCount(counts.stdout);
    status.behind = left;
    status.ahead = right;
  }
  if (diff.exitCode === 0) {
    const stat = parseShortStat(diff.stdout);
    status.filesChanged = stat.files;
    status.insertions = stat.insertions;
    status.deletions = stat.deletions;
  }
  const commit = log.exitCode === 0 ? parseCommitLine(log.stdout) : undefined;
  status.lastCommit = commit ? { ...commit, ageSeconds: Math.max(0, now - commit.time) } : null;
  const failed = [counts, diff].find((r) => r.exitCode !== 0);
  if (failed) status.error = failed.stderr.trim().split('\n')[0] || `git exited ${failed.exitCode}`;
}

/** The status of the worktree at `path` against `base` (four git processes, run side by side). */
export async function worktreeStatus(task: Pick<Task, 'worktree' | 'branch' | 'base'> & { worktree: string }, options: StatusOptions = {}): Promise<TaskGitStatus> {
  const now = options.now ?? Math.floor(Date.now() / 1000);
  const status = empty(task, 'worktree');
  status.worktreeExists = true;
  const cwd = task.worktree;
  const [porcelain, , disk] = await Promise.all([
    runGit([NO_LOCKS, 'status', '--porcelain=v2', '--branch', '-z'], { cwd, allowFailure: true, signal: options.signal }),
    compareWithBase(status, cwd, 'HEAD', task.base, now, options.signal),
    options.diskUsage ? diskUsage(cwd, options.signal) : Promise.resolve(undefined),
  ]);
  if (porcelain.exitCode === 0) {
    const summary = parseStatusV2(porcelain.stdout);
    status.branch = summary.branch.head ?? null;
    status.detached = summary.branch.detached;
    status.staged = summary.staged;
    status.unstaged = summary.unstaged;
    status.untracked = summary.untracked;
    status.conflicted = summary.conflicted;
  } else {
    status.error = porcelain.stderr.trim().split('\n')[0] || `git status exited ${porcelain.exitCode}`;
  }
  if (disk !== undefined) status.diskBytes = disk;
  return status;
}

/** The status of a task from its branch alone (no worktree): ahead/behind, diff and last commit. */
export async function branchStatus(task: Pick<Task, 'repo' | 'worktree' | 'branch' | 'base'>, options: StatusOptions = {}): Promise<TaskGitStatus> {
  const now = options.now ?? Math.floor(Date.now() / 1000);
  const exists = await runGit(['rev-parse', '--verify', '--quiet', '--end-of-options', `refs/heads/${task.branch}`], { cwd: task.repo, allowFailure: true, signal: options.signal }).catch(() => undefined);
  if (exists?.exitCode !== 0) return empty(task, 'none');
  const status = empty(task, 'branch');
  await compareWithBase(status, task.repo, `refs/heads/${task.branch}`, task.base, now, options.signal);
  return status;
}

/** One task's status: from its worktree when it exists, else from its branch. */
export async function taskGitStatus(task: Pick<Task, 'repo' | 'worktree' | 'branch' | 'base'>, options: StatusOptions = {}): Promise<TaskGitStatus> {
  const onDisk = task.worktree ? await lstat(task.worktree).then(() => true, () => false) : false;
  if (task.worktree && onDisk) return worktreeStatus({ ...task, worktree: task.worktree }, options);
  return branchStatus(task, options);
}

/** The status of many tasks, at most `concurrency` at a time, in the order given. */
export function statusOfTasks<T extends Pick<Task, 'repo' | 'worktree' | 'branch' | 'base'>>(tasks: readonly T[], options: StatusOptions = {}): Promise<TaskGitStatus[]> {
  const limit = options.concurrency ?? Math.max(2, availableParallelism());
  return mapWithLimit(tasks, limit, (task) => taskGitStatus(task, options));
}
