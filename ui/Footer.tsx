import { Text } from 'ink';
import { footerBindings, type KeyBinding } from './keybindings.js';
import { selectedTask } from './store.js';
import { useDashboard } from './useDashboard.js';

export interface FooterProps {
  width: number;
  /** The dashboard shows one repo (false with --all-repos). */
  repoScoped: boolean;
}

/** Between two entries. */
const GAP = 2;
/** Always shown, last, so the way to every other key and out is never cut off. */
const ALWAYS: ReadonlySet<string> = new Set(['help', 'quit']);

const widthOf = (b: KeyBinding) => [...b.label].length + 1 + [...b.footer!].length;

/**
 * The entries that fit in `width`: those on the selected task first, then the others, each kept
 * only while there is room, with help and quit always at the end.
 */
export function fitFooter(bindings: readonly KeyBinding[], width: number): KeyBinding[] {
  const always = bindings.filter((b) => ALWAYS.has(b.command));
  let room = width - always.reduce((sum, b) => sum + widthOf(b) + GAP, 0);
  const keep = new Set<KeyBinding>();
  for (const b of [...bindings.filter((x) => x.onTask), ...bindings.filter((x) => !x.onTask && !ALWAYS.has(x.command))]) {
    const need = widthOf(b) + GAP;
    if (need > room) continue;
    keep.add(b);
    room -= need;
  }
  return [...bindings.filter((b) => keep.has(b)), ...always];
}

/** The keys that act now on the selected task, from the keybinding table. */
export function Footer({ width, repoScoped }: FooterProps) {
  const mode = useDashboard((s) => s.mode.kind);
  const view = useDashboard(selectedTask);
  const tasks = useDashboard((s) => s.tasks);
  let parts: [string, string][];
  if (mode === 'help') parts = [['↑ ↓', 'scroll'], ['?', 'close help'], ['Esc', 'close help']];
  else if (mode === 'input') parts = [['Enter', 'submit'], ['Esc', 'cancel']];
  else parts = fitFooter(footerBindings(view, { repoScoped, tasks }), width).map((b) => [b.label, b.footer!]);
  return (
    <Text wrap="truncate">
      {parts.map(([key, label], i) => (
        <Text key={key + label}>
          {i ? ' '.repeat(GAP) : ''}
          <Text bold color="cyan">{key}</Text>
          <Text dimColor> {label}</Text>
        </Text>
      ))}
    </Text>
  );
}
