import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterEach, describe, expect, it } from 'vitest';
import { parseRegistry } from '../core/registry/file.js';
import { LOCK_STALE_MS } from '../core/registry/lock.js';
import type { RegistryFile } from '../core/task.js';
import { makeSandbox, ROOT, type Sandbox } from './helpers/sandbox.js';

/**
 * RELIABILITY JSON-1..JSON-4 with real processes: the fixtures change tasks.json only through the
 * built product code (dist/), as codex-agent commands, the dashboard and the supervisor do.
 */

const FIXTURES = join(ROOT, 'test', 'fixtures');
const WRITER = join(FIXTURES, 'registry-writer.mjs');
const READER = join(FIXTURES, 'registry-reader.mjs');
const LOCKER = join(FIXTURES, 'lock-holder.mjs');

const WORKERS = 20;
const UPDATES = 10;
/** JSON-2: lanes (each its own registry) run side by side, so that waits on stale locks overlap. */
const KILL_LANES = 10;
const KILL_ROUNDS_PER_LANE = 4;
/** A lock left by a SIGKILLed holder is stale LOCK_STALE_MS after its last refresh; this is surely past it. */
const STALE_FOR_SURE_MS = LOCK_STALE_MS + 1_500;

interface Child {
  readonly lines: string[];
  stderr(): string;
  alive(): boolean;
  /** The first stdout line matching `pattern` (waits for it); rejects if the process ends first. */
  line(pattern: RegExp): Promise<string>;
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  kill(signal: NodeJS.Signals): void;
  closeStdin(): void;
}

const running = new Set<ChildProcessWithoutNullStreams>();
const sandboxes: Sandbox[] = [];

afterEach(async () => {
  for (const child of running) child.kill('SIGKILL');
  while (running.size > 0) await sleep(20);
  for (const sb of sandboxes.splice(0)) sb.cleanup();
});

function sandbox(): Sandbox {
  const sb = makeSandbox();
  sandboxes.push(sb);
  return sb;
}

/** Starts `node <script> <args>` and follows its stdout line by line. */
function start(script: string, args: string[], env: NodeJS.ProcessEnv): Child {
  const proc = spawn(process.execPath, [script, ...args], { env, stdio: ['pipe', 'pipe', 'pipe'] });
  running.add(proc);
  const lines: string[] = [];
  const waiters: { pattern: RegExp; resolve: (line: string) => void; reject: (err: Error) => void }[] = [];
  let partial = '';
  let stderr = '';
  proc.stdout.setEncoding('utf8').on('data', (chunk: string) => {
    partial += chunk;
    for (let nl = partial.indexOf('\n'); nl >= 0; nl = partial.indexOf('\n')) {
      const line = partial.slice(0, nl);
      partial = partial.slice(nl + 1);
      lines.push(line);
      for (const waiter of [...waiters]) {
        if (!waiter.pattern.test(line)) continue;
        waiters.splice(waiters.indexOf(waiter), 1);
        waiter.resolve(line);
      }
    }
  });
  proc.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
    proc.on('close', (code, signal) => {
      running.delete(proc);
      for (const waiter of waiters.splice(0)) waiter.reject(new Error(`${basename(script)} ended (${code ?? signal}) before printing ${waiter.pattern}: ${stderr}`));
      resolve({ code, signal });
    });
  });
  return {
    lines,
    stderr: () => stderr,
    alive: () => proc.exitCode === null && proc.signalCode === null,
    line(pattern) {
      const seen = lines.find((l) => pattern.test(l));
      if (seen !== undefined) return Promise.resolve(seen);
      if (!running.has(proc)) return Promise.reject(new Error(`${basename(script)} has ended without printing ${pattern}: ${stderr}`));
      return new Promise((resolve, reject) => waiters.push({ pattern, resolve, reject }));
    },
    exited,
    kill: (signal) => void proc.kill(signal),
    closeStdin: () => void proc.stdin.end(),
  };
}

