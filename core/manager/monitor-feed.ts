import type { FollowedEvent, FollowedTransition, SupervisorCommand } from './supervisor-store.js';

/** One thing `manager monitor` shows: a supervisor command, a task transition or an agent event. */
export type FollowedItem =
  | { kind: 'command'; at: number; command: SupervisorCommand }
  | { kind: 'transition'; at: number; transition: FollowedTransition }
  | { kind: 'event'; at: number; event: FollowedEvent };

const SOURCE_ORDER: Record<FollowedItem['kind'], number> = { command: 0, transition: 1, event: 2 };

function idOf(item: FollowedItem): number {
  return item.kind === 'command' ? item.command.id : item.kind === 'transition' ? item.transition.id : item.event.id;
}

const byTime = (a: FollowedItem, b: FollowedItem): number => a.at - b.at || SOURCE_ORDER[a.kind] - SOURCE_ORDER[b.kind] || idOf(a) - idOf(b);

/**
 * What one poll of the monitor read, as one time line: by time; at the same millisecond commands,
 * then transitions, then events; then by id. Store order is not the order things happened: a poll
 * reads the three tables one after the other, and each run's events are written in batches (about
 * every 100 ms), so two tasks' events arrive one run's batch after the other's.
 */
export function inTimeOrder(commands: readonly SupervisorCommand[], transitions: readonly FollowedTransition[], events: readonly FollowedEvent[]): FollowedItem[] {
  const items: FollowedItem[] = [
    ...commands.map((command) => ({ kind: 'command' as const, at: command.createdAt, command })),
    ...transitions.map((transition) => ({ kind: 'transition' as const, at: transition.at, transition })),
    ...events.map((event) => ({ kind: 'event' as const, at: event.ts, event })),
  ];
  return items.sort(byTime);
}

/**
 * The monitor's time line across polls: it holds what it read for `holdMs` before giving it out, so
 * that an event batch written a little late still falls into place among what came after it.
 */
export class FeedTimeline {
  private held: FollowedItem[] = [];

  constructor(private readonly holdMs: number) {}

  /** Takes one poll's rows; returns, in time order, what is now older than `holdMs`. */
  add(commands: readonly SupervisorCommand[], transitions: readonly FollowedTransition[], events: readonly FollowedEvent[], now = Date.now()): FollowedItem[] {
    const read = inTimeOrder(commands, transitions, events);
    if (read.length) this.held = this.held.length ? [...this.held, ...read].sort(byTime) : read;
    const due = this.held.findIndex((item) => item.at > now - this.holdMs);
    return this.held.splice(0, due === -1 ? this.held.length : due);
  }

  /** Everything still held, in time order (when the monitor ends). */
  drain(): FollowedItem[] {
    return this.held.splice(0, this.held.length);
  }
}
