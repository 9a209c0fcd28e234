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
  if (result.proposedChecks.length) {
    output.out('\nValidation checks found in this repo, written active as [[validate.checks]] (edit or delete them in the config):');
    for (const check of result.proposedChecks) output.out(`  ${check.name.padEnd(10)} ${check.run.join(' ')}  ${paint(output, 'dim', `(${check.source})`)}`);
  }
  output.out('\nNext: add a task, e.g.  codex-agent task add "Add dark mode" --goal "…"');
  return 0;
}
