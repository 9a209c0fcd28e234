import { memo } from 'react';
import type { TaskView } from '../core/dashboard/task-view.js';
import { STATUS_LOOK } from '../core/task-look.js';
import { fit, type Cell } from './format.js';
import { Spans, type Span } from './Spans.js';

export interface TaskRowProps {
  view: TaskView;
  cells: Cell[];
  selected: boolean;
  /** The clock for elapsed times; 0 for rows whose time does not run. */
  now: number;
}

/**
 * One task as one line of text, styled inline: a few Ink nodes per row (see Spans) instead of one
 * per cell keeps a 200-task frame cheap to lay out. Memoized, so only the rows whose task changed
 * re-render.
 */
export const TaskRow = memo(function TaskRow({ view, cells, selected, now }: TaskRowProps) {
  const style = STATUS_LOOK[view.task.status].style;
  const parts = cells.map((cell) => fit(cell.value(view, now), cell.width));
  // Trailing blanks cost Ink as much as text (it measures every character): leave them out.
  let last = parts.length - 1;
  while (last >= 0 && parts[last]!.trim() === '') last--;
  if (last >= 0) parts[last] = parts[last]!.trimEnd();
  const spans: Span[] = [{ text: selected ? '›' : ' ' }];
  // A cell's style covers its text, not the blanks that pad it to its column: every styled
  // character costs Ink a comparison of style lists when it turns the frame back into text.
  const styled = (text: string, cellStyle: Span['style']) => {
    const body = text.trimEnd();
    spans.push({ text: body, style: cellStyle });
    if (body.length < text.length) spans.push({ text: text.slice(body.length) });
  };
  for (let i = 0; i <= last; i++) {
    const id = cells[i]!.id;
    const text = parts[i]!;
    if (id === 'glyph' || id === 'state') styled(text, style);
    else if (id === 'slug') styled(text, 'bold');
    else if (id === 'event' && !selected) styled(text, 'dim');
    else if (id === 'conflict' && text.trim()) styled(text, 'yellow');
    else if (id === 'verdict' && text.trim()) styled(text, view.facts.verdict?.verdict === 'pass' ? 'green' : 'red');
    else spans.push({ text });
  }
  return <Spans spans={spans} inverse={selected} />;
});
