/**
 * `merge rebase <task>`: the manual way — a rebase of the task branch onto its base in the task's
 * worktree, left to the user with the steps spelled out.
 */
import { CodexAgentError } from '../errors.js';
import { runGit } from '../git/run.js';
import type { Task } from '../task.js';
import { identityArgs, unmergedPaths } from './merge-state.js';

/** The commands that do the rebase by hand, for `--print` and for the message before the shell. */
export function rebaseSteps(task: Pick<Task, 'slug' | 'base' | 'worktree'>): string[] {
  return [
    `cd ${task.worktree}`,
    `git rebase ${task.base}`,
    '# on a conflict: edit the files, git add <file>, then git rebase --continue (or give up: git rebase --abort)',
    `codex-agent merge check ${task.slug}`,
  ];
}

/** Starts `git rebase <base>` in the task's worktree; returns whether it stopped at conflicts. */
export async function startRebase(task: Pick<Task, 'slug' | 'base' | 'worktree'>): Promise<{ done: boolean; conflicted: string[]; output: string }> {
  if (!task.worktree) throw new CodexAgentError('usage', `${task.slug} has no worktree.`, { hint: `Create it with: codex-agent task worktree add ${task.slug}` });
  const r = await runGit([...(await identityArgs(task.worktree)), 'rebase', '--end-of-options', task.base], { cwd: task.worktree, allowFailure: true });
  const conflicted = await unmergedPaths(task.worktree);
  if (r.exitCode !== 0 && conflicted.length === 0) {
    throw new CodexAgentError('git-failed', `git rebase ${task.base} could not start in ${task.worktree}: ${(r.stderr || r.stdout).trim()}`, { hint: 'Commit or stash local changes there first.' });
  }
  return { done: r.exitCode === 0, conflicted, output: `${r.stdout}${r.stderr}`.trim() };
}
