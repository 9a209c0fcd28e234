import { Box, Text, useInput } from 'ink';
import { fit } from './format.js';
import { KEYBINDINGS, keyName } from './keybindings.js';
import { useDashboardStore } from './useDashboard.js';

export interface HelpOverlayProps {
  width: number;
  height: number;
}

/** Every key and what it does, generated from the keybinding table; `?`, Esc or q closes it. */
export function HelpOverlay({ width, height }: HelpOverlayProps) {
  const store = useDashboardStore();
  useInput((input, key) => {
    const name = keyName(input, key);
    if (name === '?' || name === 'esc' || name === 'q') store.setState({ mode: { kind: 'list' } });
  });
  const keyWidth = Math.max(...KEYBINDINGS.map((b) => b.label.length)) + 2;
  const lines = KEYBINDINGS.map((b) => [fit(b.label, keyWidth), b.description] as const);
  const size = Math.max(0, height - 1);
  return (
    <Box width={width} height={height} flexDirection="column" overflow="hidden" paddingLeft={1}>
      <Text bold wrap="truncate">Keys{lines.length > size ? ` (${size} of ${lines.length} — enlarge the terminal for all)` : ''}</Text>
      {lines.slice(0, size).map(([keys, description]) => (
        <Text key={keys} wrap="truncate">
          <Text bold color="cyan">{keys}</Text>
          {description}
        </Text>
      ))}
    </Box>
  );
}
