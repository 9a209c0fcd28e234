import type { WorktreeNotice } from '../core/worktree/reconcile.js';
import { paint, type Output } from './output.js';

/** Prints the reconcile notices (RELIABILITY IN-4) on stderr, one line each. */
export function printNotices(output: Output, notices: readonly WorktreeNotice[]): void {
  for (const notice of notices) output.err(paint(output, 'yellow', notice.message));
}

/** 1234567 → "1.2 MB". */
export function formatBytes(bytes: number): string {
  const units = ['B', 'kB', 'MB', 'GB', 'TB'];
  let value = bytes;
  let unit = 0;
  while (value >= 1000 && unit < units.length - 1) {
    value /= 1000;
    unit++;
  }
  return `${unit === 0 ? value : value.toFixed(value < 10 ? 1 : 0)} ${units[unit]}`;
}

/** 1234 → "1.2 s", 80 → "80 ms". */
export function formatMs(ms: number): string {
  return ms < 1000 ? `${ms} ms` : `${(ms / 1000).toFixed(1)} s`;
}

/** Seconds → "45s", "12m", "3h", "5d". */
export function formatAge(seconds: number): string {
  if (seconds < 60) return `${seconds}s`;
  if (seconds < 3600) return `${Math.floor(seconds / 60)}m`;
  if (seconds < 86400) return `${Math.floor(seconds / 3600)}h`;
  return `${Math.floor(seconds / 86400)}d`;
}
