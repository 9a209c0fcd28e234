import { resolve } from 'node:path';
import { CodexAgentError } from '../../core/errors.js';
import { readRegistry } from '../../core/registry/file.js';
import { repoNameOf, TASK_STATUSES, type Task, type TaskStatus } from '../../core/task.js';
import type { Context } from '../context.js';
import { printJson, renderTable, type Column, type Output } from '../output.js';
import { STATUS_LOOK } from '../../core/task-look.js';

interface ListOptions {
  status?: string;
  label?: string;
  repo?: string;
  allRepos?: boolean;
}

function parseStatuses(text: string): Set<TaskStatus> {
  const wanted = text.split(',').map((s) => s.trim()).filter(Boolean);
  for (const s of wanted) {
    if (!(TASK_STATUSES as readonly string[]).includes(s)) {
      throw new CodexAgentError('invalid-value', `Unknown state "${s}".`, { hint: `States: ${TASK_STATUSES.join(', ')}.` });
    }
  }
  return new Set(wanted as TaskStatus[]);
}

/** `codex-agent task list`: the read path kept light (no config, no schema library). */
export async function taskListCommand(ctx: Context, output: Output, options: ListOptions): Promise<number> {
  if (options.repo && options.allRepos) throw new CodexAgentError('usage', 'Give --repo or --all-repos, not both.');
  // git finds the repo while the registry is read and parsed (it is the slowest step of a listing).
  const repoFound = options.repo || options.allRepos ? undefined : ctx.repo();
  repoFound?.catch(() => {
    /* awaited below, after the registry errors that take precedence */
  });
  const registry = await readRegistry(ctx.paths.registry);
  let tasks: Task[] = registry.tasks;
  if (options.repo) {
    const wanted = options.repo;
    const byPath = resolve(ctx.cwd, wanted);
    tasks = tasks.filter((t) => t.repo === byPath || repoNameOf(t.repo) === wanted);
    if (tasks.length === 0 && !registry.tasks.some((t) => t.repo === byPath || repoNameOf(t.repo) === wanted)) {
      const repos = [...new Set(registry.tasks.map((t) => repoNameOf(t.repo)))];
      throw new CodexAgentError('invalid-value', `No repo "${wanted}" has tasks.`, { hint: repos.length ? `Repos with tasks: ${repos.join(', ')}.` : 'The registry has no tasks yet.' });
    }
  } else if (repoFound) {
    const repo = await repoFound;
    if (!repo) {
      throw new CodexAgentError('not-a-repo', `Not inside a git repository: ${ctx.cwd}`, { hint: 'Run it inside a repo, or use --all-repos (or --repo NAME).' });
    }
    tasks = tasks.filter((t) => t.repo === repo.root);
  }
  if (options.status) {
    const statuses = parseStatuses(options.status);
    tasks = tasks.filter((t) => statuses.has(t.status));
  }
  if (options.label) tasks = tasks.filter((t) => t.labels.includes(options.label!));

  if (output.json) {
    printJson(output, tasks);
    return 0;
  }
  if (tasks.length === 0) {
    output.err(registry.tasks.length === 0 ? 'No tasks yet. Add one: codex-agent task add "<title>"' : 'No tasks match.');
    return 0;
  }
  const multiRepo = new Set(tasks.map((t) => t.repo)).size > 1 || Boolean(options.allRepos);
  const columns: Column<Task>[] = [
    ...(multiRepo ? [{ header: 'REPO', value: (t: Task) => repoNameOf(t.repo) }] : []),
    { header: 'SLUG', value: (t) => t.slug, style: () => 'bold' },
    { header: 'STATE', value: (t) => (output.tty ? `${STATUS_LOOK[t.status].glyph} ${t.status}` : t.status), style: (t) => STATUS_LOOK[t.status].style },
    { header: 'PRIORITY', value: (t) => t.priority },
    { header: 'DEPS', value: (t) => t.deps.join(',') || '-' },
    { header: 'LABELS', value: (t) => t.labels.join(',') || '-' },
    { header: 'TITLE', value: (t) => t.title, flexible: true },
  ];
  output.out(renderTable(output, tasks, columns));
  return 0;
}
