import type { AgentEvent } from '../../core/agents/events.js';
import { isCodexAgentError } from '../../core/errors.js';
import { FeedTimeline, type FollowedItem } from '../../core/manager/monitor-feed.js';
import { LEASE_STALE_MS } from '../../core/manager/supervisor.js';
import { leaseIsLive, SupervisorStore } from '../../core/manager/supervisor-store.js';
import { planWaves } from '../../core/plan/waves.js';
import { Registry } from '../../core/registry/registry.js';
import { sleep } from '../../core/runs/backoff.js';
import type { TaskStatus } from '../../core/task.js';
import type { Context } from '../context.js';
import { paint, type Output } from '../output.js';
import { describeAgentEvent } from '../run-view.js';
import { STATUS_LOOK } from '../task-style.js';

/** How often the monitor reads new rows: live to a person, a few cheap indexed queries. */
const FOLLOW_INTERVAL_MS = 250;
/**
 * How long the monitor holds what it read before printing it, so that a run's event batch written
 * late (the runner writes them about every 100 ms) still prints in time order among the rest.
 */
const HOLD_MS = 1_000;

const clock = (ms: number) => new Date(ms).toTimeString().slice(0, 8);

/**
 * `codex-agent manager monitor [--json]`: follows the repo's task transitions, agent events and
 * supervisor commands from state.db until nothing runs any more and no supervisor is alive, or
 * Ctrl-C (which stops only the monitor). Lines come in the order things happened, across tasks and
 * tables, about a second late (`FeedTimeline`). With `--json`, one JSON object per line.
 */
export async function managerMonitorCommand(ctx: Context, output: Output): Promise<number> {
  const repo = (await ctx.requireRepo()).root;
  const registry = new Registry(ctx.paths.registry);
  const waveOf = new Map<string, number>();
  try {
    const { config } = await ctx.config();
    const plan = planWaves((await registry.read()).tasks.filter((t) => t.repo === repo), { maxParallel: config.manager.max_parallel });
    for (const t of plan.tasks) waveOf.set(t.slug, t.wave);
  } catch (err) {
    if (!isCodexAgentError(err)) throw err; // a cycle: follow without wave numbers
  }
  const store = new SupervisorStore(ctx.paths.stateDb);
  const stop = new AbortController();
  const onSignal = () => stop.abort();
  process.once('SIGINT', onSignal);
  let transitions = store.lastTransitionId();
  let events = store.lastEventId();
  let commands = store.lastCommandId();
  try {
    if (!output.json) {
      const lease = store.lease();
      const live = lease !== undefined && leaseIsLive(lease, LEASE_STALE_MS);
      output.out(paint(output, 'dim', `${clock(Date.now())} monitoring ${repo} — supervisor ${live ? `pid ${lease.pid}` : 'not running'}, ${store.activeRunCount(repo)} agent(s) running. Ctrl-C stops the monitor only.`));
    }
    const timeline = new FeedTimeline(HOLD_MS);
    for (;;) {
      // Idle is decided before reading, so that this read holds everything written until then.
      const lease = store.lease();
      const done = stop.signal.aborted || (!(lease && leaseIsLive(lease, LEASE_STALE_MS)) && store.activeRunCount(repo) === 0);
      const commandRows = store.commandsAfter(commands);
      const transitionRows = store.transitionsAfter(repo, transitions);
      const eventRows = store.eventsAfter(repo, events);
      commands = commandRows.at(-1)?.id ?? commands;
      transitions = transitionRows.at(-1)?.id ?? transitions;
      events = eventRows.at(-1)?.id ?? events;
      const due = timeline.add(commandRows, transitionRows, eventRows);
      for (const item of done ? [...due, ...timeline.drain()] : due) printItem(output, item, waveOf);
      if (done) break;
      await sleep(FOLLOW_INTERVAL_MS, stop.signal).catch(() => undefined);
    }
    if (!output.json) {
      const counts = new Map<string, number>();
      for (const t of (await registry.read()).tasks.filter((x) => x.repo === repo)) counts.set(t.status, (counts.get(t.status) ?? 0) + 1);
      output.out(paint(output, 'dim', `${clock(Date.now())} ${stop.signal.aborted ? 'monitor stopped' : 'nothing is running'} — ${[...counts].map(([s, n]) => `${n} ${s}`).join(', ') || 'no tasks'}`));
    }
    return 0;
  } finally {
    process.off('SIGINT', onSignal);
    store.close();
  }
}

function printItem(output: Output, item: FollowedItem, waveOf: ReadonlyMap<string, number>): void {
  const tag = (slug: string) => `${slug}${waveOf.has(slug) ? paint(output, 'dim', ` w${waveOf.get(slug)}`) : ''}`;
  if (item.kind === 'command') {
    const c = item.command;
    if (output.json) output.out(JSON.stringify({ kind: 'command', id: c.id, command: c.kind, at: c.createdAt, payload: c.payload }));
    else output.out(`${paint(output, 'dim', clock(c.createdAt))} ⚑ supervisor command ${c.id}: ${c.kind}`);
  } else if (item.kind === 'transition') {
    const t = item.transition;
    if (output.json) output.out(JSON.stringify({ kind: 'transition', wave: waveOf.get(t.slug) ?? null, ...t }));
    else {
      const look = STATUS_LOOK[t.to as TaskStatus];
      output.out(`${paint(output, 'dim', clock(t.at))} ${tag(t.slug)} ${look ? paint(output, look.style, `${look.glyph} ${t.to}`) : t.to} (${t.reason})`);
    }
  } else {
    const e = item.event;
    if (output.json) output.out(JSON.stringify({ kind: 'event', wave: waveOf.get(e.slug) ?? null, ...e }));
    else {
      const line = describeAgentEvent(e.data as AgentEvent);
      if (line) output.out(`${paint(output, 'dim', clock(e.ts))} ${tag(e.slug)} ${line}`);
    }
  }
}
