import type { AgentEvent } from '../core/agents/events.js';
import type { RunnerEvent } from '../core/runs/runner-events.js';
import { paint, type Output } from './output.js';
import { STATUS_LOOK } from './task-style.js';

/** Longest text shown for one message or command in the live view. */
const LINE_MAX = 160;

function clip(text: string, max = LINE_MAX): string {
  const one = text.replace(/\s+/g, ' ').trim();
  return one.length > max ? `${one.slice(0, max - 1)}…` : one;
}

function time(): string {
  return new Date().toTimeString().slice(0, 8);
}

/** One agent event as a compact line, or undefined for the ones not worth a line. */
export function describeAgentEvent(event: AgentEvent): string | undefined {
  switch (event.type) {
    case 'started':
      return `agent started${event.sessionId ? ` (session ${event.sessionId})` : ''}`;
    case 'message':
      return `» ${clip(event.text)}`;
    case 'reasoning':
      return undefined;
    case 'command':
      return event.phase === 'started' ? undefined : `$ ${clip(event.command, 100)}  → exit ${event.exitCode ?? '?'}`;
    case 'file_change':
      return `✎ ${event.changes.map((c) => `${c.kind} ${c.path}`).join(', ')}`;
    case 'todo': {
      const done = event.items.filter((i) => i.status === 'completed').length;
      const current = event.items.find((i) => i.status === 'in_progress') ?? event.items.find((i) => i.status !== 'completed');
      return `☐ plan ${done}/${event.items.length}${current ? ` — ${clip(current.text, 80)}` : ' — all done'}`;
    }
    case 'usage':
      return undefined;
    case 'question':
      return `? ${clip(event.text)}`;
    case 'warning':
      return `warning: ${clip(event.message)}`;
    case 'finished':
      return undefined;
    case 'failed':
      return `✗ ${event.reason}: ${clip(event.message)}`;
    default:
      return undefined;
  }
}

/** The live view of `task run`: one line per thing worth knowing, or JSON lines with `--json`. */
export function makeRunPrinter(output: Output): (event: RunnerEvent) => void {
  return (event) => {
    if (output.json) {
      output.out(JSON.stringify({ at: new Date().toISOString(), ...event }));
      return;
    }
    const prefix = paint(output, 'dim', `${time()} ${event.slug}`);
    let line: string | undefined;
    switch (event.type) {
      case 'transition': {
        const look = STATUS_LOOK[event.to];
        line = `${paint(output, look.style, `${look.glyph} ${event.to}`)} (${event.reason})`;
        break;
      }
      case 'phase':
        line = paint(output, 'dim', `· ${event.phase}`);
        break;
      case 'worktree':
        line = event.message;
        break;
      case 'attempt':
        line = `attempt ${event.attempt} with ${event.profile} (${event.kind})${event.resume ? ', resuming the session' : ''}`;
        break;
      case 'agent':
        line = describeAgentEvent(event.event);
        break;
      case 'retry':
        line = paint(output, 'yellow', `retry ${event.attempt} in ${(event.delayMs / 1000).toFixed(1)} s: ${clip(event.reason, 120)}`);
        break;
      case 'fallback':
        line = paint(output, 'yellow', `${event.from} could not run (${clip(event.reason, 100)}); trying ${event.to}`);
        break;
      case 'commit':
        line = event.sha ? `committed ${event.sha.slice(0, 10)} (${event.files.length} file${event.files.length === 1 ? '' : 's'})` : 'no changes to commit';
        break;
      case 'finished':
        line = undefined;
        break;
    }
    if (line) output.err(`${prefix}  ${line}`);
  };
}
