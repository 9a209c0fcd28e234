import { repoNameOf, type Task } from '../../core/task.js';
import type { Context } from '../context.js';
import { printJson, renderTable, type Column, type Output } from '../output.js';
import { STATUS_LOOK } from '../../core/task-look.js';
import { selectTasks, type ListOptions } from './task-select.js';

/** `codex-agent task list`: the read path kept light (no config, no schema library). */
export async function taskListCommand(ctx: Context, output: Output, options: ListOptions): Promise<number> {
  const { tasks, total } = await selectTasks({ cwd: ctx.cwd, registryFile: ctx.paths.registry, repo: ctx.repo }, options);
  if (output.json) {
    printJson(output, tasks);
    return 0;
  }
  if (tasks.length === 0) {
    output.err(total === 0 ? 'No tasks yet. Add one: codex-agent task add "<title>"' : 'No tasks match.');
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
