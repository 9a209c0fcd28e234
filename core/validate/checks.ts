import { createWriteStream, mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import type { Redactor } from '../redact.js';
import { startAgentProcess } from '../runs/agent-process.js';
import type { CheckResult } from './verdict.js';

/** How many of a check's last output lines are kept with its result (the full output is in its log). */
export const CHECK_TAIL_LINES = 60;

export interface CheckToRun {
  name: string;
  argv: string[];
  required: boolean;
  timeoutMs: number;
}

export interface RunCheckOptions {
  cwd: string;
  /** The environment the check runs with: the user's own, as when they run it by hand. */
  env: NodeJS.ProcessEnv;
  graceMs: number;
  /** Where the full output goes. */
  logFile: string;
  redact: Redactor;
  signal?: AbortSignal;
  /** Every output line as it comes, for the live view. */
  onLine?: (line: string, stream: 'stdout' | 'stderr') => void;
}

/**
 * Runs one check command in its own process group (argv, no shell) with its timeout: the whole
 * group is killed when it runs over. Its output is streamed to `onLine`, written (redacted) to the
 * log file, and its tail kept with the result.
 */
export async function runCheck(check: CheckToRun, options: RunCheckOptions): Promise<CheckResult> {
  mkdirSync(dirname(options.logFile), { recursive: true, mode: 0o700 });
  const log = createWriteStream(options.logFile, { mode: 0o600 });
  const tail: string[] = [];
  const onLine = (stream: 'stdout' | 'stderr') => (line: string) => {
    log.write(`${options.redact(line)}\n`);
    tail.push(line);
    if (tail.length > CHECK_TAIL_LINES) tail.shift();
    options.onLine?.(line, stream);
  };
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(options.env)) if (v !== undefined) env[k] = v;
  const [command, ...args] = check.argv;
  const proc = startAgentProcess({
    command: command!,
    args,
    cwd: options.cwd,
    env,
    timeoutMs: check.timeoutMs,
    graceMs: options.graceMs,
    signal: options.signal,
    onStdoutLine: onLine('stdout'),
    onStderrLine: onLine('stderr'),
  });
  const exit = await proc.done;
  await new Promise<void>((resolve) => log.end(resolve));
  const base = { name: check.name, argv: check.argv, required: check.required, exitCode: exit.code, durationMs: exit.durationMs, tail: options.redact(tail.join('\n')), logFile: options.logFile };
  if (exit.spawnError) {
    const why = exit.spawnError.code === 'ENOENT' ? `${command} was not found (on PATH or in the worktree)` : exit.spawnError.message;
    return { ...base, status: 'error', error: `could not start: ${why}` };
  }
  if (exit.timedOut) return { ...base, status: 'timeout', error: `timed out after ${formatMs(check.timeoutMs)}; its process group was killed` };
  if (exit.cancelled) return { ...base, status: 'error', error: 'stopped' };
  if (exit.code === 0) return { ...base, status: 'pass' };
  return { ...base, status: 'fail', error: exit.code === null ? `killed by ${exit.signal}` : `exited with ${exit.code}` };
}

function formatMs(ms: number): string {
  return ms >= 60_000 ? `${(ms / 60_000).toFixed(ms % 60_000 ? 1 : 0)}m` : ms >= 1000 ? `${(ms / 1000).toFixed(ms % 1000 ? 1 : 0)}s` : `${ms}ms`;
}
