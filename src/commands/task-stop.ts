import { parseDuration } from '../../core/duration.js';
import { makeRedactor, secretsFromEnv } from '../../core/redact.js';
import { Registry } from '../../core/registry/registry.js';
import { stopTask } from '../../core/runs/stop.js';
import { openStateStore } from '../../core/store/open.js';
import type { Context } from '../context.js';
import { printJson, type Output } from '../output.js';

/** `codex-agent task stop <task>` */
export async function taskStopCommand(ctx: Context, output: Output, ref: string): Promise<number> {
  const repo = ref.includes('/') ? undefined : await ctx.repo();
  const { config } = await ctx.config();
  const store = await openStateStore(ctx.paths.stateDb, { redact: makeRedactor({ secrets: secretsFromEnv(ctx.env) }) });
  try {
    const result = await stopTask(new Registry(ctx.paths.registry), store, ref, repo?.root, parseDuration(config.timeouts.grace) ?? 5000);
    if (output.json) printJson(output, result);
    else {
      output.out(`Stopped ${result.task.slug}: it is cancelled.`);
      if (result.stoppedGroups.length) output.out(`Stopped its agent (process group ${result.stoppedGroups.join(', ')}).`);
      if (result.task.worktree) output.out(`Its worktree keeps whatever the agent changed: ${result.task.worktree}`);
      output.out(`Run it again with: codex-agent task run ${result.task.slug}`);
    }
    return 0;
  } finally {
    store.close();
  }
}
