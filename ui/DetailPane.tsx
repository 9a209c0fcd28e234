import { Box, Text } from 'ink';
import { detailLines } from './detail-lines.js';
import { selectedTask } from './store.js';
import { useDashboard } from './useDashboard.js';

export interface DetailPaneProps {
  width: number;
  height: number;
}

/** The selected task in full: question, worktree, plan, timeline, events — windowed to its height. */
export function DetailPane({ width, height }: DetailPaneProps) {
  const view = useDashboard(selectedTask);
  const detail = useDashboard((s) => s.detail);
  const scroll = useDashboard((s) => s.detailScroll);
  const focused = useDashboard((s) => s.focus === 'detail');
  const inner = Math.max(0, width - 2);
  const size = Math.max(0, height - 1);
  // Without the focus the pane follows the newest events; with it, everything scrolls.
  const lines = view ? detailLines(view, detail, focused ? undefined : size) : [{ text: 'no task selected', dimColor: true }];
  const top = Math.min(scroll, Math.max(0, lines.length - size));
  const shown = lines.slice(top, top + size);
  return (
    <Box width={width} height={height} flexDirection="column" overflowY="hidden" paddingLeft={1} paddingRight={1}>
      <Text wrap="truncate" bold={focused} dimColor={!focused}>
        {`${focused ? '▸ ' : ''}detail${lines.length > size ? ` ${top + 1}-${top + shown.length}/${lines.length}` : ''}`.padEnd(inner, '─')}
      </Text>
      {shown.map((line, i) => (
        <Text key={i} wrap="truncate" color={line.color} dimColor={line.dimColor} bold={line.bold}>
          {line.text || ' '}
        </Text>
      ))}
    </Box>
  );
}
