import { Box, Text } from 'ink';
import { TASK_STATUSES } from '../core/task.js';
import { STATUS_LOOK } from '../core/task-look.js';
import { colourOf } from './format.js';
import { useDashboard } from './useDashboard.js';

export interface HeaderProps {
  width: number;
  /** 1 or 2 lines. */
  height: number;
}

/** The repo (or all repos), agents running / max, and the count of tasks in each state. */
export function Header({ width, height }: HeaderProps) {
  const scope = useDashboard((s) => s.scope);
  const maxParallel = useDashboard((s) => s.maxParallel);
  const tasks = useDashboard((s) => s.tasks);
  const feedError = useDashboard((s) => s.feedError);
  const counts = new Map<string, number>();
  for (const t of tasks) counts.set(t.task.status, (counts.get(t.task.status) ?? 0) + 1);
  const running = counts.get('running') ?? 0;
  const states = TASK_STATUSES.filter((s) => counts.get(s));
  const title = (
    <Text wrap="truncate">
      <Text bold>codex-agent</Text>
      <Text> · {scope} · </Text>
      <Text color={running ? 'cyan' : undefined}>agents {running}/{maxParallel}</Text>
      <Text dimColor> · {tasks.length} task{tasks.length === 1 ? '' : 's'}</Text>
      {feedError ? <Text color="red"> · {feedError}</Text> : null}
    </Text>
  );
  const summary = (
    <Text wrap="truncate">
      {states.length === 0 ? <Text dimColor>no tasks yet — press n to add one</Text> : null}
      {states.map((s) => (
        <Text key={s} {...colourOf(s)}>
          {STATUS_LOOK[s].glyph} {counts.get(s)} {s}{'  '}
        </Text>
      ))}
    </Text>
  );
  return (
    <Box width={width} height={height} flexDirection={height > 1 ? 'column' : 'row'} overflow="hidden">
      {title}
      {height > 1 ? summary : null}
    </Box>
  );
}
