import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { isProcessAlive } from '../core/runs/proc.js';
import { agentRepo, type AgentRepo } from './helpers/agent-repo.js';
import { makeSandbox, type Sandbox } from './helpers/sandbox.js';

let sb: Sandbox;
let ar: AgentRepo;
beforeEach(async () => {
  sb = makeSandbox();
  ar = await agentRepo(sb, 'codex', '\n[manager]\nstart_after = "review"\n');
});
afterEach(async () => {
  // Never leave a supervisor behind, even when a test failed half-way.
  const status = await sb.cli(['manager', 'status', '--json'], { cwd: ar.repo });
  const pid = status.code === 0 ? (JSON.parse(status.stdout) as Status).supervisor?.pid : undefined;
  if (pid) process.kill(pid, 'SIGKILL');
  sb.cleanup();
});

interface Run { id: number; result: string | null; startedAt: number; endedAt: number | null; pid: number | null; owner: string | null }
interface Shown { status: string; statusReason: string; runs: Run[] }
interface Status { running: boolean; supervisor: { pid: number; tasks: { slug: string }[] } | null }
interface Launched { supervisor: { pid: number; reused: boolean }; started: string[] }

const cli = (...args: string[]) => sb.cli(args, { cwd: ar.repo, env: ar.env });
const json = <T>(...args: string[]) => sb.json<T>(args, { cwd: ar.repo, env: ar.env });
const show = (slug: string) => json<Shown>('task', 'show', slug);
const add = (slug: string, ...args: string[]) => json<{ slug: string }>('task', 'add', slug, '--slug', slug, '--goal', `Do ${slug}`, ...args);

async function eventually(check: () => boolean | Promise<boolean>, ms = 30_000): Promise<boolean> {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (await check()) return true;
    await new Promise((r) => setTimeout(r, 100));
  }
  return check();
}

/** Waits for the supervisor to exit by itself. */
async function supervisorGone(ms = 60_000): Promise<boolean> {
  return eventually(async () => !(await json<Status>('manager', 'status')).running, ms);
}

