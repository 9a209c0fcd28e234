/**
 * Runs a `codex-agent` command for the dashboard in its own process group with its output in a log
 * file, so it outlives the dashboard (an agent keeps working after `q`). While it runs, the log's
 * newest line is its progress; when it ends, its exit code and its last lines tell how it went.
 */
import { spawn } from 'node:child_process';
import { closeSync, mkdirSync, openSync, readSync, statSync, watch, type FSWatcher } from 'node:fs';
import { join } from 'node:path';

export interface DetachedCommand {
  /** How to start the CLI: e.g. `[process.execPath, '/…/dist/src/bin.js']`. */
  cli: readonly string[];
  /** The arguments after the CLI (`-C <repo>` is added before them). */
  args: readonly string[];
  repo: string;
  env: NodeJS.ProcessEnv;
  /** `<logsDir>/dashboard/<name>-<time>.log` */
  logsDir: string;
  name: string;
  /** The newest line of output, at most {@link PROGRESS_INTERVAL_MS} apart. */
  onProgress(line: string): void;
  /** How it ended: its exit code and the last lines of its output (see {@link outcomeLine}). */
  onExit(code: number | null, lines: string[]): void;
  onError(err: Error): void;
}

/** How often progress is read from the log: a chatty command does not redraw the screen more than this. */
const PROGRESS_INTERVAL_MS = 250;
/** How much of the log's end is read for its last lines. */
const TAIL_BYTES = 8192;
const ANSI = /\u001B\[[0-9;?]*[ -/]*[@-~]/g;

/** The non-empty lines at the end of a log file. */
function tailLines(file: string): string[] {
  let fd: number | undefined;
  try {
    const size = statSync(file).size;
    const length = Math.min(size, TAIL_BYTES);
    const buffer = Buffer.alloc(length);
    fd = openSync(file, 'r');
    readSync(fd, buffer, 0, length, size - length);
    return buffer.toString('utf8').replace(ANSI, '').split('\n').map((l) => l.trim()).filter(Boolean);
  } catch {
    return [];
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

/** The line that says how it went: the last one matching `pattern`, else the last one. */
export function outcomeLine(lines: readonly string[], pattern?: RegExp): string {
  const matching = pattern ? lines.filter((l) => pattern.test(l)) : [];
  return matching.at(-1) ?? lines.at(-1) ?? '';
}

/** Starts the command; returns the log file. */
export function runDetached(command: DetachedCommand): string {
  const dir = join(command.logsDir, 'dashboard');
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const log = join(dir, `${command.name}-${Date.now()}.log`);
  const fd = openSync(log, 'a', 0o600);
  let watcher: FSWatcher | undefined;
  let timer: NodeJS.Timeout | undefined;
  let ended = false;
  const stopWatching = () => {
    watcher?.close();
    if (timer) clearTimeout(timer);
  };
  try {
    const child = spawn(command.cli[0]!, [...command.cli.slice(1), '-C', command.repo, ...command.args], { detached: true, stdio: ['ignore', fd, fd], env: command.env, cwd: command.repo });
    child.on('error', (err) => {
      ended = true;
      stopWatching();
      command.onError(err);
    });
    child.on('exit', (code) => {
      ended = true;
      stopWatching();
      command.onExit(code, tailLines(log));
    });
    child.unref();
    try {
      watcher = watch(log, () => {
        timer ??= setTimeout(() => {
          timer = undefined;
          const line = tailLines(log).at(-1);
          if (line && !ended) command.onProgress(line);
        }, PROGRESS_INTERVAL_MS);
      });
      watcher.on('error', () => watcher?.close());
      watcher.unref();
    } catch {
      // No progress, only the outcome: the watch is a nicety.
    }
  } finally {
    closeSync(fd);
  }
  return log;
}
