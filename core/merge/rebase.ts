/**
 * `merge rebase <task>`: the manual way — a rebase of the task branch onto its base in the task's
 * worktree, left to the user with the steps spelled out, and what it came to once they are back.
 */
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { CodexAgentError } from '../errors.js';
import { runGit } from '../git/run.js';
import type { Task } from '../task.js';
import { isAncestor } from './base-ref.js';
import { identityArgs, mergeInProgress, unmergedPaths } from './merge-state.js';

type RebaseTask = Pick<Task, 'slug' | 'base' | 'branch' | 'worktree'>;

/** The commands that do the rebase by hand, for `--print`. */
export function rebaseSteps(task: Pick<Task, 'slug' | 'base' | 'worktree'>): string[] {
  return [
    `cd ${task.worktree}`,
    `git rebase ${task.base}`,
    '# on a conflict: edit the files, git add <file>, then git rebase --continue (or give up: git rebase --abort)',
    `codex-agent merge check ${task.slug}`,
  ];
}

/** How `startRebase` left the worktree. */
export interface RebaseStart {
  /** `rebased`: done without conflicts; `up-to-date`: the branch already contains its base;
   *  `conflicts`: stopped at conflicts; `in-progress`: a rebase was already under way there. */
  outcome: 'rebased' | 'up-to-date' | 'conflicts' | 'in-progress';
  /** The branch's head before the rebase (for `in-progress`: before the rebase under way). */
  before: string;
  conflicted: string[];
  output: string;
}

/** How the worktree is after the user's shell exited. */
export interface RebaseEnd {
  /** `in-progress`: the rebase is not finished; `rebased`: the branch contains its base now;
   *  `unchanged`: HEAD is what it was before (aborted); `behind`: moved but still lacks the base. */
  outcome: 'in-progress' | 'rebased' | 'unchanged' | 'behind';
  head: string;
  conflicted: string[];
}

/** The directory git keeps while a rebase is under way in `cwd` (`rebase-merge/` or `rebase-apply/`), if any. */
async function rebaseDir(cwd: string): Promise<string | undefined> {
  for (const dir of ['rebase-merge', 'rebase-apply']) {
    const path = (await runGit(['rev-parse', '--path-format=absolute', '--git-path', dir], { cwd })).stdout.trim();
    if (existsSync(path)) return path;
  }
  return undefined;
}

/** Whether a rebase is under way in `cwd`. */
export async function rebaseInProgress(cwd: string): Promise<boolean> {
  return (await rebaseDir(cwd)) !== undefined;
}

async function head(cwd: string): Promise<string> {
  return (await runGit(['rev-parse', 'HEAD'], { cwd })).stdout.trim();
}

function worktreeOf(task: RebaseTask): string {
  if (!task.worktree) throw new CodexAgentError('usage', `${task.slug} has no worktree.`, { hint: `Create it with: codex-agent task worktree add ${task.slug}` });
  return task.worktree;
}

/** Starts `git rebase <base>` in the task's worktree, or finds the one already under way there. */
export async function startRebase(task: RebaseTask): Promise<RebaseStart> {
  const cwd = worktreeOf(task);
  const under = await rebaseDir(cwd);
  if (under) {
    // The branch's head before that rebase: what an abort goes back to.
    const orig = (await readFile(join(under, 'orig-head'), 'utf8').catch(() => '')).trim();
    return { outcome: 'in-progress', before: orig || (await head(cwd)), conflicted: await unmergedPaths(cwd), output: '' };
  }
  if (await mergeInProgress(cwd)) {
    throw new CodexAgentError('usage', `A merge is in progress in ${cwd}, so a rebase cannot start there.`, {
      hint: `Finish it there (git add <files>, git commit) or drop it (git -C ${cwd} merge --abort), then run codex-agent merge rebase ${task.slug} again.`,
    });
  }
  const before = await head(cwd);
  const r = await runGit([...(await identityArgs(cwd)), 'rebase', '--end-of-options', task.base], { cwd, allowFailure: true });
  const conflicted = await unmergedPaths(cwd);
  const output = `${r.stdout}${r.stderr}`.trim();
  if (r.exitCode !== 0 && conflicted.length === 0) {
    if (await rebaseInProgress(cwd)) return { outcome: 'conflicts', before, conflicted, output };
    throw new CodexAgentError('git-failed', `git rebase ${task.base} could not start in ${cwd}: ${output}`, { hint: 'Commit or stash local changes there first.' });
  }
  if (r.exitCode !== 0) return { outcome: 'conflicts', before, conflicted, output };
  return { outcome: (await head(cwd)) === before ? 'up-to-date' : 'rebased', before, conflicted, output };
}

/** What the rebase came to once the user is back from the shell; `before` is `startRebase`'s. */
export async function endOfRebase(task: RebaseTask, before: string): Promise<RebaseEnd> {
  const cwd = worktreeOf(task);
  const now = await head(cwd);
  if (await rebaseInProgress(cwd)) return { outcome: 'in-progress', head: now, conflicted: await unmergedPaths(cwd) };
  if (await isAncestor(cwd, task.base, now)) return { outcome: 'rebased', head: now, conflicted: [] };
  return { outcome: now === before ? 'unchanged' : 'behind', head: now, conflicted: [] };
}

/** The identity a commit needs in `cwd` when git has none configured (what the rebase started with). */
export async function committerEnv(cwd: string): Promise<Record<string, string>> {
  return (await identityArgs(cwd)).length ? { GIT_COMMITTER_NAME: 'codex-agent', GIT_COMMITTER_EMAIL: 'codex-agent@localhost' } : {};
}
