import { Registry } from '../../core/registry/registry.js';
import { removeTask } from '../../core/registry/task-ops.js';
import type { Context } from '../context.js';
import { printJson, type Output } from '../output.js';

/** `codex-agent task remove <task> [--force]` */
export async function taskRemoveCommand(ctx: Context, output: Output, ref: string, options: { force?: boolean }): Promise<number> {
  const repo = await ctx.repo();
  const registry = new Registry(ctx.paths.registry);
  const removed = await registry.update((r) => removeTask(r, ref, repo?.root, Boolean(options.force)));
  if (output.json) {
    printJson(output, { removed: removed.task, unlinked: removed.unlinked });
    return 0;
  }
  output.out(`Removed ${removed.task.slug}.`);
  if (removed.unlinked.length) output.out(`Dropped the dependency on ${removed.task.slug} from: ${removed.unlinked.join(', ')}.`);
  if (removed.task.worktree) output.err(`Its worktree is still at ${removed.task.worktree}; it is now a plain git worktree: git worktree remove "${removed.task.worktree}" when you no longer need it.`);
  return 0;
}