/** Everything beside the registry that a writer or a lock leaves: lock dirs, temp files, markers. */
function leftovers(file: string): string[] {
  try {
    return readdirSync(dirname(file))
      .filter((name) => name.startsWith(`${basename(file)}.`))
      .sort();
  } catch {
    return [];
  }
}

/** The registry's temp files: `tasks.json.<digits>`. */
function tempFiles(file: string): string[] {
  return leftovers(file).filter((name) => /^tasks\.json\.\d+$/.test(name));
}

/** Reads the file as the product does on a write: JSON, then the full schema on every task. */
async function readStrict(file: string): Promise<RegistryFile> {
  const text = readFileSync(file, 'utf8');
  return (await parseRegistry(text, file, true)).registry;
}

function expectedSlugs(): string[] {
  return Array.from({ length: WORKERS }, (_, w) => Array.from({ length: UPDATES }, (_, n) => `w${w + 1}-${n + 1}`)).flat().sort();
}

interface ReaderSummary {
  reads: number;
  errors: number;
  firstErrors: string[];
  maxTasks: number;
  decreases: number;
  distinctCounts: number;
}

/** JSON-1: WORKERS processes × UPDATES updates at once, with `readers` readers reading meanwhile. */
async function writeConcurrently(sb: Sandbox, options: { lock: boolean; readers?: number }) {
  const file = sb.registryFile;
  const readers = Array.from({ length: options.readers ?? 0 }, () => start(READER, [file], sb.env));
  await Promise.all(readers.map((r) => r.line(/^reading$/)));
  const writers = Array.from({ length: WORKERS }, (_, i) =>
    start(WRITER, [file, join(sb.dir, 'repo'), String(i + 1), String(UPDATES), ...(options.lock ? [] : ['--no-lock'])], sb.env),
  );
  const ends = await Promise.all(writers.map((w) => w.exited));
  for (const r of readers) r.closeStdin();
  const summaries = await Promise.all(
    readers.map(async (r) => {
      await r.exited;
      return JSON.parse(r.lines[r.lines.length - 1] ?? '{}') as ReaderSummary;
    }),
  );
  return { codes: ends.map((e) => e.code), errors: writers.map((w) => w.stderr()).filter(Boolean), summaries };
}

describe('the task registry under concurrent processes (RELIABILITY JSON-1, JSON-4)', () => {
  it('JSON-1: 20 processes × 10 updates keep all 200, five times over, and leave no lock or temp file', async () => {
    for (let round = 1; round <= 5; round++) {
      const sb = sandbox();
      const { codes, errors } = await writeConcurrently(sb, { lock: true });
      expect(errors, `round ${round}`).toEqual([]);
      expect(codes, `round ${round}`).toEqual(Array(WORKERS).fill(0));
      const registry = await readStrict(sb.registryFile);
      expect(registry.tasks.map((t) => t.slug).sort(), `round ${round}`).toEqual(expectedSlugs());
      expect(leftovers(sb.registryFile), `round ${round}`).toEqual([]);
    }
  }, 240_000);

  it('JSON-1 without the lock loses updates: the lock is what keeps them', async () => {
    const outcomes: { crashed: number; kept: number }[] = [];
    for (let round = 1; round <= 3; round++) {
      const sb = sandbox();
      const { codes } = await writeConcurrently(sb, { lock: false });
      let kept = -1; // a file that does not parse keeps nothing
      try {
        kept = (JSON.parse(readFileSync(sb.registryFile, 'utf8')) as RegistryFile).tasks.length;
      } catch {
        /* torn or missing */
      }
      outcomes.push({ crashed: codes.filter((c) => c !== 0).length, kept });
      if (outcomes.at(-1)!.crashed > 0 || kept !== WORKERS * UPDATES) break;
    }
    // Rarely, an unlocked round can happen to keep everything; one losing round of three proves it.
    expect(outcomes.some((o) => o.crashed > 0 || o.kept < WORKERS * UPDATES), JSON.stringify(outcomes)).toBe(true);
  }, 120_000);

  it('JSON-4: readers never see a torn or older registry while JSON-1 runs', async () => {
    const sb = sandbox();
    const { codes, summaries } = await writeConcurrently(sb, { lock: true, readers: 2 });
    expect(codes).toEqual(Array(WORKERS).fill(0));
    for (const summary of summaries) {
      expect(summary.firstErrors).toEqual([]);
      expect(summary.errors).toBe(0);
      expect(summary.decreases).toBe(0);
      expect(summary.maxTasks).toBe(WORKERS * UPDATES);
      // It really read in the middle of the writes, not only before and after them.
      expect(summary.distinctCounts).toBeGreaterThan(10);
    }
  }, 120_000);
});

