import fs, { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import lockfile from 'proper-lockfile';
import { PRIVATE_DIR_MODE } from '../atomic-file.js';
import { CodexAgentError } from '../errors.js';

/**
 * A lock is stale when its holder stopped refreshing it this long ago (the holder refreshes it
 * every half of this). proper-lockfile's minimum is 2 s; a holder keeps the lock for milliseconds.
 */
export const LOCK_STALE_MS = 5_000;

/**
 * Waiting budget: with 20 writers queued and each holding the lock ~10–50 ms, the worst wait is
 * about 1 s; a dead holder frees its lock after LOCK_STALE_MS. 600 tries of ≤ 100 ms cover both
 * with room to spare (RELIABILITY rule 3: proper-lockfile's default is 0 retries).
 */
const RETRIES = { retries: 600, minTimeout: 5, maxTimeout: 100, factor: 1.5, randomize: true };

/** Lock directories this process holds: removing one of them is a release, not a takeover. */
const heldLockDirs = new Set<string>();

function lockBusy(path: string): NodeJS.ErrnoException {
  return Object.assign(new Error('Lock file is already being held'), { code: 'ELOCKED', file: path });
}

/**
 * Removes a stale lock directory for proper-lockfile, one process at a time. proper-lockfile takes a
 * stale lock over by stat → rmdir → mkdir; two waiters that both saw it stale interleave so that the
 * second removes the lock the first has just made, and both go on as holders
 * (moxystudio/node-proper-lockfile#121: of 12 processes racing for a SIGKILLed holder's lock, up to
 * 10 got in while another held it). Here a takeover first makes `<lock>.takeover` and checks the
 * staleness again inside it.
 * The guard lives for one stat and one rmdir; one left by a process killed in between is itself
 * removed once stale, and that waiter retries.
 */
function removeLockDir(path: string, callback: (err?: NodeJS.ErrnoException | null) => void): void {
  if (heldLockDirs.has(path)) {
    fs.rmdir(path, callback);
    return;
  }
  const guard = `${path}.takeover`;
  fs.mkdir(guard, (guardErr) => {
    if (guardErr) {
      if (guardErr.code !== 'EEXIST') return callback(guardErr);
      fs.stat(guard, (statErr, stat) => {
        if (!statErr && stat.mtimeMs < Date.now() - LOCK_STALE_MS) fs.rmdir(guard, () => callback(lockBusy(path)));
        else callback(lockBusy(path));
      });
      return;
    }
    const done = (err: NodeJS.ErrnoException | null) => fs.rmdir(guard, () => callback(err));
    fs.stat(path, (statErr, stat) => {
      if (statErr) return done(statErr.code === 'ENOENT' ? null : statErr);
      if (stat.mtimeMs >= Date.now() - LOCK_STALE_MS) return done(lockBusy(path)); // taken meanwhile
      fs.rmdir(path, (err) => done(err && err.code !== 'ENOENT' ? err : null));
    });
  });
}

/** The file system proper-lockfile works through: node's, with the takeover above. */
const LOCK_FS = { ...fs, rmdir: removeLockDir };

/** A held lock: `compromised` turns true if another process took it over (we were too slow). */
export interface HeldLock {
  readonly compromised: boolean;
  assertHeld(): void;
}

export interface LockOptions {
  /** Off only for the test that proves the lock is needed (RELIABILITY JSON-1). */
  enabled?: boolean;
}

/** Runs `fn` while holding the lock `<file>.lock`, waiting for it if needed. */
export async function withFileLock<T>(file: string, fn: (lock: HeldLock) => Promise<T>, options: LockOptions = {}): Promise<T> {
  const state = { compromised: false, error: undefined as Error | undefined };
  const held: HeldLock = {
    get compromised() {
      return state.compromised;
    },
    assertHeld() {
      if (state.compromised) {
        throw new CodexAgentError('registry-lock-compromised', `Lost the lock on ${file} (${state.error?.message ?? 'taken over'}); nothing was written.`, {
          hint: 'Another process took the lock over because this one was too slow. Run the command again.',
        });
      }
    },
  };
  if (options.enabled === false) return fn(held);

  mkdirSync(dirname(file), { recursive: true, mode: PRIVATE_DIR_MODE });
  const lockPath = `${file}.lock`;
  let release: () => Promise<void>;
  try {
    release = await lockfile.lock(file, {
      realpath: false,
      lockfilePath: lockPath,
      fs: LOCK_FS,
      stale: LOCK_STALE_MS,
      retries: RETRIES,
      onCompromised: (err) => {
        // The default throws from a timer and kills the process; record it and refuse to write.
        state.compromised = true;
        state.error = err;
      },
    });
  } catch (err) {
    throw new CodexAgentError('registry-locked', `Could not lock ${file}: ${(err as Error).message}`, {
      hint: `Another codex-agent process holds it. If none is running, remove ${file}.lock.`,
      cause: err,
    });
  }
  heldLockDirs.add(lockPath);
  try {
    return await fn(held);
  } finally {
    await release().catch(() => {
      /* a compromised lock may already be gone */
    });
    heldLockDirs.delete(lockPath);
  }
}
