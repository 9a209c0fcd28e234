import { Text } from 'ink';
import { footerBindings } from './keybindings.js';
import { selectedTask } from './store.js';
import { useDashboard } from './useDashboard.js';

/** The keys that act now on the selected task, from the keybinding table. */
export function Footer() {
  const mode = useDashboard((s) => s.mode.kind);
  const view = useDashboard(selectedTask);
  let parts: [string, string][];
  if (mode === 'help') parts = [['?', 'close help'], ['Esc', 'close help']];
  else if (mode === 'input') parts = [['Enter', 'submit'], ['Esc', 'cancel']];
  else parts = footerBindings(view).map((b) => [b.label, b.footer!]);
  return (
    <Text wrap="truncate">
      {parts.map(([key, label], i) => (
        <Text key={key + label}>
          {i ? '  ' : ''}
          <Text bold color="cyan">{key}</Text>
          <Text dimColor> {label}</Text>
        </Text>
      ))}
    </Text>
  );
}
