import { readRegistry } from '../../core/registry/file.js';
import { dependentsOf } from '../../core/registry/graph.js';
import { findTask } from '../../core/registry/task-ref.js';
import { repoNameOf } from '../../core/task.js';
import type { AgentEvent, TodoItem } from '../../core/agents/events.js';
import { openStateStore } from '../../core/store/open.js';
import type { EventRow, RunRow } from '../../core/store/types.js';
import type { Context } from '../context.js';
import { paint, printJson, renderTable, type Output } from '../output.js';
import { describeAgentEvent } from '../run-view.js';
import { STATUS_LOOK } from '../task-style.js';
import { checkLine, findingLine, readLatestVerdict, verdictWord } from '../verdict-view.js';

/** How many of the latest run's events `task show` includes. */
const LAST_EVENTS = 12;

interface RunHistory {
  runs: RunRow[];
  phase: string | null;
  todo: TodoItem[] | null;
  lastEvents: EventRow[];
  question: string | null;
}

async function runHistory(stateDb: string, repo: string, slug: string): Promise<RunHistory> {
  const store = await openStateStore(stateDb, { readonly: true });
  try {
    const runs = store.runsOf(repo, slug);
    const last = runs.at(-1);
    if (!last) return { runs, phase: null, todo: null, lastEvents: [], question: null };
    const todoEvent = store.eventsOf(last.id, { types: ['todo'] }).at(-1);
    const all = store.eventsOf(last.id);
    return {
      runs,
      phase: last.endedAt === null ? last.phase : null,
      todo: todoEvent ? (todoEvent.data as { items: TodoItem[] }).items : null,
      lastEvents: all.slice(-LAST_EVENTS),
      question: last.question,
    };
  } finally {
    store.close();
  }
}

const TODO_MARK: Record<TodoItem['status'], string> = { completed: '✓', in_progress: '▸', pending: '○' };

/** `codex-agent task show <task>` */
export async function taskShowCommand(ctx: Context, output: Output, ref: string): Promise<number> {
  const repo = ref.includes('/') ? undefined : await ctx.repo();
  const registry = await readRegistry(ctx.paths.registry);
  const task = findTask(registry, ref, repo?.root);
  const dependents = dependentsOf(registry.tasks, task.repo, task.slug).map((t) => t.slug);
  const depStatus = new Map(registry.tasks.filter((t) => t.repo === task.repo).map((t) => [t.slug, t.status]));
  const history = await runHistory(ctx.paths.stateDb, task.repo, task.slug);
  const verdict = (await readLatestVerdict(ctx.paths.stateDb, task.repo, task.slug)) ?? null;
  if (output.json) {
    printJson(output, { ...task, dependents, ...history, verdict });
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
  if (history.question && task.status === 'stuck') output.out(`\n${paint(output, 'yellow', 'Question')}: ${history.question}\n  answer: codex-agent task answer ${task.slug} "…"`);
  if (history.runs.length) {
    output.out(`\n${paint(output, 'bold', 'Runs')}${history.phase ? ` (now: ${history.phase})` : ''}`);
    output.out(
      renderTable(output, history.runs, [
        { header: 'RUN', value: (r) => String(r.id) },
        { header: 'ATTEMPT', value: (r) => String(r.attempt) },
        { header: 'PROFILE', value: (r) => `${r.profile} (${r.kind})` },
        { header: 'RESULT', value: (r) => r.result ?? r.phase },
        { header: 'STARTED', value: (r) => new Date(r.startedAt).toISOString().replace('T', ' ').slice(0, 19) },
        { header: 'TIME', value: (r) => (r.endedAt ? `${((r.endedAt - r.startedAt) / 1000).toFixed(1)} s` : '…') },
        { header: 'NOTE', value: (r) => (r.error ?? r.summary ?? '').split('\n')[0] ?? '', flexible: true },
      ]).replace(/^/gm, '  '),
    );
  }
  if (verdict) {
    output.out(`\n${paint(output, 'bold', 'Verdict')} ${paint(output, verdict.verdict === 'pass' ? 'green' : 'red', verdictWord(verdict).toUpperCase())} (run ${verdict.runId ?? '-'}, ${new Date(verdict.endedAt).toISOString().replace('T', ' ').slice(0, 19)}): ${verdict.summary}`);
    for (const check of verdict.checks) output.out(`  ${checkLine(output, check)}`);
    for (const finding of verdict.findings) output.out(`  ${findingLine(output, finding)}`);
  }
  if (history.todo?.length) {
    output.out(`\n${paint(output, 'bold', 'Agent plan')}`);
    for (const item of history.todo) output.out(`  ${TODO_MARK[item.status]} ${item.text}`);
  }
  const lines = history.lastEvents.map((e) => [e, describeAgentEvent(e.data as AgentEvent)] as const).filter(([, l]) => l);
  if (lines.length) {
    output.out(`\n${paint(output, 'bold', 'Last events')}`);
    for (const [event, line] of lines) output.out(`  ${paint(output, 'dim', new Date(event.ts).toTimeString().slice(0, 8))}  ${line}`);
  }
  return 0;
}
