import { mkdirSync, rmdirSync, statSync, utimesSync } from 'node:fs';
import { dirname } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { PRIVATE_DIR_MODE } from '../atomic-file.js';
import { CodexAgentError } from '../errors.js';

/**
 * The registry's lock: the directory `<file>.lock`, made with mkdir (which only one process can
 * do), whose mtime its holder refreshes every half of LOCK_STALE_MS. A lock left unrefreshed that
 * long belongs to a dead holder and is taken over (RELIABILITY JSON-3). It is proper-lockfile's
 * protocol, held here without proper-lockfile: that package cost every writing command ≈ 9 ms
 * of start-up (it loads graceful-fs, retry and signal-exit; README, Performance), its own stale
 * takeover let two processes in at once (see {@link takeOver}), and it had to be given this
 * module's file functions anyway.
 */

/** A lock not refreshed for this long is stale: its holder is gone. A holder keeps it for milliseconds. */
export const LOCK_STALE_MS = 5_000;

/** How often a holder refreshes its lock's mtime. */
const REFRESH_MS = LOCK_STALE_MS / 2;

/**
 * Waiting budget: with 20 writers queued and each holding the lock ~10–50 ms, the worst wait is
 * about 1 s; a dead holder frees its lock after LOCK_STALE_MS. 600 tries, waiting 5 ms at first and
 * at most 100 ms (times a random 1–2, so waiters spread out), cover both with room to spare.
 */
const WAIT = { tries: 600, firstMs: 5, maxMs: 100, factor: 1.5 };

/** A held lock: `compromised` turns true if another process took it over (we were too slow). */
export interface HeldLock {
  readonly compromised: boolean;
  assertHeld(): void;
}

export interface LockOptions {
  /** Off only for the test that proves the lock is needed (RELIABILITY JSON-1). */
  enabled?: boolean;
}

/** The locks this process holds, by directory: removed if it exits while holding them. */
const held = new Map<string, Refresher>();
let exitHookInstalled = false;

function releaseAllAtExit(): void {
  for (const [path, refresher] of held) if (refresher.check()) rmdirQuietly(path);
}

function rmdirQuietly(path: string): void {
  try {
    rmdirSync(path);
  } catch {
    /* already gone */
  }
}

function errorCode(err: unknown): string | undefined {
  return (err as NodeJS.ErrnoException | null)?.code;
}

/** The mtime of `path` in ms, or undefined when it does not exist. */
function mtimeOf(path: string): number | undefined {
  try {
    return statSync(path).mtimeMs;
  } catch (err) {
    if (errorCode(err) === 'ENOENT') return undefined;
    throw err;
  }
}

function isStale(mtimeMs: number): boolean {
  return mtimeMs < Date.now() - LOCK_STALE_MS;
}

/**
 * Removes the stale lock `path`, one process at a time. Taking a stale lock over as stat → rmdir →
 * mkdir lets two waiters that both saw it stale interleave so that the second removes the lock the
 * first has just made, and both go on as holders (moxystudio/node-proper-lockfile#121: of 12
 * processes racing for a SIGKILLed holder's lock, up to 10 got in while another held it). Here a
 * takeover first makes `<lock>.takeover` and checks the staleness again inside it. The guard lives
 * for one stat and one rmdir; one left by a process killed in between is itself removed once stale.
 * Returns whether the lock is gone (try mkdir again at once) rather than busy (wait first).
 */
function takeOver(path: string): boolean {
  const guard = `${path}.takeover`;
  try {
    mkdirSync(guard);
  } catch (err) {
    if (errorCode(err) !== 'EEXIST') throw err;
    const guardTime = mtimeOf(guard);
    if (guardTime !== undefined && isStale(guardTime)) rmdirQuietly(guard);
    return false;
  }
  try {
    const lockTime = mtimeOf(path);
    if (lockTime === undefined) return true;
    if (!isStale(lockTime)) return false; // taken meanwhile
    try {
      rmdirSync(path);
    } catch (err) {
      if (errorCode(err) !== 'ENOENT') throw err;
    }
    return true;
  } finally {
    rmdirQuietly(guard);
  }
}

