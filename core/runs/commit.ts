import { lstatSync } from 'node:fs';
import { join } from 'node:path';
import { discoverRepo, readOrEmpty } from '../git/repo.js';
import { runGit } from '../git/run.js';
import { worktreeGitDir } from '../git/worktree-list.js';
import type { Task } from '../task.js';

/** What finalising a run did on the task branch. */
export interface CommitResult {
  committed: boolean;
  /** The new commit, when one was made. */
  sha?: string;
  files: string[];
}

/** A commit subject stays readable in `git log --oneline`. */
const SUBJECT_MAX = 72;

/** The commit message: the task's title, the agent's summary, and trailers naming the task and agent. */
export function commitMessage(task: Task, profile: string, summary: string | undefined): string {
  const subject = task.title.length > SUBJECT_MAX ? `${task.title.slice(0, SUBJECT_MAX - 1)}…` : task.title;
  const body = summary?.trim() ? `\n\n${summary.trim()}` : '';
  return `${subject}${body}\n\nCodex-Agent-Task: ${task.slug}\nCodex-Agent-Profile: ${profile}\n`;
}

/**
 * Commits everything the agent changed in the worktree on the task branch (agents cannot write
 * `.git` themselves: Codex's workspace-write sandbox keeps it read-only). Hydrated paths are left
 * out even when they are not git-ignored, so a copied `.env` is never committed. Nothing is
 * committed when nothing changed. The repo's own commit hooks run: a hook that refuses the change
 * fails the commit, and the caller reports its output.
 */
export async function commitAgentWork(
  worktree: string,
  task: Task,
  profile: string,
  summary: string | undefined,
  hydrated: readonly string[],
  /** {@link hasGitIdentity}, when the caller asked it earlier (the runner does while the agent works). */
  identity: Promise<boolean> = hasGitIdentity(worktree),
): Promise<CommitResult> {
  // A hydrate path the worktree does not hold has nothing to leave out, nor to ask git about.
  const held = heldPaths(worktree, hydrated);
  // A git-ignored path named in an exclude pathspec makes `git add` fail ("paths are ignored"):
  // exclude only the hydrated paths git does not already ignore.
  const ignoring = held.length ? runGit(['check-ignore', '--', ...held], { cwd: worktree, allowFailure: true }) : undefined;
  ignoring?.catch(() => undefined); // awaited below
  identity.catch(() => undefined); // awaited below
  const ignored = ignoring ? (await ignoring).stdout.split('\n') : [];
  const exclude = held.filter((path) => !ignored.includes(path)).map((path) => `:(exclude,top)${path}`);
  const pathspec = ['--', '.', ...exclude];
  // What the commit will hold is read while git stages it (status reads the index as it was,
  // without locking it): one git start fewer in a row than asking the index once it is staged.
  const changes = runGit(['--no-optional-locks', 'status', '--porcelain=v1', '-z', '--untracked-files=all', '--no-renames', ...pathspec], { cwd: worktree });
  changes.catch(() => undefined); // awaited below
  await runGit(['add', '--all', ...pathspec], { cwd: worktree });
  const files = changedPaths((await changes).stdout);
  if (files.length === 0) return { committed: false, files };
  const args = [
    ...((await identity) ? [] : ['-c', 'user.name=codex-agent', '-c', 'user.email=codex-agent@localhost']),
    // Git's automatic upkeep (a `git maintenance run --auto` process after every commit) is left
    // to the user's own git: it should not start under ten agents at work, nor cost each run.
    '-c',
    'maintenance.auto=false',
    '-c',
    'gc.auto=0',
    'commit',
    '--quiet',
    '--file',
    '-',
  ];
  await runGit(args, { cwd: worktree, input: commitMessage(task, profile, summary) });
  return { committed: true, sha: await headCommit(worktree), files };
}

/** The paths of `git status --porcelain=v1 -z --no-renames` (`XY <path>` entries), in git's byte order. */
function changedPaths(porcelain: string): string[] {
  const paths = porcelain
    .split('\0')
    .filter((entry) => entry.length > 3)
    .map((entry) => entry.slice(3));
  return [...new Set(paths)].sort((a, b) => Buffer.compare(Buffer.from(a), Buffer.from(b)));
}

/** The hydrate paths present in the worktree; a pattern with wildcards is kept as it is. */
function heldPaths(worktree: string, hydrated: readonly string[]): string[] {
  // Synchronous lstat calls: microseconds each, where promises would each wait for the thread pool.
  return hydrated.filter((path) => /[*?[]/.test(path) || lstatSync(join(worktree, path), { throwIfNoEntry: false }) !== undefined);
}

/** Whether git has a user name and email to commit with (one git start for both). */
export async function hasGitIdentity(cwd: string): Promise<boolean> {
  const found = await runGit(['config', '--get-regexp', '^user\\.(name|email)$'], { cwd, allowFailure: true });
  const keys = new Set(found.stdout.split('\n').map((line) => line.split(' ', 1)[0]));
  return keys.has('user.name') && keys.has('user.email');
}

/**
 * The commit HEAD points at, read from the files the commit just wrote (the worktree's HEAD, then
 * the loose ref in the repo's git dir), which saves a git start; anything else (a packed ref, the
 * reftable format, git told where to look by GIT_DIR and the like) asks git. The reads are
 * synchronous: three small files, microseconds where promises wait for the thread pool.
 */
async function headCommit(worktree: string): Promise<string> {
  const gitDir = worktreeGitDir(worktree);
  const commonDir = discoverRepo(worktree)?.gitCommonDir;
  const ref = gitDir && /^ref: (refs\/heads\/\S+)$/.exec(readOrEmpty(join(gitDir, 'HEAD')).trim())?.[1];
  if (commonDir && ref) {
    const sha = readOrEmpty(join(commonDir, ref)).trim();
    if (/^([0-9a-f]{40}|[0-9a-f]{64})$/.test(sha)) return sha;
  }
  return (await runGit(['rev-parse', 'HEAD'], { cwd: worktree })).stdout.trim();
}
