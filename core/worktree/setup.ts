import { spawn } from 'node:child_process';

/**
 * The `[worktree] setup` commands (e.g. `npm ci --prefer-offline`), run in a new worktree after
 * hydration. They are shell command strings written by the user in their config, so they run with
 * `sh -c` — the one place a shell is used — and nothing from a task (slug, title, branch) is ever
 * put into them (RELIABILITY rule 10).
 */

export type SetupEvent =
  | { type: 'setup-start'; command: string }
  | { type: 'setup-output'; command: string; stream: 'stdout' | 'stderr'; line: string }
  | { type: 'setup-done'; command: string; exitCode: number; ms: number };

export interface SetupCommandResult {
  command: string;
  /** The exit code; 128 + n for a command killed by signal n (as a shell reports it). */
  exitCode: number;
  ms: number;
}

export interface SetupReport {
  ok: boolean;
  commands: SetupCommandResult[];
  /** The failing command with the last lines it printed. */
  failed?: SetupCommandResult & { tail: string[] };
}

/** Lines of a failing command's output kept for its error message. */
const TAIL_LINES = 20;
/** Between SIGTERM and SIGKILL when a setup command is aborted. */
const KILL_GRACE_MS = 2_000;

const SIGNAL_NUMBERS: Partial<Record<NodeJS.Signals, number>> = { SIGHUP: 1, SIGINT: 2, SIGKILL: 9, SIGTERM: 15 };

function runOne(command: string, cwd: string, onEvent: (event: SetupEvent) => void, signal: AbortSignal | undefined): Promise<{ exitCode: number; tail: string[] }> {
  return new Promise((resolve, reject) => {
    // Its own process group, so an abort stops the whole tree (npm → node → …).
    const child = spawn('sh', ['-c', command], { cwd, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
    const tail: string[] = [];
    const kill = (sig: NodeJS.Signals) => {
      try {
        if (child.pid) process.kill(-child.pid, sig);
      } catch {
        // already gone
      }
    };
    let killTimer: NodeJS.Timeout | undefined;
    const onAbort = () => {
      kill('SIGTERM');
      killTimer = setTimeout(() => kill('SIGKILL'), KILL_GRACE_MS);
      killTimer.unref();
    };
    signal?.addEventListener('abort', onAbort, { once: true });
    for (const stream of ['stdout', 'stderr'] as const) {
      let partial = '';
      const emit = (line: string) => {
        tail.push(line);
        if (tail.length > TAIL_LINES) tail.shift();
        onEvent({ type: 'setup-output', command, stream, line });
      };
      child[stream].setEncoding('utf8');
      child[stream].on('data', (chunk: string) => {
        const lines = (partial + chunk).split(/\r?\n/);
        partial = lines.pop() ?? '';
        for (const line of lines) emit(line);
      });
      child[stream].on('end', () => {
        if (partial) emit(partial);
        partial = '';
      });
    }
    child.on('error', (err) => {
      signal?.removeEventListener('abort', onAbort);
      reject(err);
    });
    child.on('close', (code, sig) => {
      signal?.removeEventListener('abort', onAbort);
      if (killTimer) clearTimeout(killTimer);
      resolve({ exitCode: code ?? 128 + (sig ? (SIGNAL_NUMBERS[sig] ?? 0) : 0), tail });
    });
  });
}

/** Runs the setup commands in order in `cwd`, streaming their output; stops at the first failure. */
export async function runSetup(
  commands: readonly string[],
  cwd: string,
  options: { signal?: AbortSignal; onEvent?: (event: SetupEvent) => void } = {},
): Promise<SetupReport> {
  const onEvent = options.onEvent ?? (() => {});
  const report: SetupReport = { ok: true, commands: [] };
  for (const command of commands) {
    options.signal?.throwIfAborted();
    onEvent({ type: 'setup-start', command });
    const t0 = Date.now();
    const { exitCode, tail } = await runOne(command, cwd, onEvent, options.signal);
    const result = { command, exitCode, ms: Date.now() - t0 };
    report.commands.push(result);
    onEvent({ type: 'setup-done', ...result });
    if (exitCode !== 0) {
      report.ok = false;
      report.failed = { ...result, tail };
      break;
    }
  }
  return report;
}