describe('manager launch', () => {
  it('runs 6 tasks in 3 waves in dependency order, never more than max_parallel at once, in parallel within a wave', async () => {
    ar.script([[{ todo: ['work'] }, { sleep: 700 }, { done: 1 }, { message: 'done' }]]);
    await add('a');
    await add('b');
    await add('c', '--deps', 'a');
    await add('d', '--deps', 'b');
    await add('e', '--deps', 'c');
    await add('f', '--deps', 'd');
    const plan = await json<{ waves: { slugs: string[] }[] }>('manager', 'plan', '--max-parallel', '2');
    expect(plan.waves.map((w) => w.slugs)).toEqual([['a', 'b'], ['c', 'd'], ['e', 'f']]);

    const launched = await json<Launched>('manager', 'launch', '--max-parallel', '2');
    expect(launched.supervisor.reused).toBe(false);
    expect(launched.started).toEqual(['a', 'b']);
    const monitor = await cli('manager', 'monitor');
    expect(monitor.code).toBe(0);
    expect(monitor.stdout).toMatch(/f w3 .*review/);
    expect(await supervisorGone()).toBe(true);

    const runs = new Map<string, Run>();
    for (const slug of ['a', 'b', 'c', 'd', 'e', 'f']) {
      const shown = await show(slug);
      expect(shown.status, slug).toBe('review');
      expect(shown.runs.map((r) => r.result)).toEqual(['success']);
      runs.set(slug, shown.runs[0]!);
    }
    const deps: Record<string, string[]> = { c: ['a'], d: ['b'], e: ['c'], f: ['d'] };
    for (const [slug, list] of Object.entries(deps)) {
      for (const dep of list) expect(runs.get(slug)!.startedAt, `${slug} after ${dep}`).toBeGreaterThanOrEqual(runs.get(dep)!.endedAt!);
    }
    // At most 2 at once; and the two tasks of the first wave did run side by side.
    const edges = [...runs.values()].flatMap((r) => [[r.startedAt, 1], [r.endedAt!, -1]] as const).sort((x, y) => x[0] - y[0] || x[1] - y[1]);
    let now = 0;
    let most = 0;
    for (const [, delta] of edges) most = Math.max(most, (now += delta));
    expect(most).toBe(2);
    const [a, b] = [runs.get('a')!, runs.get('b')!];
    expect(a.startedAt < b.endedAt! && b.startedAt < a.endedAt!).toBe(true);
    // One supervisor ran them all.
    expect(new Set([...runs.values()].map((r) => r.owner)).size).toBe(1);
  });

  it('a failed task blocks its dependents and nothing else', async () => {
    // One agent at a time, so invocation order is launch order: bad, then good, then after-good.
    ar.script([[{ finish: 'cannot', text: 'the API does not exist' }], [{ message: 'ok' }]]);
    await add('bad');
    await add('after-bad', '--deps', 'bad');
    await add('good');
    await add('after-good', '--deps', 'good');
    const launched = await json<Launched>('manager', 'launch', '--max-parallel', '1');
    expect(launched.started).toEqual(['bad']);
    expect(await supervisorGone()).toBe(true);
    expect((await show('bad')).status).toBe('stuck');
    expect((await show('good')).status).toBe('review');
    expect((await show('after-good')).status).toBe('review');
    const blocked = await show('after-bad');
    expect(blocked.status).toBe('todo');
    expect(blocked.runs).toEqual([]);
  });

  it('a second launch hands its tasks to the running supervisor', async () => {
    ar.script([[{ sleep: 1500 }, { message: 'ok' }]]);
    await add('one');
    const first = await json<Launched>('manager', 'launch', '--wave', '1');
    expect(first.started).toEqual(['one']);
    await add('two');
    const second = await json<Launched>('manager', 'launch');
    expect(second.supervisor).toMatchObject({ reused: true, pid: first.supervisor.pid });
    expect(second.started).toEqual(['two']);
    const status = await json<Status>('manager', 'status');
    expect(status.supervisor?.pid).toBe(first.supervisor.pid);
    expect(await supervisorGone()).toBe(true);
    expect((await show('one')).status).toBe('review');
    expect((await show('two')).status).toBe('review');
    const log = readFileSync(join(sb.env.XDG_STATE_HOME!, 'codex-agents', 'supervisor.log'), 'utf8');
    expect(log.match(/holds the lease/g)).toHaveLength(1);
  });

  it('PROC-3: after a SIGKILL of the supervisor, the next launch kills the orphan agent, marks the run interrupted and retries the task', async () => {
    ar.script([[{ grandchild: true }, { finish: 'hang' }], [{ message: 'ok' }]]);
    await add('long');
    await add('next', '--deps', 'long');
    const first = await json<Launched>('manager', 'launch');
    expect(await eventually(async () => (await show('long')).runs[0]?.pid != null && existsSync(join(ar.stateDir, 'grandchildren')))).toBe(true);
    const agentPid = (await show('long')).runs[0]!.pid!;
    const grandchild = Number(readFileSync(join(ar.stateDir, 'grandchildren'), 'utf8').trim());
    process.kill(first.supervisor.pid, 'SIGKILL');
    expect(await eventually(() => !isProcessAlive(first.supervisor.pid))).toBe(true);
    expect(isProcessAlive(agentPid)).toBe(true); // the orphan lives on until reconciled

    const again = await cli('manager', 'launch');
    expect(again.code, again.stderr).toBe(0);
    expect(again.stderr).toMatch(/long: run \d+ was left by a supervisor that is gone — marked interrupted, its agent \(group \d+\) stopped, task ready/);
    expect(await supervisorGone()).toBe(true);
    expect(isProcessAlive(agentPid)).toBe(false);
    expect(isProcessAlive(grandchild)).toBe(false);
    const long = await show('long');
    expect(long.runs.map((r) => r.result)).toEqual(['interrupted', 'success']);
    expect(long.status).toBe('review');
    expect((await show('next')).status).toBe('review');
  });
});

describe('manager stop', () => {
  it('lets running agents finish and starts nothing more; --now stops them', async () => {
    ar.script([[{ sleep: 1500 }, { message: 'ok' }], [{ finish: 'hang' }]]);
    await add('first');
    await add('then', '--deps', 'first');
    await json<Launched>('manager', 'launch');
    const stop = await cli('manager', 'stop');
    expect(stop.code, stop.stderr).toBe(0);
    expect(stop.stdout).toMatch(/starts nothing more and exits once these finish: first/);
    expect(await supervisorGone()).toBe(true);
    expect((await show('first')).status).toBe('review');
    expect((await show('then')).runs).toEqual([]);

    const launched = await json<Launched>('manager', 'launch');
    expect(launched.started).toEqual(['then']);
    expect(await eventually(async () => (await show('then')).runs[0]?.pid != null)).toBe(true);
    const agentPid = (await show('then')).runs[0]!.pid!;
    const now = await cli('manager', 'stop', '--now');
    expect(now.stdout).toMatch(/Stopped the supervisor \(pid \d+\) and its agents: then/);
    expect(isProcessAlive(launched.supervisor.pid)).toBe(false);
    expect(isProcessAlive(agentPid)).toBe(false);
    const then = await show('then');
    expect(then.status).toBe('cancelled');
    expect(then.runs[0]!.result).toBe('cancelled');
    expect((await cli('manager', 'stop')).stdout).toMatch(/not running; nothing to stop/);
  });
});
