import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FeedTimeline, inTimeOrder, type FollowedItem } from '../core/manager/monitor-feed.js';
import type { FollowedEvent, FollowedTransition, SupervisorCommand } from '../core/manager/supervisor-store.js';
import { agentRepo, type AgentRepo } from './helpers/agent-repo.js';
import { makeSandbox, type Sandbox } from './helpers/sandbox.js';

const command = (id: number, createdAt: number): SupervisorCommand => ({ id, kind: 'launch', payload: {}, createdAt, takenBy: null, takenAt: null, result: null, doneAt: null });
const transition = (id: number, slug: string, at: number): FollowedTransition => ({ id, repo: '/r', slug, from: 'ready', to: 'running', reason: 'launched', at });
const event = (id: number, slug: string, ts: number): FollowedEvent => ({ id, runId: slug === 'a' ? 1 : 2, repo: '/r', slug, ts, type: 'message', data: { type: 'message', ts, text: `${slug}${id}` } });

describe('inTimeOrder', () => {
  it("puts one poll's commands, transitions and several runs' event batches on one time line", () => {
    // Run a's batch was written before run b's, though b's events came in between a's.
    const events = [event(1, 'a', 100), event(2, 'a', 300), event(3, 'a', 500), event(4, 'b', 200), event(5, 'b', 400)];
    const transitions = [transition(7, 'b', 450), transition(8, 'a', 50)];
    const order = inTimeOrder([command(3, 250)], transitions, events).map((i) => (i.kind === 'event' ? `e${i.event.id}` : i.kind === 'transition' ? `t${i.transition.id}` : `c${i.command.id}`));
    expect(order).toEqual(['t8', 'e1', 'e4', 'c3', 'e2', 'e5', 't7', 'e3']);
  });

  it('at the same millisecond: commands, then transitions, then events, each by id', () => {
    const order = inTimeOrder([command(2, 10), command(1, 10)], [transition(5, 'a', 10)], [event(9, 'b', 10), event(8, 'a', 10)]);
    expect(order.map((i) => i.kind)).toEqual(['command', 'command', 'transition', 'event', 'event']);
    expect(order.map((i) => (i.kind === 'event' ? i.event.id : i.kind === 'command' ? i.command.id : i.transition.id))).toEqual([1, 2, 5, 8, 9]);
  });
});

describe('FeedTimeline', () => {
  const ids = (items: FollowedItem[]) => items.map((i) => (i.kind === 'event' ? i.event.id : i.kind === 'transition' ? i.transition.id : i.command.id));

  it('holds what it read until it is older than the hold, so a batch written late still falls into place', () => {
    const timeline = new FeedTimeline(1000);
    // Poll at 1500: run a's batch (ids 1-2) is there, run b's is not written yet.
    expect(ids(timeline.add([], [transition(10, 'a', 100)], [event(1, 'a', 200), event(2, 'a', 900)], 1500))).toEqual([10, 1]);
    // Poll at 1750: b's batch, from before a's second event, and a newer transition.
    expect(ids(timeline.add([], [transition(11, 'b', 1700)], [event(3, 'b', 400), event(4, 'b', 800)], 1750))).toEqual([3]);
    expect(ids(timeline.add([], [], [], 2000))).toEqual([4, 2]);
    expect(ids(timeline.drain())).toEqual([11]);
    expect(timeline.drain()).toEqual([]);
  });
});

describe('manager monitor', () => {
  let sb: Sandbox;
  let ar: AgentRepo;
  beforeEach(async () => {
    sb = makeSandbox();
    ar = await agentRepo(sb, 'codex');
  });
  afterEach(async () => {
    const status = await sb.cli(['manager', 'status', '--json'], { cwd: ar.repo });
    const pid = status.code === 0 ? (JSON.parse(status.stdout) as { supervisor: { pid: number } | null }).supervisor?.pid : undefined;
    if (pid) process.kill(pid, 'SIGKILL');
    sb.cleanup();
  });

  it('prints what two agents running side by side did in the order it happened', async () => {
    const steps = Array.from({ length: 12 }, (_, i) => [{ message: `step ${i}` }, { sleep: 40 }]).flat();
    ar.script([[...steps, { message: 'done' }]]);
    for (const slug of ['left', 'right']) await sb.json(['task', 'add', slug, '--slug', slug, '--goal', `Do ${slug}`], { cwd: ar.repo, env: ar.env });
    const launched = await sb.cli(['manager', 'launch', '--max-parallel', '2'], { cwd: ar.repo, env: ar.env });
    expect(launched.code, launched.stderr).toBe(0);
    const monitor = await sb.cli(['manager', 'monitor', '--json'], { cwd: ar.repo, env: ar.env });
    expect(monitor.code, monitor.stderr).toBe(0);

    const lines = monitor.stdout.trim().split('\n').map((l) => JSON.parse(l) as { kind: string; slug?: string; at?: number; ts?: number; type?: string });
    const messages = lines.filter((l) => l.kind === 'event' && l.type === 'message');
    expect(new Set(messages.map((l) => l.slug))).toEqual(new Set(['left', 'right']));
    // The two agents' messages interleave, and the whole feed never goes back in time.
    const switches = messages.filter((l, i) => i > 0 && l.slug !== messages[i - 1]!.slug).length;
    expect(switches).toBeGreaterThan(2);
    const times = lines.map((l) => (l.kind === 'event' ? l.ts! : l.at!));
    for (let i = 1; i < times.length; i++) expect(times[i], JSON.stringify(lines[i])).toBeGreaterThanOrEqual(times[i - 1]!);
    expect(lines.filter((l) => l.kind === 'transition' && l.slug === 'left').length).toBeGreaterThan(0);
  });
});
