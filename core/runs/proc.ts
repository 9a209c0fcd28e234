import { readdirSync, readFileSync } from 'node:fs';

/**
 * A process's start time as the kernel counts it (`/proc/<pid>/stat` field 22, clock ticks since
 * boot). Stored with every pid so that a pid reused by an unrelated process is never signalled
 * (RELIABILITY rule 9, PROC-4). Undefined where /proc is not available or the process is gone.
 */
export function processStartTime(pid: number): string | undefined {
  return statFields(pid)?.[22 - 3];
}

/** Fields 3… of `/proc/<pid>/stat` (state, ppid, pgrp, …), or undefined. */
function statFields(pid: number | string): string[] | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name (field 2) is in parentheses and may itself contain spaces or ')'.
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  } catch {
    return undefined;
  }
}

/**
 * A zombie has exited and only waits to be reaped; `kill(pid, 0)` still succeeds on it, and some
 * init processes (containers, microVMs) reap slowly, so liveness checks must look at the state.
 */
function isZombie(fields: string[] | undefined): boolean {
  return fields?.[0] === 'Z' || fields?.[0] === 'X';
}

/** True when a process with this pid exists (and, when given, started at `startTime`). */
export function isProcessAlive(pid: number, startTime?: string): boolean {
  try {
    process.kill(pid, 0);
  } catch (err) {
    // EPERM: it exists but belongs to someone else.
    if ((err as NodeJS.ErrnoException).code !== 'EPERM') return false;
  }
  const fields = statFields(pid);
  if (isZombie(fields)) return false;
  if (startTime === undefined) return true;
  const now = fields?.[22 - 3];
  return now === undefined ? false : now === startTime;
}

/** True while any process of the group is alive. */
export function isGroupAlive(pgid: number): boolean {
  try {
    process.kill(-pgid, 0);
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
  // Something answers for the group; it may only be zombies.
  let pids: string[];
  try {
    pids = readdirSync('/proc').filter((name) => /^\d+$/.test(name));
  } catch {
    return true; // no /proc: trust the signal
  }
  const group = String(pgid);
  return pids.some((pid) => {
    const fields = statFields(pid);
    return fields !== undefined && fields[5 - 3] === group && !isZombie(fields);
  });
}

/** Signals a whole process group; false when the group is already gone. */
export function signalGroup(pgid: number, signal: NodeJS.Signals): boolean {
  try {
    process.kill(-pgid, signal);
    return true;
  } catch {
    return false;
  }
}

/**
 * Signals the group led by `pid` only when that pid still is the process we started (same start
 * time) — a stale record whose pid now belongs to an unrelated process is left alone (PROC-4).
 */
export function signalGroupIfSame(pid: number, pgid: number, startTime: string | undefined, signal: NodeJS.Signals): boolean {
  if (startTime === undefined || processStartTime(pid) !== startTime) return false;
  return signalGroup(pgid, signal);
}
