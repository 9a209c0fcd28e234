import { clipLine as clip, describeAgentEvent } from '../core/agents/describe.js';
import type { RunnerEvent } from '../core/runs/runner-events.js';
import { paint, type Output } from './output.js';
import { STATUS_LOOK } from './task-style.js';

export { describeAgentEvent };

function time(): string {
  return new Date().toTimeString().slice(0, 8);
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
