import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, rmdirSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CodexAgentError } from '../core/errors.js';
import { LOCK_STALE_MS, withFileLock } from '../core/registry/lock.js';

// The registry lock on its own, in one process; many processes at once are in
// registry-concurrency.test.ts (RELIABILITY JSON-1..4).

const root = fileURLToPath(new URL('..', import.meta.url));
let dir: string;
let file: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'codex-agent-lock-'));
  file = join(dir, 'tasks.json');
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const agedBy = (path: string, ms: number) => {
  const at = new Date(Date.now() - ms);
  utimesSync(path, at, at);
};

describe('the registry lock', () => {
  it('holds <file>.lock while the work runs and removes it after, also when the work throws', async () => {
    const seen = await withFileLock(file, async () => existsSync(`${file}.lock`));
    expect(seen).toBe(true);
    expect(existsSync(`${file}.lock`)).toBe(false);
    await expect(withFileLock(file, async () => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
    expect(existsSync(`${file}.lock`)).toBe(false);
  });

  it('makes a second holder wait until the first is done', async () => {
    const order: string[] = [];
    let releaseFirst!: () => void;
    const first = withFileLock(file, async () => {
      order.push('first in');
      await new Promise<void>((resolve) => (releaseFirst = resolve));
      order.push('first out');
    });
    await sleep(20);
    const second = withFileLock(file, async () => void order.push('second in'));
    await sleep(100);
    expect(order).toEqual(['first in']);
    releaseFirst();
    await Promise.all([first, second]);
    expect(order).toEqual(['first in', 'first out', 'second in']);
  });

  it('waits for a fresh lock of another process, and goes on once it is removed', async () => {
    mkdirSync(`${file}.lock`);
    const started = Date.now();
    setTimeout(() => rmdirSync(`${file}.lock`), 300);
    await withFileLock(file, async () => undefined);
    expect(Date.now() - started).toBeGreaterThanOrEqual(290);
  });

  it('takes a stale lock over at once', async () => {
    mkdirSync(`${file}.lock`);
    agedBy(`${file}.lock`, LOCK_STALE_MS + 1_000);
    const started = Date.now();
    const got = await withFileLock(file, async () => Date.now());
    expect(got - started).toBeLessThan(LOCK_STALE_MS);
    expect(existsSync(`${file}.lock`)).toBe(false);
  });

  it('removes a takeover guard left by a process killed mid-takeover once it is stale', async () => {
    mkdirSync(`${file}.lock`);
    agedBy(`${file}.lock`, LOCK_STALE_MS + 1_000);
    mkdirSync(`${file}.lock.takeover`);
    agedBy(`${file}.lock.takeover`, LOCK_STALE_MS + 1_000);
    await withFileLock(file, async () => undefined);
    expect(existsSync(`${file}.lock.takeover`)).toBe(false);
    expect(existsSync(`${file}.lock`)).toBe(false);
  });

  it('notices a takeover: assertHeld refuses, and the new holder keeps its lock', async () => {
    const err = await withFileLock(file, async (lock) => {
      lock.assertHeld();
      // Another process decided the lock was stale and made its own.
      rmdirSync(`${file}.lock`);
      mkdirSync(`${file}.lock`);
      agedBy(`${file}.lock`, 10);
      try {
        lock.assertHeld();
        return undefined;
      } catch (caught) {
        expect(lock.compromised).toBe(true);
        return caught;
      }
    });
    expect(err).toBeInstanceOf(CodexAgentError);
    expect((err as CodexAgentError).code).toBe('registry-lock-compromised');
    expect((err as Error).message).toContain('another process took it over');
    expect(existsSync(`${file}.lock`)).toBe(true);
  });

  it('refreshes a lock held longer than half the stale time', async () => {
    const before = await withFileLock(file, async () => {
      const made = statSync(`${file}.lock`).mtimeMs;
      await sleep(LOCK_STALE_MS / 2 + 600);
      return { made, now: statSync(`${file}.lock`).mtimeMs };
    });
    expect(before.now).toBeGreaterThan(before.made);
  }, 10_000);

  it('is released when the process exits while holding it', () => {
    const script = `import { withFileLock } from ${JSON.stringify(join(root, 'dist/core/registry/lock.js'))};
      await withFileLock(${JSON.stringify(file)}, async () => { process.exit(0); });`;
    execFileSync(process.execPath, ['--input-type=module', '-e', script]);
    expect(existsSync(`${file}.lock`)).toBe(false);
  });

  it('does nothing with the file system when turned off', async () => {
    const ran = await withFileLock(join(dir, 'nowhere', 'tasks.json'), async (lock) => (lock.assertHeld(), true), { enabled: false });
    expect(ran).toBe(true);
    expect(existsSync(join(dir, 'nowhere'))).toBe(false);
  });
});

it('says what is wrong when the lock cannot be made at all', async () => {
  const file = join(dir, 'not-a-dir', 'tasks.json');
  writeFileSync(join(dir, 'not-a-dir'), 'a file where the directory should be');
  const err = await withFileLock(file, async () => undefined).catch((caught: unknown) => caught);
  expect(err).toBeInstanceOf(CodexAgentError);
  expect((err as Error).message).toMatch(/EEXIST|ENOTDIR/);
});