/** Makes the lock directory, waiting while another process holds it. Returns its mtime. */
async function acquire(path: string): Promise<number> {
  for (let attempt = 0; ; attempt++) {
    try {
      mkdirSync(path);
      const mtime = mtimeOf(path);
      if (mtime !== undefined) return mtime;
      continue; // taken over the instant it was made: a holder that froze for LOCK_STALE_MS cannot be us
    } catch (err) {
      if (errorCode(err) !== 'EEXIST') throw err;
    }
    const mtime = mtimeOf(path);
    if (mtime === undefined || (isStale(mtime) && takeOver(path))) continue;
    if (attempt >= WAIT.tries) {
      throw Object.assign(new Error('it is already being held'), { code: 'ELOCKED' });
    }
    const delay = Math.min(WAIT.maxMs, WAIT.firstMs * WAIT.factor ** attempt) * (1 + Math.random());
    await sleep(delay);
  }
}

/** Keeps a held lock fresh, and notices when another process took it over. */
class Refresher {
  compromised = false;
  reason: string | undefined;
  private timer: NodeJS.Timeout | undefined;
  private mtime: number;
  private refreshedAt = Date.now();

  constructor(
    private readonly path: string,
    mtime: number,
  ) {
    this.mtime = mtime;
    this.schedule(REFRESH_MS);
  }

  stop(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
  }

  /** Checks now, not only at the next refresh, that the lock is still this holder's. */
  check(): boolean {
    if (this.compromised) return false;
    let now: number | undefined;
    try {
      now = mtimeOf(this.path);
    } catch {
      return true; // cannot tell: the refresh decides
    }
    if (now === undefined) this.lose('its lock directory was removed');
    else if (now !== this.mtime) this.lose('another process took it over');
    return !this.compromised;
  }

  private schedule(ms: number): void {
    // Never keeps the process alive: a process that ends releases its locks as it exits.
    this.timer = setTimeout(() => this.refresh(), ms).unref();
  }

  private refresh(): void {
    try {
      const now = mtimeOf(this.path);
      if (now === undefined) return this.lose('its lock directory was removed');
      if (now !== this.mtime) return this.lose('another process took it over');
      const at = new Date();
      utimesSync(this.path, at, at);
      // Read back rather than assumed: a file system may keep whole seconds only. Nobody can take
      // the lock over between the two calls: it has just been refreshed.
      this.mtime = mtimeOf(this.path) ?? at.getTime();
      this.refreshedAt = Date.now();
      this.schedule(REFRESH_MS);
    } catch (err) {
      if (errorCode(err) === 'ENOENT') return this.lose('its lock directory was removed');
      if (Date.now() - this.refreshedAt > LOCK_STALE_MS) return this.lose(`it could not be refreshed (${(err as Error).message})`);
      this.schedule(1_000);
    }
  }

  private lose(reason: string): void {
    this.compromised = true;
    this.reason = reason;
    this.stop();
  }
}

/** What the work is given: `refresher` undefined when locking is turned off. */
function heldLock(file: string, refresher: Refresher | undefined): HeldLock {
  return {
    get compromised() {
      return refresher?.compromised ?? false;
    },
    assertHeld() {
      if (refresher && !refresher.check()) {
        throw new CodexAgentError('registry-lock-compromised', `Lost the lock on ${file} (${refresher.reason}); nothing was written.`, {
          hint: 'Another process took the lock over because this one was too slow. Run the command again.',
        });
      }
    },
  };
}

/** Runs `fn` while holding the lock `<file>.lock`, waiting for it if needed. */
export async function withFileLock<T>(file: string, fn: (lock: HeldLock) => Promise<T>, options: LockOptions = {}): Promise<T> {
  if (options.enabled === false) return fn(heldLock(file, undefined));

  const path = `${file}.lock`;
  let mtime: number;
  try {
    mkdirSync(dirname(file), { recursive: true, mode: PRIVATE_DIR_MODE });
    mtime = await acquire(path);
  } catch (err) {
    const busy = errorCode(err) === 'ELOCKED';
    throw new CodexAgentError('registry-locked', `Could not lock ${file}: ${(err as Error).message}.`, {
      hint: busy ? `Another codex-agent process holds it. If none is running, remove ${path}.` : `Check that ${dirname(file)} is writable.`,
      cause: err,
    });
  }
  if (!exitHookInstalled) {
    process.on('exit', releaseAllAtExit);
    exitHookInstalled = true;
  }
  const refresher = new Refresher(path, mtime);
  held.set(path, refresher);
  try {
    return await fn(heldLock(file, refresher));
  } finally {
    held.delete(path);
    // A lock taken over is the new holder's to remove.
    if (refresher.check()) rmdirQuietly(path);
    refresher.stop();
  }
}
