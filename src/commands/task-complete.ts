import { makeRedactor, secretsFromEnv } from '../../core/redact.js';
import { Registry } from '../../core/registry/registry.js';
import { findTask } from '../../core/registry/task-ref.js';
import { openStateStore } from '../../core/store/open.js';
import type { Context } from '../context.js';
import { paint, printJson, type Output } from '../output.js';

/** `codex-agent task complete <task> [--keep-worktree]` */
export async function taskCompleteCommand(ctx: Context, output: Output, ref: string, options: { keepWorktree?: boolean; json?: boolean }): Promise<number> {
  const repo = ref.includes('/') ? undefined : await ctx.repo();
  const { config } = await ctx.config();
  const registry = new Registry(ctx.paths.registry);
  const task = findTask(await registry.read(), ref, repo?.root);
  const store = await openStateStore(ctx.paths.stateDb, { redact: makeRedactor({ secrets: secretsFromEnv(ctx.env) }) });
  try {
    const { completeTask } = await import('../../core/merge/complete.js');
    const r = await completeTask({ task, registry, store, config, cwd: ctx.cwd, keepWorktree: options.keepWorktree });
    if (output.json) {
      printJson(output, r);
      return 0;
    }
    const how = r.how === 'already-merged' ? `was already in ${r.base}` : `merged into ${r.base} (${r.how}, ${r.old.slice(0, 10)} → ${r.new.slice(0, 10)})`;
    output.out(`${paint(output, 'green', '✓')} ${r.slug} ${how}; it is done.`);
    if (r.updatedCheckout) output.out(`  ${r.updatedCheckout} had ${r.base} checked out and was brought forward too.`);
    if (r.worktree) output.out(`  worktree ${r.worktree.path} removed (branch ${r.worktree.branch} kept).`);
    if (r.worktreeKept) output.out(`  worktree kept: ${r.worktreeKept}`);
    if (r.unblocked.length) output.out(`  now ready: ${r.unblocked.join(', ')}`);
    return 0;
  } finally {
    store.close();
  }
}
