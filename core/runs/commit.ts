import { runGit } from '../git/run.js';
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
export async function commitAgentWork(worktree: string, task: Task, profile: string, summary: string | undefined, hydrated: readonly string[]): Promise<CommitResult> {
  // Read while the changes are staged: each git start costs milliseconds.
  const identity = hasIdentity(worktree);
  identity.catch(() => undefined); // awaited below
  // A git-ignored path named in an exclude pathspec makes `git add` fail ("paths are ignored"):
  // exclude only the hydrated paths git does not already ignore.
  const ignored = hydrated.length ? (await runGit(['check-ignore', '--', ...hydrated], { cwd: worktree, allowFailure: true })).stdout.split('\n') : [];
  const exclude = hydrated.filter((path) => !ignored.includes(path)).map((path) => `:(exclude,top)${path}`);
  await runGit(['add', '--all', '--', '.', ...exclude], { cwd: worktree });
  const staged = await runGit(['diff', '--cached', '--name-only', '-z'], { cwd: worktree });
  const files = staged.stdout.split('\0').filter(Boolean);
  if (files.length === 0) return { committed: false, files };
  const args = [
    ...((await identity) ? [] : ['-c', 'user.name=codex-agent', '-c', 'user.email=codex-agent@localhost']),
    'commit',
    '--quiet',
    '--file',
    '-',
  ];
  await runGit(args, { cwd: worktree, input: commitMessage(task, profile, summary) });
  const sha = (await runGit(['rev-parse', 'HEAD'], { cwd: worktree })).stdout.trim();
  return { committed: true, sha, files };
}

async function hasIdentity(cwd: string): Promise<boolean> {
  const [name, email] = await Promise.all([runGit(['config', 'user.name'], { cwd, allowFailure: true }), runGit(['config', 'user.email'], { cwd, allowFailure: true })]);
  return name.exitCode === 0 && email.exitCode === 0;
}
