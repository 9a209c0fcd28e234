import type { styleText } from 'node:util';
import type { TaskStatus } from '../core/task.js';

type Style = Parameters<typeof styleText>[0];

/** How each state looks on a terminal: one glyph and one colour, shared with the dashboard later. */
export const STATUS_LOOK: Record<TaskStatus, { glyph: string; style: Style }> = {
  todo: { glyph: '·', style: 'dim' },
  ready: { glyph: '○', style: 'blue' },
  running: { glyph: '●', style: 'cyan' },
  review: { glyph: '◆', style: 'magenta' },
  stuck: { glyph: '!', style: 'yellow' },
  failed: { glyph: '✗', style: 'red' },
  cancelled: { glyph: '⊘', style: 'dim' },
  merged: { glyph: '⇢', style: 'green' },
  done: { glyph: '✓', style: 'green' },
};
