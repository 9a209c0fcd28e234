import { closeSync, fchmodSync, fsyncSync, mkdirSync, openSync, readdirSync, realpathSync, renameSync, rmSync, statSync, unlinkSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';

/** Private files: the data directory is 0700 and its files 0600 (RELIABILITY rule 13). */
export const PRIVATE_DIR_MODE = 0o700;
export const PRIVATE_FILE_MODE = 0o600;

/**
 * Replaces `path` atomically (RELIABILITY rule 2): the content goes to a new temp file beside it
 * (`<name>.<digits>`, created exclusively with `mode`), which is fsynced and renamed over the target
 * — over the file a symlink points to, when `path` is one —, then the directory is fsynced so the
 * rename itself survives a power cut. A writer killed in between leaves only its temp file, which
 * the next locked writer sweeps ({@link sweepTempFiles}).
 *
 * Synchronous: the registry is written holding its lock, which every other writer waits for, and
 * these seven calls take ≈ 0.6 ms in a row against ≈ 2.5 ms as promises (each a trip through
 * Node's thread pool). Written out here rather than with write-file-atomic, which on the way made
 * ~12 file system calls (a realpath walk, stat, chown, chmod, an unlink after the rename) and
 * installed signal handlers on first use: ≈ 5 ms of the claim before every agent start (README,
 * Performance).
 */
export function writeFileAtomically(path: string, content: string, mode = PRIVATE_FILE_MODE): void {
  mkdirSync(dirname(path), { recursive: true, mode: PRIVATE_DIR_MODE });
  const target = resolvedTarget(path);
  const { fd, temp } = openTemp(target, mode);
  try {
    try {
      writeFileSync(fd, content, 'utf8');
      fchmodSync(fd, mode); // exactly `mode`, whatever the umask
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(temp, target);
  } catch (err) {
    rmSync(temp, { force: true });
    throw err;
  }
  fsyncDirectory(dirname(target));
}

/** The file `path` names: a symlink's target (so the link stays a link), or `path` itself. */
function resolvedTarget(path: string): string {
  try {
    return realpathSync.native(path);
  } catch {
    return path;
  }
}

/** A new temp file beside `target`, made exclusively (a name already taken is never reused). */
function openTemp(target: string, mode: number): { fd: number; temp: string } {
  for (let attempt = 0; ; attempt++) {
    const temp = `${target}.${process.pid}${Math.floor(Math.random() * 1e9)}`;
    try {
      return { fd: openSync(temp, 'wx', mode), temp };
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST' || attempt >= 10) throw err;
    }
  }
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
 * Deletes temp files that a writer killed mid-write left beside `path` (or the file it links to):
 * `<name>.<digits>`, as {@link writeFileAtomically} (and write-file-atomic before it) names them.
 * Call only while holding the file's lock, when no temp file can be live.
 * Returns how many were removed.
 */
export function sweepTempFiles(path: string): number {
  const target = resolvedTarget(path);
  const dir = dirname(target);
  const pattern = new RegExp(`^${escapeRegExp(basename(target))}\\.\\d+$`);
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
