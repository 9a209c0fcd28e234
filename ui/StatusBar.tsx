import { Text } from 'ink';
import type { Tone } from './store.js';
import { useDashboard } from './useDashboard.js';

const TONE_COLOUR: Record<Tone, string | undefined> = { info: undefined, busy: 'cyan', ok: 'green', bad: 'red', warn: 'yellow' };

/** The status line: the latest notice or action outcome, else the filter in effect. */
export function StatusBar() {
  const status = useDashboard((s) => s.status);
  const filter = useDashboard((s) => s.filter);
  if (status) {
    return <Text wrap="truncate" color={TONE_COLOUR[status.tone]}>{status.text}</Text>;
  }
  return <Text wrap="truncate" dimColor>{filter ? `filter: ${filter} (/ to change, Esc in the filter to clear)` : ' '}</Text>;
}
