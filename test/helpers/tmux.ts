import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** Why tmux tests cannot run here, or undefined when tmux is installed. */
export const TMUX_MISSING: string | undefined = (() => {
  try {
    execFileSync('tmux', ['-V'], { stdio: 'ignore' });
    return undefined;
  } catch {
    return 'skipped: tmux is not installed';
  }
})();

/** A real terminal: a tmux server on a private socket with one pane of a fixed size. */
export interface Pane {
  /** The visible screen, one line per row. */
  screen(): string;
  /** The scrollback and the screen. */
  history(): string;
  /** Whether the pane is on the alternate screen (a full-screen program owns it). */
  alternate(): boolean;
  /** The pid of the pane's first process (the script). */
  panePid(): string;
  keys(...keys: string[]): void;
  /** Types `line` literally and presses Enter. */
  type(line: string): void;
  /** Resizes the pane (its window). */
  resize(columns: number, rows: number): void;
  /** Closes the pane's session as a closed terminal window does: its programs are hung up on. */
  hangUp(): void;
  /** Polls `where` until `check` holds; fails with the last capture. */
  waitFor(check: (text: string) => boolean, what: string, options?: { ms?: number; where?: 'screen' | 'history' }): Promise<string>;
  kill(): void;
}

/**
 * Starts `script` (a sh script written to `dir`) in a `columns`×`rows` pane. `env` is the whole
 * environment of the tmux server, so of the script.
 */
export function openPane(dir: string, script: string, size: { columns: number; rows: number }, env: NodeJS.ProcessEnv): Pane {
  const socket = `codex-agent-test-${process.pid}-${Math.random().toString(36).slice(2, 8)}`;
  const tmux = (...args: string[]) => execFileSync('tmux', ['-L', socket, '-f', '/dev/null', ...args], { encoding: 'utf8', env: { ...env, TERM: 'xterm-256color' } });
  const file = join(dir, `pane-${socket}.sh`);
  writeFileSync(file, script);
  tmux('new-session', '-d', '-s', 'p', '-x', String(size.columns), '-y', String(size.rows), 'sh', file);
  const pane: Pane = {
    screen: () => tmux('capture-pane', '-p', '-t', 'p'),
    history: () => tmux('capture-pane', '-p', '-J', '-S', '-', '-t', 'p'),
    alternate: () => tmux('display-message', '-p', '-t', 'p', '#{alternate_on}').trim() === '1',
    panePid: () => tmux('display-message', '-p', '-t', 'p', '#{pane_pid}').trim(),
    keys: (...keys) => void tmux('send-keys', '-t', 'p', ...keys),
    resize: (columns, rows) => void tmux('resize-window', '-t', 'p', '-x', String(columns), '-y', String(rows)),
    hangUp: () => void tmux('kill-session', '-t', 'p'),
    type(line) {
      tmux('send-keys', '-t', 'p', '-l', line);
      tmux('send-keys', '-t', 'p', 'Enter');
    },
    async waitFor(check, what, { ms = 20_000, where = 'screen' } = {}) {
      const end = Date.now() + ms;
      let last = '';
      while (Date.now() < end) {
        last = where === 'screen' ? pane.screen() : pane.history();
        if (check(last)) return last;
        await new Promise((r) => setTimeout(r, 50));
      }
      throw new Error(`timed out waiting for ${what}; the ${where}:\n${last}`);
    },
    kill() {
      try {
        tmux('kill-server');
      } catch {
        // already gone
      }
    },
  };
  return pane;
}

/** A sh single-quoted word. */
export const shq = (text: string) => `'${text.replaceAll("'", "'\\''")}'`;
