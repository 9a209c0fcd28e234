import { Registry } from '../../core/registry/registry.js';
import { editTask, type TaskChanges } from '../../core/registry/task-ops.js';
import { CodexAgentError } from '../../core/errors.js';
import type { Context } from '../context.js';
import { printJson, type Output } from '../output.js';
import { asPriority, parseRetries, parseTimeouts, repoRelativeGoalFile, splitList, type TaskFieldOptions } from './task-fields.js';

interface EditOptions extends TaskFieldOptions {
  title?: string;
  addDep?: string[];
  removeDep?: string[];
}

/** `codex-agent task edit <task> …` */
export async function taskEditCommand(ctx: Context, output: Output, ref: string, options: EditOptions): Promise<number> {
  const repo = await ctx.repo();
  const { config } = await ctx.config();
  const changes: TaskChanges = {
    title: options.title,
    slug: options.slug,
    goal: options.goal,
    goalFile: options.goalFile === undefined ? undefined : repo ? repoRelativeGoalFile(options.goalFile, ctx.cwd, repo.root) : undefined,
    deps: options.deps === undefined ? undefined : splitList(options.deps),
    addDeps: options.addDep?.flatMap(splitList),
    removeDeps: options.removeDep?.flatMap(splitList),
    priority: asPriority(options.priority),
    labels: options.labels === undefined ? undefined : splitList(options.labels),
    owner: options.owner === undefined ? undefined : options.owner || null,
    agent: options.agent === undefined ? undefined : options.agent || null,
    base: options.base,
    files: options.files?.flatMap(splitList),
    retries: parseRetries(options.retries),
    timeouts: parseTimeouts(options),
    knownAgents: Object.keys(config.agents),
    branchPattern: config.tasks.branch_pattern,
  };
  if (options.goalFile !== undefined && !repo) {
    throw new CodexAgentError('not-a-repo', '--goal-file needs to run inside the task\'s repo.');
  }
  const given = Object.entries(changes).filter(([k, v]) => v !== undefined && k !== 'knownAgents' && k !== 'branchPattern');
  if (given.length === 0) {
    throw new CodexAgentError('usage', 'Nothing to change.', { hint: 'Give at least one option, e.g. --title, --goal, --deps, --add-dep. See `codex-agent task edit --help`.' });
  }
  const registry = new Registry(ctx.paths.registry);
  const task = await registry.update((r) => editTask(r, ref, repo?.root, changes, new Date().toISOString()));
  const saved = (await registry.read()).tasks.find((t) => t.repo === task.repo && t.slug === task.slug) ?? task;
  if (output.json) printJson(output, saved);
  else output.out(`Updated ${saved.slug} (${saved.status}): ${given.map(([k]) => k).join(', ')}.`);
  return 0;
}
