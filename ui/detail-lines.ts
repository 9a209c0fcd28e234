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
/** Findings beyond this many are counted, not listed. */
const MAX_FINDINGS_SHOWN = 8;
const SEVERITY_COLOUR: Record<string, string> = { error: 'red', warning: 'yellow' };

/** The wave, the verdict with its findings, the merge check and the radar's conflicts. */
function factLines(view: TaskView): DetailLine[] {
  const f = view.facts;
  const out: DetailLine[] = [];
  if (f.wave !== undefined) out.push({ text: `wave ${f.wave} of the plan`, dimColor: true });
  if (f.blocked) out.push({ text: `not planned: ${f.blocked}`, color: 'yellow' });
  const v = f.verdict;
  if (v) {
    out.push({ text: '' }, { text: `Verdict ${v.verdict === 'pass' ? '✓ pass' : '✗ fail'} · review ${v.review} · ${clock(v.at)}`, bold: true, color: v.verdict === 'pass' ? 'green' : 'red' });
    if (v.summary) out.push({ text: v.summary });
    for (const c of v.checks) if (c.status !== 'pass') out.push({ text: `✗ ${c.name} ${c.status}${c.required ? '' : ' (not required)'}`, color: c.required ? 'red' : 'yellow' });
    for (const finding of v.findings.slice(0, MAX_FINDINGS_SHOWN)) {
      const where = finding.file ? `${finding.file}${finding.line ? `:${finding.line}` : ''} ` : '';
      out.push({ text: `${finding.severity} ${where}${finding.message}`, ...(SEVERITY_COLOUR[finding.severity] ? { color: SEVERITY_COLOUR[finding.severity] } : { dimColor: true }) });
    }
    if (v.findings.length > MAX_FINDINGS_SHOWN) out.push({ text: `… ${v.findings.length - MAX_FINDINGS_SHOWN} more (codex-agent task show ${view.task.slug})`, dimColor: true });
  }
  const m = f.mergeCheck;
  if (m || f.conflicts?.length) out.push({ text: '' }, { text: 'Merge', bold: true });
  if (m) {
    out.push(
      m.clean
        ? { text: `✓ merges cleanly into ${view.task.base} (checked ${clock(m.at)} at ${m.commit.slice(0, 7)})`, color: 'green' }
        : { text: `✗ conflicts with ${view.task.base} in ${m.files.join(', ') || 'some files'} (checked ${clock(m.at)}) — press r to resolve`, color: 'red' },
    );
  }
  for (const c of f.conflicts ?? []) out.push({ text: `⚡ conflicts with ${c.slug} in ${c.files.join(', ') || 'some files'}`, color: 'yellow' });
  return out;
}

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
  out.push(...factLines(view));
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
