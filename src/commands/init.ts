import { initRepo } from '../../core/config/init.js';
import type { Context } from '../context.js';
import { paint, printJson, type Output } from '../output.js';

/** `codex-agent init` */
export async function initCommand(ctx: Context, output: Output): Promise<number> {
  const repo = await ctx.requireRepo();
  const result = await initRepo(repo.root);
  if (output.json) {
    printJson(output, result);
    return 0;
  }
  if (result.alreadyInitialized) {
    output.out(`${repo.root} is already set up for codex-agent; nothing changed.`);
    return 0;
  }
  for (const step of result.steps) {
    const mark = step.action === 'unchanged' ? paint(output, 'dim', 'kept   ') : paint(output, 'green', `${step.action.padEnd(7)}`);
    output.out(`${mark} ${step.what}  (${step.path})`);
  }
  output.out('\nNext: add a task, e.g.  codex-agent task add "Add dark mode" --goal "…"');
  return 0;
}
