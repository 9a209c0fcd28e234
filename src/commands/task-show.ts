import { readRegistry } from '../../core/registry/file.js';
import { dependentsOf } from '../../core/registry/graph.js';
import { findTask } from '../../core/registry/task-ref.js';
import { repoNameOf } from '../../core/task.js';
import type { Context } from '../context.js';
import { paint, printJson, type Output } from '../output.js';
import { STATUS_LOOK } from '../task-style.js';

/** `codex-agent task show <task>` */
export async function taskShowCommand(ctx: Context, output: Output, ref: string): Promise<number> {
  const repo = ref.includes('/') ? undefined : await ctx.repo();
  const registry = await readRegistry(ctx.paths.registry);
  const task = findTask(registry, ref, repo?.root);
  const dependents = dependentsOf(registry.tasks, task.repo, task.slug).map((t) => t.slug);
  const depStatus = new Map(registry.tasks.filter((t) => t.repo === task.repo).map((t) => [t.slug, t.status]));
  if (output.json) {
    printJson(output, { ...task, dependents });
    return 0;
  }
  const look = STATUS_LOOK[task.status];
  const rows: [string, string][] = [
    ['title', task.title],
    ['repo', `${task.repo} (${repoNameOf(task.repo)})`],
    ['state', `${task.status}${task.statusReason ? ` — ${task.statusReason}` : ''}`],
    ['branch', `${task.branch} (from ${task.base})`],
    ['worktree', task.worktree ?? '-'],
    ['deps', task.deps.map((d) => `${d} (${depStatus.get(d) ?? 'missing'})`).join(', ') || '-'],
    ['dependents', dependents.join(', ') || '-'],
    ['priority', task.priority],
    ['labels', task.labels.join(', ') || '-'],
    ['owner', task.owner ?? '-'],
    ['agent', task.agent ?? '(the worker role\'s profile)'],
    ['files', task.files.join(', ') || '-'],
    ['retries', task.retries === null ? '(config default)' : String(task.retries)],
    ['timeouts', task.timeouts ? Object.entries(task.timeouts).map(([k, v]) => `${k} ${v}`).join(', ') : '(config defaults)'],
    ['created', task.createdAt],
    ['updated', task.updatedAt],
  ];
  output.out(`${paint(output, look.style, look.glyph)} ${paint(output, 'bold', task.slug)}`);
  for (const [key, value] of rows) output.out(`  ${paint(output, 'dim', key.padEnd(10))} ${value}`);
  if (task.goalFile) output.out(`\n  goal file: ${task.goalFile}`);
  if (task.goal) output.out(`\n${task.goal.replace(/^/gm, '  ')}`);
  return 0;
}
