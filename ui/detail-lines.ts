/**
 * The detail pane's content as lines (so the pane can window and scroll it): the question when
 * stuck, the worktree, the agent's todo list, the state timeline with times, the event tail.
 */
import type { TaskDetail, TaskView } from '../core/dashboard/task-view.js';
import { STATUS_LOOK } from '../core/task-look.js';
import { clock, colourOf } from './format.js';

export interface DetailLine {
  text: string;
  color?: string;
  dimColor?: boolean;
  bold?: boolean;
}

const TODO_MARK = { completed: '✓', in_progress: '▸', pending: '·' } as const;

/**
 * The lines of the detail pane for `view` (the timeline only when `detail` is about it). With
 * `fit`, the oldest events give way first so that the newest stay in view within `fit` lines.
 */
export function detailLines(view: TaskView, detail: TaskDetail | null, fit?: number): DetailLine[] {
  const t = view.task;
  const look = STATUS_LOOK[t.status];
  const out: DetailLine[] = [
    { text: `${t.slug} — ${t.title}`, bold: true },
    { text: `${look.glyph} ${t.status}${view.run?.phase && t.status === 'running' ? ` · ${view.run.phase}` : ''}${t.statusReason ? ` (${t.statusReason})` : ''}`, ...colourOf(t.status) },
  ];
  if (t.status === 'stuck') {
    const question = view.run?.question ?? view.run?.error ?? t.statusReason;
    out.push({ text: '' }, { text: `Question: ${question ?? '(none recorded)'}`, color: 'yellow', bold: true }, { text: 'press a to answer', dimColor: true });
  }
  if (t.status === 'failed' && view.run?.error) out.push({ text: '' }, { text: `Error: ${view.run.error}`, color: 'red' });
  const g = view.git;
  out.push({ text: '' }, { text: `branch ${t.branch} from ${t.base}`, dimColor: true });
  if (t.worktree) out.push({ text: `worktree ${t.worktree}${g && !g.worktreeExists && g.source !== 'worktree' ? ' (missing)' : ''}`, dimColor: true });
  if (g?.source === 'worktree') {
    out.push({ text: `${g.staged} staged, ${g.unstaged} modified, ${g.untracked} untracked${g.conflicted ? `, ${g.conflicted} conflicted` : ''}`, dimColor: true });
  }
  if (view.todo?.length) {
    const done = view.todo.filter((i) => i.status === 'completed').length;
    out.push({ text: '' }, { text: `Plan ${done}/${view.todo.length}`, bold: true });
    for (const item of view.todo) {
      out.push({ text: `${TODO_MARK[item.status]} ${item.text}`, ...(item.status === 'completed' ? { color: 'green' } : item.status === 'in_progress' ? { color: 'cyan', bold: true } : { dimColor: true }) });
    }
  }
  if (detail && detail.key === view.key && detail.transitions.length) {
    out.push({ text: '' }, { text: 'Timeline', bold: true });
    for (const tr of detail.transitions) {
      out.push({ text: `${clock(tr.at)} ${tr.from ?? '·'} → ${tr.to}  ${tr.reason}`, ...colourOf(tr.to) });
    }
  }
  if (view.tail.length) {
    out.push({ text: '' }, { text: `Events${view.run ? ` (run ${view.run.id}, attempt ${view.run.attempt}, ${view.run.profile})` : ''}`, bold: true });
    const room = fit === undefined ? view.tail.length : Math.max(1, fit - out.length);
    for (const e of view.tail.slice(-room)) {
      out.push({ text: `${clock(e.ts)} ${e.text}`, ...(e.tone === 'bad' ? { color: 'red' } : e.tone === 'warn' ? { color: 'yellow' } : {}) });
    }
  }
  return out;
}
