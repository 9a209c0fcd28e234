import { spawn } from 'node:child_process';
import { CodexAgentError } from '../../core/errors.js';
import type { RebaseEnd, RebaseStart } from '../../core/merge/rebase.js';
import { Registry } from '../../core/registry/registry.js';
import { findTask } from '../../core/registry/task-ref.js';
import type { Task } from '../../core/task.js';
import type { Context } from '../context.js';
import { paint, type Output } from '../output.js';

const STEPS = '  edit the files, git add <file>, then git rebase --continue   (give up: git rebase --abort)';

function announce(output: Output, task: Task, started: RebaseStart): void {
  const wt = task.worktree!;
  const files = started.conflicted.length ? `conflicts in: ${started.conflicted.join(', ')}` : 'no conflicted file left';
  if (started.outcome === 'rebased') {
    output.out(`${paint(output, 'green', '✓')} Rebased ${task.branch} onto ${task.base} without conflicts.`);
    output.out(`A shell opens in the task's worktree, ${wt}: look at the result, run the tests; exit when done.`);
    return;
  }
  if (started.outcome === 'in-progress') output.out(`${paint(output, 'yellow', '!')} A rebase is already under way in ${wt} (${files}).`);
  else output.out(`${paint(output, 'yellow', '!')} The rebase of ${task.branch} onto ${task.base} stopped at ${files}.`);
  output.out(`A shell opens in the task's worktree, ${wt}. There:\n${STEPS}\n  exit when done.`);
}

function report(output: Output, task: Task, end: RebaseEnd): number {
  const wt = task.worktree!;
  const at = end.head.slice(0, 10);
  switch (end.outcome) {
    case 'rebased':
      output.out(`${paint(output, 'green', '✓')} ${task.branch} is rebased onto ${task.base} (HEAD ${at}). Next: codex-agent merge check ${task.slug}`);
      return 0;
    case 'in-progress':
      output.out(`${paint(output, 'yellow', '!')} The rebase in ${wt} is not finished${end.conflicted.length ? ` (conflicts in: ${end.conflicted.join(', ')})` : ''}.`);
      output.out(`Go on in a shell there: codex-agent merge rebase ${task.slug}   (or give up: git -C ${wt} rebase --abort)`);
      return 1;
    case 'unchanged':
      output.out(`The rebase was given up: ${task.branch} is as it was (HEAD ${at}) and does not contain ${task.base}.`);
      return 1;
    case 'behind':
      output.out(`${paint(output, 'yellow', '!')} ${task.branch} moved (HEAD ${at}) but does not contain ${task.base} yet. Try again: codex-agent merge rebase ${task.slug}`);
      return 1;
  }
}

/** Runs the user's shell in `cwd` and waits for it; Ctrl-C belongs to the shell meanwhile. */
function handShell(shell: string, cwd: string, env: NodeJS.ProcessEnv): Promise<Error | undefined> {
  const ignore = () => undefined;
  process.on('SIGINT', ignore);
  process.on('SIGQUIT', ignore);
  return new Promise<Error | undefined>((resolve) => {
    const child = spawn(shell, [], { cwd, env, stdio: 'inherit' });
    child.once('error', (err) => resolve(err));
    child.once('close', () => resolve(undefined));
  }).finally(() => {
    process.off('SIGINT', ignore);
    process.off('SIGQUIT', ignore);
  });
}

/**
 * `codex-agent merge rebase <task> [--print]` — exit 0 when the branch ends up containing its base,
 * 1 when the rebase is unfinished or was given up.
 */
export async function mergeRebaseCommand(ctx: Context, output: Output, ref: string, options: { print?: boolean }): Promise<number> {
  const repo = ref.includes('/') ? undefined : await ctx.repo();
  const task = findTask(await new Registry(ctx.paths.registry).read(), ref, repo?.root);
  const { committerEnv, endOfRebase, rebaseSteps, startRebase } = await import('../../core/merge/rebase.js');
  if (!task.worktree) throw new CodexAgentError('usage', `${task.slug} has no worktree.`, { hint: `Create it with: codex-agent task worktree add ${task.slug}` });
  if (options.print) {
    output.out(rebaseSteps(task).join('\n'));
    return 0;
  }
  if (!process.stdin.isTTY || !process.stdout.isTTY) {
    throw new CodexAgentError('usage', 'merge rebase hands you a shell, which needs a terminal.', { hint: `Run it in a terminal, or print the steps: codex-agent merge rebase ${task.slug} --print` });
  }
  const started = await startRebase(task);
  if (started.outcome === 'up-to-date') {
    output.out(`${task.branch} already contains ${task.base}; nothing to rebase.`);
    return 0;
  }
  announce(output, task, started);
  const shell = ctx.env.SHELL || '/bin/sh';
  const failed = await handShell(shell, task.worktree, { ...ctx.env, ...(await committerEnv(task.worktree)) });
  if (failed) output.err(`Could not start the shell ${shell} (${failed.message}); set SHELL, or finish in ${task.worktree} yourself.`);
  return report(output, task, await endOfRebase(task, started.before));
}
