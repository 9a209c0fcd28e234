import { CodexAgentError } from '../../core/errors.js';
import { currentBranch } from '../../core/git/repo.js';
import { Registry } from '../../core/registry/registry.js';
import { addTask } from '../../core/registry/task-ops.js';
import type { Context } from '../context.js';
import { paint, printJson, type Output } from '../output.js';
import { asPriority, parseRetries, parseTimeouts, repoRelativeGoalFile, splitList, type TaskFieldOptions } from './task-fields.js';

/** `codex-agent task add <title> …` */
export async function taskAddCommand(ctx: Context, output: Output, title: string | undefined, options: TaskFieldOptions & { interactive?: boolean; editor?: boolean }): Promise<number> {
  if (options.interactive || options.editor) {
    const { taskAddInteractiveCommand } = await import('./task-add-interactive.js');
    return taskAddInteractiveCommand(ctx, output, { editor: options.editor, json: options.json });
  }
  if (title === undefined) {
    throw new CodexAgentError('usage', 'task add needs a title.', { hint: 'codex-agent task add "Add dark mode" — or codex-agent task add -i to be asked.' });
  }
  const repo = await ctx.requireRepo();
  const { config } = await ctx.config();
  const base = options.base ?? (config.tasks.base || (await currentBranch(repo.root)) || 'main');
  const registry = new Registry(ctx.paths.registry);
  const task = await registry.update((r) =>
    addTask(
      r,
      {
        repo: repo.root,
        title,
        slug: options.slug,
        goal: options.goal,
        goalFile: options.goalFile === undefined ? undefined : repoRelativeGoalFile(options.goalFile, ctx.cwd, repo.root),
        deps: options.deps === undefined ? undefined : splitList(options.deps),
        priority: asPriority(options.priority),
        labels: options.labels === undefined ? undefined : splitList(options.labels),
        owner: options.owner,
        agent: options.agent,
        base,
        branchPattern: config.tasks.branch_pattern,
        files: options.files?.flatMap(splitList),
        retries: parseRetries(options.retries),
        timeouts: parseTimeouts(options),
        knownAgents: Object.keys(config.agents),
      },
      new Date().toISOString(),
    ),
  );
  // Re-read: readiness is derived after the mutation.
  const saved = (await registry.read()).tasks.find((t) => t.repo === task.repo && t.slug === task.slug) ?? task;
  if (output.json) {
    printJson(output, saved);
    return 0;
  }
  output.out(`Added ${paint(output, 'bold', saved.slug)} (${saved.status}${saved.deps.length ? `, after ${saved.deps.join(', ')}` : ''}) on branch ${saved.branch} from ${saved.base}.`);
  if (!saved.goal && !saved.goalFile) output.err(paint(output, 'yellow', `It has no goal yet: codex-agent task edit ${saved.slug} --goal "…" (or --goal-file).`));
  return 0;
}
