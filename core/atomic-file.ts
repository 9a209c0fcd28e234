import { closeSync, fsyncSync, mkdirSync, openSync, readdirSync, statSync, unlinkSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';

/** Private files: the data directory is 0700 and its files 0600 (RELIABILITY rule 13). */
export const PRIVATE_DIR_MODE = 0o700;
export const PRIVATE_FILE_MODE = 0o600;

/**
 * Replaces `path` atomically (RELIABILITY rule 2): a unique temp file in the same directory is
 * written and fsynced, renamed over the target, then the directory is fsynced so the rename itself
 * survives a power cut — the step write-file-atomic leaves out.
 */
export async function writeFileAtomically(path: string, content: string, mode = PRIVATE_FILE_MODE): Promise<void> {
  mkdirSync(dirname(path), { recursive: true, mode: PRIVATE_DIR_MODE });
  // Loaded on first use (~15 ms): state.db and the lock import this module only for its modes.
  const { default: writeFileAtomic } = await import('write-file-atomic');
  await writeFileAtomic(path, content, { fsync: true, mode });
  fsyncDirectory(dirname(path));
}

export function fsyncDirectory(dir: string): void {
  const fd = openSync(dir, 'r');
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

/**
 * Deletes temp files that a writer killed mid-write left beside `path` (`<name>.<digits>`, the
 * write-file-atomic naming). Call only while holding the file's lock, when no temp file can be live.
 * Returns how many were removed.
 */
export function sweepTempFiles(path: string): number {
  const dir = dirname(path);
  const pattern = new RegExp(`^${escapeRegExp(basename(path))}\\.\\d+$`);
  let removed = 0;
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return 0;
  }
  for (const name of names) {
    if (!pattern.test(name)) continue;
    try {
      if (statSync(join(dir, name)).isFile()) {
        unlinkSync(join(dir, name));
        removed++;
      }
    } catch {
      /* already gone */
    }
  }
  return removed;
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
