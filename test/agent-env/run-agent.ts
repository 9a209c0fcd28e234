/**
 * Runs an agent CLI (or any command) through an AgentRoute, with stdin closed, in its own process
 * group, and collects its output and the JSON lines it printed.
 */
import { spawn } from 'node:child_process';
import type { AgentRoute } from './loopback.js';

/** What a run printed and how it ended. */
export interface AgentRun {
  /** Process id of the started command, also its process group id. */
  pid: number | undefined;
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  /** Lines of stdout that start with `{`, parsed. */
  events: Array<Record<string, unknown>>;
  durationMs: number;
  /** True when the run was stopped for taking longer than `timeoutMs`. */
  timedOut: boolean;
}

export interface RunAgentOptions {
  command: string;
  args: readonly string[];
  cwd: string;
  env: NodeJS.ProcessEnv;
  route: AgentRoute;
  /** Stop the process group after this long (default 45 s, under vitest's 60 s test timeout): SIGTERM, then SIGKILL. */
  timeoutMs?: number;
}

const DEFAULT_TIMEOUT_MS = 45_000;
const KILL_GRACE_MS = 2_000;

/** Runs the command and resolves when it exits (never rejects for a non-zero exit). */
export function runAgent(options: RunAgentOptions): Promise<AgentRun> {
  const { command, args } = options.route.wrap(options.command, options.args);
  const started = Date.now();
  return new Promise((resolve, reject) => {
    // stdin closed: Codex waits for EOF on a piped stdin, Claude Code waits 3 s for it.
    const child = spawn(command, args, { cwd: options.cwd, env: options.env, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
    let stdout = '';
    let stderr = '';
    let timedOut = false;
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    const stopGroup = (signal: NodeJS.Signals): void => {
      try {
        if (child.pid !== undefined) process.kill(-child.pid, signal);
      } catch {
        // The group is already gone.
      }
    };
    const timer = setTimeout(() => {
      timedOut = true;
      stopGroup('SIGTERM');
      setTimeout(() => stopGroup('SIGKILL'), KILL_GRACE_MS).unref();
    }, options.timeoutMs ?? DEFAULT_TIMEOUT_MS);
    child.on('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ pid: child.pid, code, signal, stdout, stderr, events: jsonLines(stdout), durationMs: Date.now() - started, timedOut });
    });
  });
}

/** Parses the lines that look like JSON objects; other lines are skipped. */
export function jsonLines(text: string): Array<Record<string, unknown>> {
  const events: Array<Record<string, unknown>> = [];
  for (const line of text.split('\n')) {
    if (!line.startsWith('{')) continue;
    try {
      events.push(JSON.parse(line) as Record<string, unknown>);
    } catch {
      // A partial or non-JSON line: not an event.
    }
  }
  return events;
}
