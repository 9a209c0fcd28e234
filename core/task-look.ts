import type { styleText } from 'node:util';
import type { TaskStatus } from './task.js';

/** A terminal style name as `util.styleText` takes it. */
export type LookStyle = Parameters<typeof styleText>[0];

/** How each state looks on a terminal: one glyph and one colour, shared by the CLI and the dashboard. */
export const STATUS_LOOK: Record<TaskStatus, { glyph: string; style: LookStyle }> = {
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
