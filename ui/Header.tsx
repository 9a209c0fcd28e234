import { Box, Text } from 'ink';
import { TASK_STATUSES } from '../core/task.js';
import { STATUS_LOOK } from '../core/task-look.js';
import type { WaveProgress } from '../core/dashboard/task-facts.js';
import { colourOf } from './format.js';
import { useDashboard } from './useDashboard.js';

export interface HeaderProps {
  width: number;
  /** 1 or 2 lines. */
  height: number;
}

/** The waves still to run, in a few words: "wave 1 of 3 · 2/4 running", or per repo count with several. */
export function waveText(waves: ReadonlyMap<string, WaveProgress>): string {
  const open = [...waves.values()].filter((w) => w.total > 0);
  if (open.length === 0) return 'no waves to run';
  if (open.length > 1) return `${open.reduce((n, w) => n + w.total, 0)} waves to run in ${open.length} repos`;
  const w = open[0]!;
  return `wave 1 of ${w.total}${w.current ? ` · ${w.current.running}/${w.current.size} running` : ''}`;
}

/** The repo (or all repos), waves, agents running / max, the supervisor, and the count of tasks in each state. */
export function Header({ width, height }: HeaderProps) {
  const scope = useDashboard((s) => s.scope);
  const waves = useDashboard((s) => s.waves);
  const planErrors = useDashboard((s) => s.planErrors);
  const supervisor = useDashboard((s) => s.supervisor);
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
      <Text> · {waveText(waves)}</Text>
      {supervisor?.live ? <Text color="cyan"> · supervisor up</Text> : <Text dimColor> · supervisor down</Text>}
      <Text dimColor> · {tasks.length} task{tasks.length === 1 ? '' : 's'}</Text>
      {planErrors.size ? <Text color="red"> · {[...planErrors.values()][0]}</Text> : null}
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
    <Box width={width} height={height} flexDirection={height > 1 ? 'column' : 'row'} overflowY="hidden">
      {title}
      {height > 1 ? summary : null}
    </Box>
  );
}
