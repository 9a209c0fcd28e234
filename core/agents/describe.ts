import type { AgentEvent } from './events.js';

/** Longest text shown for one message or command in a live view. */
const LINE_MAX = 160;

/** `text` on one line, at most `max` characters (an ellipsis marks the cut). */
export function clipLine(text: string, max = LINE_MAX): string {
  const one = text.replace(/\s+/g, ' ').trim();
  return one.length > max ? `${one.slice(0, max - 1)}…` : one;
}

/**
 * One agent event as a compact line, or undefined for the ones not worth a line. Shared by
 * `task run`'s live view, `task log`, `task show` and the dashboard.
 */
export function describeAgentEvent(event: AgentEvent): string | undefined {
  switch (event.type) {
    case 'started':
      return `agent started${event.sessionId ? ` (session ${event.sessionId})` : ''}`;
    case 'message':
      return `» ${clipLine(event.text)}`;
    case 'reasoning':
      return undefined;
    case 'command':
      return event.phase === 'started' ? undefined : `$ ${clipLine(event.command, 100)}  → exit ${event.exitCode ?? '?'}`;
    case 'file_change':
      return `✎ ${event.changes.map((c) => `${c.kind} ${c.path}`).join(', ')}`;
    case 'todo': {
      if (event.items.length === 0) return undefined; // a cleared list says nothing worth a line
      const done = event.items.filter((i) => i.status === 'completed').length;
      const current = event.items.find((i) => i.status === 'in_progress') ?? event.items.find((i) => i.status !== 'completed');
      return `☐ plan ${done}/${event.items.length}${current ? ` — ${clipLine(current.text, 80)}` : ' — all done'}`;
    }
    case 'usage':
      return undefined;
    case 'question':
      return `? ${clipLine(event.text)}`;
    case 'warning':
      return `warning: ${clipLine(event.message)}`;
    case 'finished':
      return undefined;
    case 'failed':
      return `✗ ${event.reason}: ${clipLine(event.message)}`;
    default:
      return undefined;
  }
}