describe('the task registry when processes die (RELIABILITY JSON-2, JSON-3)', () => {
  /** One lane of JSON-2: rounds of start writer → SIGKILL at a random moment → check the file. */
  async function killRounds(sb: Sandbox, lane: number): Promise<{ killsLeavingTempFiles: number; killsHoldingLock: number }> {
    const file = sb.registryFile;
    const repo = join(sb.dir, 'repo');
    const kept = new Map<number, number>();
    let previousTemp: string[] = [];
    let total = 0;
    let killsLeavingTempFiles = 0;
    let killsHoldingLock = 0;
    for (let round = 1; round <= KILL_ROUNDS_PER_LANE; round++) {
      const where = `lane ${lane}, round ${round}`;
      const writer = start(WRITER, [file, repo, String(round), 'forever'], sb.env);
      await writer.line(/^ok 1$/);
      // Its first update swept the temp files the previous kill left (the "next start").
      expect(previousTemp.filter((name) => existsSync(join(dirname(file), name))), `${where}: not swept`).toEqual([]);
      await sleep(Math.random() * 150);
      writer.kill('SIGKILL');
      expect((await writer.exited).signal, `${where}: ${writer.stderr()}`).toBe('SIGKILL');
      const acknowledged = writer.lines.filter((l) => l.startsWith('ok ')).length;

      const registry = await readStrict(file); // parses and every task passes the full schema
      const byRound = new Map<number, number[]>();
      for (const task of registry.tasks) {
        const [, r, n] = /^w(\d+)-(\d+)$/.exec(task.slug) ?? [];
        byRound.set(Number(r), [...(byRound.get(Number(r)) ?? []), Number(n)]);
      }
      for (const [r, ns] of byRound) {
        // Each round's tasks are w<r>-1 … w<r>-k: the file is always one complete version.
        expect(ns.sort((a, b) => a - b), `${where}: round ${r}`).toEqual(Array.from({ length: ns.length }, (_, i) => i + 1));
      }
      for (const [r, k] of kept) expect(byRound.get(r)?.length, `${where}: round ${r} changed`).toBe(k);
      const mine = byRound.get(round)?.length ?? 0;
      // Every acknowledged update is on disk; at most one more finished unacknowledged.
      expect(mine, where).toBeGreaterThanOrEqual(acknowledged);
      expect(mine, where).toBeLessThanOrEqual(acknowledged + 1);
      expect(registry.tasks.length, `${where}: the count went back`).toBeGreaterThanOrEqual(total);
      kept.set(round, mine);
      total = registry.tasks.length;

      previousTemp = tempFiles(file);
      if (previousTemp.length > 0) killsLeavingTempFiles++;
      if (leftovers(file).includes('tasks.json.lock')) killsHoldingLock++;
    }
    // The next update through the product code takes the stale lock over and sweeps the temp files.
    const next = start(WRITER, [file, repo, '0', '1'], sb.env);
    expect(await next.exited, next.stderr()).toEqual({ code: 0, signal: null });
    expect(leftovers(file)).toEqual([]);
    expect((await readStrict(file)).tasks.length).toBe(total + 1);
    return { killsLeavingTempFiles, killsHoldingLock };
  }

  it(`JSON-2: a writer SIGKILLed at random moments (${KILL_LANES * KILL_ROUNDS_PER_LANE} rounds) always leaves a whole registry; the next update sweeps`, async () => {
    const reports = await Promise.all(Array.from({ length: KILL_LANES }, (_, lane) => killRounds(sandbox(), lane + 1)));
    const leavingTemp = reports.reduce((sum, r) => sum + r.killsLeavingTempFiles, 0);
    // Kills mid-write happen: otherwise the sweep above was never put to the test.
    expect(leavingTemp, JSON.stringify(reports)).toBeGreaterThan(0);
  }, 180_000);

  it('JSON-3: a SIGKILLed lock holder keeps the lock while alive; after death another process takes it over', async () => {
    const sb = sandbox();
    const file = sb.registryFile;
    const holder = start(LOCKER, [file, 'hold'], sb.env);
    await holder.line(/^locked$/);
    const acquirers = Array.from({ length: 3 }, () => start(LOCKER, [file, 'acquire', '20'], sb.env));
    await Promise.all(acquirers.map((a) => a.line(/^waiting$/)));
    // Longer than the stale time: a live holder refreshes its lock, so nobody may take it.
    await sleep(STALE_FOR_SURE_MS);
    expect(holder.alive()).toBe(true);
    expect(acquirers.flatMap((a) => a.lines.filter((l) => l.startsWith('acquired')))).toEqual([]);

    const killedAt = Date.now();
    holder.kill('SIGKILL');
    await holder.exited;
    const ends = await Promise.all(acquirers.map((a) => a.exited));
    expect(ends.map((e) => e.code), acquirers.map((a) => a.stderr()).join('')).toEqual([0, 0, 0]);
    const spans = acquirers.map((a) => {
      const at = (word: string) => Number(a.lines.find((l) => l.startsWith(word))?.split(' ')[1]);
      return { acquired: at('acquired'), released: at('released') };
    });
    for (const span of spans) expect(span.acquired).toBeGreaterThanOrEqual(killedAt);
    // One holder at a time: the spans, in order, do not overlap.
    spans.sort((a, b) => a.acquired - b.acquired);
    for (let i = 1; i < spans.length; i++) expect(spans[i]!.acquired).toBeGreaterThanOrEqual(spans[i - 1]!.released);
    expect(leftovers(file)).toEqual([]);
  }, 120_000);

  it('JSON-3: many processes racing for a stale lock never hold it at once', async () => {
    // proper-lockfile let 10 of 12 racers in while another held the lock (its stale takeover is
    // stat → rmdir → mkdir, and a late rmdir removes the lock the first racer has just made); a
    // takeover without the guard fails this test the same way.
    const lanes = await Promise.all(
      Array.from({ length: 4 }, async () => {
        const sb = sandbox();
        const file = sb.registryFile;
        const holder = start(LOCKER, [file, 'hold'], sb.env);
        await holder.line(/^locked$/);
        holder.kill('SIGKILL');
        await holder.exited;
        // All go for the lock at the same moment, once it is surely stale.
        const startAt = String(Date.now() + STALE_FOR_SURE_MS);
        const racers = Array.from({ length: 12 }, () => start(LOCKER, [file, 'acquire', '20', startAt], sb.env));
        const ends = await Promise.all(racers.map((r) => r.exited));
        return { file, codes: ends.map((e) => e.code), doubles: racers.filter((r) => r.lines.includes('DOUBLE')).length };
      }),
    );
    for (const lane of lanes) {
      expect(lane.doubles).toBe(0);
      expect(lane.codes).toEqual(Array(12).fill(0));
      expect(leftovers(lane.file)).toEqual([]);
    }
  }, 120_000);
});
