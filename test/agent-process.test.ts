import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startAgentProcess } from '../core/runs/agent-process.js';
import { backoffDelay, sleep } from '../core/runs/backoff.js';
import { isGroupAlive, isProcessAlive, processStartTime, signalGroupIfSame } from '../core/runs/proc.js';
import { ROOT } from './helpers/sandbox.js';

const FAKE = join(ROOT, 'test', 'fixtures', 'fake-agent.mjs');
let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'codex-agent-proc-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

function scenario(runs: unknown[][]): Record<string, string> {
  const file = join(dir, 'scenario.json');
  writeFileSync(file, JSON.stringify({ runs }));
  return { PATH: process.env.PATH!, FAKE_AGENT_SCENARIO: file, FAKE_AGENT_STATE: join(dir, 'state') };
}

const grandchildren = () =>
  readFileSync(join(dir, 'state', 'grandchildren'), 'utf8').trim().split('\n').map(Number);

/** Polls until `check` is true or `ms` passes; returns the last value. */
async function eventually(check: () => boolean, ms: number): Promise<boolean> {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (check()) return true;
    await sleep(20);
  }
  return check();
}

describe('agent processes in their own group (RELIABILITY rule 8)', () => {
  it('collects stdout lines and the exit code, with stdin closed', async () => {
    const lines: string[] = [];
    const agent = startAgentProcess({
      command: process.execPath,
      args: [FAKE, 'exec', '--json', '-C', dir, '--', 'hello'],
      cwd: dir,
      env: scenario([[{ message: 'hi' }]]),
      graceMs: 1000,
      onStdoutLine: (l) => lines.push(l),
    });
    expect(agent.pgid).toBe(agent.pid);
    expect(agent.startTime).toBe(processStartTime(agent.pid!));
    const exit = await agent.done;
    expect(exit).toMatchObject({ code: 0, signal: null, timedOut: false, cancelled: false });
    expect(lines.map((l) => JSON.parse(l).type)).toEqual(['thread.started', 'turn.started', 'item.completed', 'turn.completed']);
  });

  it('PROC-1: a timeout kills the whole group, grandchildren included, within timeout + grace + 1 s', async () => {
    const agent = startAgentProcess({
      command: process.execPath,
      args: [FAKE, 'exec', '--json', '--', 'x'],
      cwd: dir,
      env: scenario([[{ grandchild: true }, { grandchild: true }, { finish: 'hang' }]]),
      timeoutMs: 800,
      graceMs: 500,
    });
    const exit = await agent.done;
    expect(exit.timedOut).toBe(true);
    expect(exit.cancelled).toBe(false);
    const pids = grandchildren();
    expect(pids).toHaveLength(2);
    expect(await eventually(() => !isGroupAlive(agent.pgid!) && pids.every((p) => !isProcessAlive(p)), 1000)).toBe(true);
  });

  it('ends when the leader exits even though a grandchild still holds its stdout, and kills the grandchild', async () => {
    const agent = startAgentProcess({
      command: process.execPath,
      args: [FAKE, 'exec', '--json', '--', 'x'],
      cwd: dir,
      env: scenario([[{ grandchild: true }, { message: 'bye' }]]),
      graceMs: 500,
    });
    const exit = await agent.done;
    expect(exit.code).toBe(0);
    const [pid] = grandchildren();
    expect(await eventually(() => !isProcessAlive(pid!), 1500)).toBe(true);
  });

  it('escalates to SIGKILL for a group that ignores SIGTERM', async () => {
    const script = join(dir, 'stubborn.sh');
    writeFileSync(script, "trap '' TERM\nsleep 600 &\nwait\n");
    const agent = startAgentProcess({ command: 'sh', args: [script], cwd: dir, env: { PATH: process.env.PATH! }, graceMs: 300 });
    await sleep(200);
    const exit = await agent.stop('cancel');
    expect(exit.cancelled).toBe(true);
    expect(await eventually(() => !isGroupAlive(agent.pgid!), 1500)).toBe(true);
  });

  it('stops on abort and reports cancelled', async () => {
    const controller = new AbortController();
    const agent = startAgentProcess({ command: 'sleep', args: ['600'], cwd: dir, env: { PATH: process.env.PATH! }, graceMs: 300, signal: controller.signal });
    setTimeout(() => controller.abort(), 100);
    const exit = await agent.done;
    expect(exit).toMatchObject({ cancelled: true, signal: 'SIGTERM' });
  });

  it('reports an executable that cannot start as a spawn error', async () => {
    const agent = startAgentProcess({ command: join(dir, 'no-such-agent'), args: [], cwd: dir, env: { PATH: process.env.PATH! }, graceMs: 100 });
    const exit = await agent.done;
    expect(exit.spawnError?.code).toBe('ENOENT');
    expect(agent.pid).toBeUndefined();
  });

  it('writes the prompt to stdin when asked, and keeps a stderr tail', async () => {
    const lines: string[] = [];
    const agent = startAgentProcess({
      command: process.execPath,
      args: ['-e', "process.stdin.on('data', d => process.stdout.write(String(d).toUpperCase())); process.stdin.on('end', () => { console.error('bye'); })"],
      cwd: dir,
      env: { PATH: process.env.PATH! },
      input: 'the prompt\n',
      graceMs: 100,
      onStdoutLine: (l) => lines.push(l),
    });
    const exit = await agent.done;
    expect(lines).toEqual(['THE PROMPT']);
    expect(exit.stderrTail).toBe('bye');
  });
});

describe('signalling by pid and start time (PROC-4)', () => {
  it('never signals a process whose start time does not match', async () => {
    const victim = spawn('sleep', ['600'], { detached: true, stdio: 'ignore' });
    try {
      const real = processStartTime(victim.pid!)!;
      expect(real).toMatch(/^\d+$/);
      expect(signalGroupIfSame(victim.pid!, victim.pid!, String(Number(real) - 1), 'SIGKILL')).toBe(false);
      expect(isProcessAlive(victim.pid!, real)).toBe(true);
      expect(isProcessAlive(victim.pid!, String(Number(real) - 1))).toBe(false);
      expect(signalGroupIfSame(victim.pid!, victim.pid!, real, 'SIGKILL')).toBe(true);
      expect(await eventually(() => !isProcessAlive(victim.pid!, real), 1000)).toBe(true);
    } finally {
      try {
        process.kill(-victim.pid!, 'SIGKILL');
      } catch {
        /* gone */
      }
    }
  });
});

describe('backoff (PROC-5)', () => {
  it('grows with each attempt and stays jittered within [ceiling/2, ceiling]', () => {
    const delays = [1, 2, 3, 4].map((n) => backoffDelay(n, 100, 10_000, () => 0.5));
    expect(delays).toEqual([75, 150, 300, 600]);
    expect(backoffDelay(3, 100, 10_000, () => 0)).toBe(200);
    expect(backoffDelay(3, 100, 10_000, () => 1)).toBe(400);
    expect(backoffDelay(20, 100, 1000, () => 1)).toBe(1000);
  });

  it('aborts a wait at once', async () => {
    const controller = new AbortController();
    const started = Date.now();
    setTimeout(() => controller.abort(new Error('stop')), 50);
    await expect(sleep(10_000, controller.signal)).rejects.toThrow('stop');
    expect(Date.now() - started).toBeLessThan(5000);
  });
});
