import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { codexNativeLaunch } from '../agents/codex-launcher.js';
import { isGroupAlive, processStartTime, signalGroup } from './proc.js';

/** How an agent process is started. */
export interface AgentProcessOptions {
  command: string;
  args: readonly string[];
  cwd: string;
  /** The complete environment (an allow-list, never ours whole). */
  env: Record<string, string>;
  /** Text written to stdin and then closed; stdin is not even opened when absent (codex waits on an open stdin). */
  input?: string;
  /** Stops the run with `timedOut` after this long. */
  timeoutMs?: number;
  /** Time between SIGTERM and SIGKILL of the group. */
  graceMs: number;
  /** Aborting stops the run with `cancelled`. */
  signal?: AbortSignal;
  onStdoutLine?: (line: string) => void;
  onStderrLine?: (line: string) => void;
}

/** How it ended: the same shape whether it succeeded, failed, timed out, was stopped or never started. */
export interface AgentExit {
  code: number | null;
  signal: NodeJS.Signals | null;
  timedOut: boolean;
  cancelled: boolean;
  /** Set when the executable could not be started at all (ENOENT, EACCES): an infrastructure failure. */
  spawnError?: NodeJS.ErrnoException;
  /** The last lines of stderr, for error reports. */
  stderrTail: string;
  durationMs: number;
}

export interface AgentProcess {
  pid: number | undefined;
  /** The process group: the agent leads its own (`detached`), so the group id is its pid. */
  pgid: number | undefined;
  /** `/proc` start time of the leader, stored to recognise it later. */
  startTime: string | undefined;
  done: Promise<AgentExit>;
  /** SIGTERM to the whole group, SIGKILL after the grace period; resolves when it has ended. */
  stop(reason: 'timeout' | 'cancel'): Promise<AgentExit>;
}

const STDERR_TAIL_LINES = 40;

/**
 * Starts an agent in its own process group (RELIABILITY rule 8): stopping it — on timeout, abort
 * or after the leader exits — signals the whole group, so grandchildren (shells, test runners,
 * servers the agent started) never outlive it, and the pipes they hold close.
 */
export function startAgentProcess(options: AgentProcessOptions): AgentProcess {
  const started = Date.now();
  const stderrTail: string[] = [];
  let timedOut = false;
  let cancelled = false;
  let spawnError: NodeJS.ErrnoException | undefined;
  let killTimer: NodeJS.Timeout | undefined;

  // Codex installed by npm starts through a Node launcher; run the binary it would run (codex-launcher.ts).
  const native = codexNativeLaunch(options.command, options.env.PATH, options.cwd);
  const child = spawn(native?.command ?? options.command, options.args as string[], {
    cwd: options.cwd,
    env: native ? { ...options.env, ...native.env } : options.env,
    detached: true,
    stdio: [options.input === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'],
  });
  const pgid = child.pid;
  const startTime = child.pid === undefined ? undefined : processStartTime(child.pid);

  const terminateGroup = () => {
    if (pgid === undefined) return;
    if (!signalGroup(pgid, 'SIGTERM')) return;
    killTimer ??= setTimeout(() => {
      if (isGroupAlive(pgid)) signalGroup(pgid, 'SIGKILL');
    }, options.graceMs);
  };

  if (child.stdin) {
    child.stdin.on('error', () => {
      /* the agent closed stdin early: nothing to do */
    });
    child.stdin.end(options.input);
  }
  if (child.stdout) createInterface({ input: child.stdout, crlfDelay: Infinity }).on('line', (line) => options.onStdoutLine?.(line));
  if (child.stderr) {
    createInterface({ input: child.stderr, crlfDelay: Infinity }).on('line', (line) => {
      stderrTail.push(line);
      if (stderrTail.length > STDERR_TAIL_LINES) stderrTail.shift();
      options.onStderrLine?.(line);
    });
  }

  const timeout = options.timeoutMs === undefined ? undefined : setTimeout(() => {
    timedOut = true;
    terminateGroup();
  }, options.timeoutMs);
  const onAbort = () => {
    cancelled = true;
    terminateGroup();
  };
  if (options.signal?.aborted) onAbort();
  else options.signal?.addEventListener('abort', onAbort, { once: true });

  // When the leader exits, whatever it left behind in its group goes too, or `close` never comes.
  child.on('exit', () => {
    if (pgid !== undefined && isGroupAlive(pgid)) terminateGroup();
  });

  const done = new Promise<AgentExit>((resolve) => {
    const finish = (code: number | null, signal: NodeJS.Signals | null) => {
      if (timeout) clearTimeout(timeout);
      // A grandchild that closed its pipes but ignores SIGTERM still gets its SIGKILL.
      if (killTimer && (pgid === undefined || !isGroupAlive(pgid))) clearTimeout(killTimer);
      options.signal?.removeEventListener('abort', onAbort);
      resolve({ code, signal, timedOut, cancelled, spawnError, stderrTail: stderrTail.join('\n'), durationMs: Date.now() - started });
    };
    child.on('error', (err: NodeJS.ErrnoException) => {
      if (child.pid === undefined) {
        spawnError = err;
        finish(null, null);
      }
    });
    child.on('close', (code, signal) => finish(code, signal));
  });

  return {
    pid: child.pid,
    pgid,
    startTime,
    done,
    async stop(reason) {
      if (reason === 'timeout') timedOut = true;
      else cancelled = true;
      terminateGroup();
      return done;
    },
  };
}
