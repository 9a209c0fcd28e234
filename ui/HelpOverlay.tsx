import { Box, Text, useInput } from 'ink';
import { useState } from 'react';
import { fit } from './format.js';
import { KEYBINDINGS, keyName } from './keybindings.js';
import { useDashboardStore } from './useDashboard.js';

export interface HelpOverlayProps {
  width: number;
  height: number;
}

const KEY_WIDTH = Math.max(...KEYBINDINGS.map((b) => b.label.length)) + 2;
const LINES = KEYBINDINGS.map((b) => [fit(b.label, KEY_WIDTH), b.description] as const);

/**
 * Every key and what it does, generated from the keybinding table; `?`, Esc or q closes it. When the
 * terminal is too short for all of them, ↑/↓ (k/j, PgUp/PgDn, Home/End) scroll.
 */
export function HelpOverlay({ width, height }: HelpOverlayProps) {
  const store = useDashboardStore();
  const size = Math.max(0, height - 1);
  const last = Math.max(0, LINES.length - size);
  const [top, setTop] = useState(0);
  const from = Math.min(top, last);
  useInput((input, key) => {
    const name = keyName(input, key);
    if (name === '?' || name === 'esc' || name === 'q') store.setState({ mode: { kind: 'list' } });
    const step = name === 'up' || name === 'k' ? -1 : name === 'down' || name === 'j' ? 1 : name === 'pageup' ? -size : name === 'pagedown' ? size : name === 'home' ? -last : name === 'end' || name === 'G' ? last : 0;
    if (step) setTop(Math.max(0, Math.min(last, from + step)));
  });
  const title = last > 0 ? `Keys ${from + 1}–${from + size} of ${LINES.length} (↑/↓ for more)` : 'Keys';
  return (
    <Box width={width} height={height} flexDirection="column" overflow="hidden" paddingLeft={1}>
      <Text bold wrap="truncate">{title}</Text>
      {LINES.slice(from, from + size).map(([keys, description]) => (
        <Text key={keys} wrap="truncate">
          <Text bold color="cyan">{keys}</Text>
          {description}
        </Text>
      ))}
    </Box>
  );
}
