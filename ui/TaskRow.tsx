import { Text } from 'ink';
import { memo } from 'react';
import { styleText } from 'node:util';
import type { TaskView } from '../core/dashboard/task-view.js';
import { STATUS_LOOK } from '../core/task-look.js';
import { fit, type Cell } from './format.js';

export interface TaskRowProps {
  view: TaskView;
  cells: Cell[];
  selected: boolean;
  /** The clock for elapsed times; 0 for rows whose time does not run. */
  now: number;
}

/**
 * One task as one line of text, styled inline: one Ink node per row instead of one per cell keeps
 * a 200-task frame cheap to lay out. Memoized, so only the rows whose task changed re-render.
 */
export const TaskRow = memo(function TaskRow({ view, cells, selected, now }: TaskRowProps) {
  const style = STATUS_LOOK[view.task.status].style;
  const parts = cells.map((cell) => fit(cell.value(view, now), cell.width));
  // Trailing blanks cost Ink as much as text (it measures every character): leave them out.
  let last = parts.length - 1;
  while (last >= 0 && parts[last]!.trim() === '') last--;
  if (last >= 0) parts[last] = parts[last]!.trimEnd();
  let line = selected ? '›' : ' ';
  for (let i = 0; i <= last; i++) {
    const id = cells[i]!.id;
    const text = parts[i]!;
    if (id === 'glyph' || id === 'state') line += styleText(style, text);
    else if (id === 'slug') line += styleText('bold', text);
    else if (id === 'event' && !selected) line += styleText('dim', text);
    else if (id === 'conflict' && text.trim()) line += styleText('yellow', text);
    else if (id === 'verdict' && text.trim()) line += styleText(view.facts.verdict?.verdict === 'pass' ? 'green' : 'red', text);
    else line += text;
  }
  return (
    <Text wrap="truncate" inverse={selected}>
      {line}
    </Text>
  );
});
