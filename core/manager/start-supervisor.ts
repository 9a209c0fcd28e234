import { spawn } from 'node:child_process';
import { closeSync, mkdirSync, openSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { PRIVATE_DIR_MODE, PRIVATE_FILE_MODE } from '../atomic-file.js';
import type { AppPaths } from '../paths.js';

/** The supervisor's log: `$XDG_STATE_HOME/codex-agents/supervisor.log`. */
export function supervisorLogFile(paths: AppPaths): string {
  return join(paths.stateDir, 'supervisor.log');
}

/**
 * Starts `node <bin> manager supervise` as a detached background process — its own session and
 * process group, stdin closed, output appended to the log file, not waited for — so that it
 * outlives the command, the dashboard and the terminal. Returns its pid.
 */
export function startSupervisorProcess(options: { binPath: string; paths: AppPaths; env: NodeJS.ProcessEnv; cwd: string }): number {
  const logFile = supervisorLogFile(options.paths);
  mkdirSync(dirname(logFile), { recursive: true, mode: PRIVATE_DIR_MODE });
  const fd = openSync(logFile, 'a', PRIVATE_FILE_MODE);
  try {
    const child = spawn(process.execPath, [options.binPath, 'manager', 'supervise'], {
      cwd: options.cwd,
      env: options.env,
      detached: true,
      stdio: ['ignore', fd, fd],
    });
    child.unref();
    return child.pid ?? 0;
  } finally {
    closeSync(fd);
  }
}
