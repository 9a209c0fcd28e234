import { Box, Text } from 'ink';
import { useRef } from 'react';
import { cellsFor, fit, optionalColumns } from './format.js';
import { visibleRows } from './rows.js';
import { TaskRow } from './TaskRow.js';
import { useDashboard } from './useDashboard.js';

export interface TaskListProps {
  width: number;
  height: number;
  /** The clock for running tasks' elapsed time. */
  now: number;
}

/** Keeps `index` inside the window [top, top + size): moves the window as little as possible. */
export function windowTop(previousTop: number, index: number, size: number, total: number): number {
  let top = Math.min(previousTop, Math.max(0, total - size));
  if (index < top) top = index;
  if (index >= top + size) top = index - size + 1;
  return Math.max(0, top);
}

/** The task list: a column header, then as many rows as fit; the selection is always in view. */
export function TaskList({ width, height, now }: TaskListProps) {
  const tasks = useDashboard((s) => s.tasks);
  const filter = useDashboard((s) => s.filter);
  const grouping = useDashboard((s) => s.grouping);
  const selected = useDashboard((s) => s.selected);
  const focused = useDashboard((s) => s.focus === 'list');
  const top = useRef(0);
  const rows = visibleRows(tasks, filter, grouping);
  const cells = cellsFor(width - 1, optionalColumns(tasks));
  const size = Math.max(0, height - 1);
  const index = rows.findIndex((r) => r.kind === 'task' && r.view.key === selected);
  // A group header just above the selection comes into view with it.
  const want = index > 0 && rows[index - 1]?.kind === 'group' ? index - 1 : Math.max(0, index);
  top.current = windowTop(top.current, index >= 0 ? index : 0, size, rows.length);
  if (want < top.current) top.current = want;
  const shown = rows.slice(top.current, top.current + size);
  const above = top.current;
  return (
    <Box width={width} height={height} flexDirection="column" overflowY="hidden">
      <Text wrap="truncate" dimColor={!focused} bold={focused}>
        {` ${cells.map((c) => fit(c.header, c.width)).join('')}`.trimEnd()}
      </Text>
      {rows.length === 0 ? <Text dimColor>{filter ? `no task matches “${filter}” (Esc clears the filter)` : 'no tasks'}</Text> : null}
      {shown.map((row, i) =>
        row.kind === 'group' ? (
          <Text key={`group:${row.label}`} wrap="truncate" color="gray" bold>
            {`── ${row.label} (${row.count})${i === 0 && above ? ` ↑${above}` : ''}`}
          </Text>
        ) : (
          <TaskRow key={row.view.key} view={row.view} cells={cells} selected={row.view.key === selected} now={row.view.task.status === 'running' ? now : 0} />
        ),
      )}
    </Box>
  );
}
