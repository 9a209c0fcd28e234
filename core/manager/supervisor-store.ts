/**
 * The supervisor's rows in state.db: its lease (one supervisor per user data directory) and the
 * command channel that reaches it (and survives its restart), plus the global followers that
 * `manager monitor` reads. A connection of its own; loads SQLite, so import it lazily.
 */
import { makeRedactor, type Redactor } from '../redact.js';
import { isOwnerAlive } from '../runs/stop.js';
import { openDatabase, type SqliteDatabase } from '../store/database.js';

/** The holder of the lease as stored. */
export interface Lease {
  owner: string;
  pid: number;
  startedAt: number;
  heartbeatAt: number;
  /** What it is doing, as the supervisor last described it. */
  activity: unknown;
  logFile: string | null;
}

export type CommandKind = 'launch' | 'stop' | 'stop-now';

/** A launch request: a repo's tasks (all open ones, or the listed slugs of one wave). */
export interface LaunchPayload {
  repo: string;
  /** The wave asked for, when not all. */
  wave: number | null;
  /** The tasks to run; null: every open task of the repo. */
  slugs: string[] | null;
  maxParallel: number;
  /** `-c key=value` overrides given to `manager launch`. */
  configFlags: Record<string, string>;
}

export interface SupervisorCommand {
  id: number;
  kind: CommandKind;
  payload: LaunchPayload | Record<string, never>;
  createdAt: number;
  takenBy: string | null;
  takenAt: number | null;
  result: unknown;
  doneAt: number | null;
}

/** A stored transition or event with the task it belongs to, for followers. */
export interface FollowedTransition { id: number; repo: string; slug: string; from: string | null; to: string; reason: string; at: number }
export interface FollowedEvent { id: number; runId: number; repo: string; slug: string; ts: number; type: string; data: unknown }

interface CommandRecord { id: number; kind: string; payload: string; created_at: number; taken_by: string | null; taken_at: number | null; result: string | null; done_at: number | null }
interface LeaseRecord { owner: string; pid: number; started_at: number; heartbeat_at: number; activity: string | null; log_file: string | null }

function parse(text: string | null): unknown {
  if (text === null) return null;
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

function commandFromRow(r: CommandRecord): SupervisorCommand {
  return { id: r.id, kind: r.kind as CommandKind, payload: parse(r.payload) as SupervisorCommand['payload'], createdAt: r.created_at, takenBy: r.taken_by, takenAt: r.taken_at, result: parse(r.result), doneAt: r.done_at };
}

export class SupervisorStore {
  private readonly db: SqliteDatabase;
  private readonly redact: Redactor;

  constructor(file: string, redact: Redactor = makeRedactor()) {
    this.db = openDatabase(file);
    this.redact = redact;
  }

  private json(value: unknown): string {
    return this.redact(JSON.stringify(value ?? null));
  }

  /** The lease as stored (its holder may be dead: see {@link leaseIsLive}). */
  lease(): Lease | undefined {
    const r = this.db.prepare<[], LeaseRecord>('SELECT * FROM supervisor_lease WHERE id = 1').get();
    return r && { owner: r.owner, pid: r.pid, startedAt: r.started_at, heartbeatAt: r.heartbeat_at, activity: parse(r.activity), logFile: r.log_file };
  }

  /**
   * Takes the lease for `owner` when it is free, held by a dead process, or its heartbeat is older
   * than `staleMs`. True when `owner` holds it afterwards.
   */
  acquireLease(owner: string, pid: number, staleMs: number, logFile: string | null, now = Date.now()): boolean {
    return this.db
      .transaction(() => {
        const current = this.lease();
        if (current && current.owner !== owner && leaseIsLive(current, staleMs, now)) return false;
        this.db
          .prepare('INSERT OR REPLACE INTO supervisor_lease (id, owner, pid, started_at, heartbeat_at, activity, log_file) VALUES (1, ?, ?, ?, ?, NULL, ?)')
          .run(owner, pid, now, now, logFile);
        return true;
      })
      .immediate();
  }

  /** Renews the lease and stores what the supervisor is doing; false when it is no longer ours. */
  heartbeat(owner: string, activity: unknown, now = Date.now()): boolean {
    const { changes } = this.db.prepare('UPDATE supervisor_lease SET heartbeat_at = ?, activity = ? WHERE id = 1 AND owner = ?').run(now, this.json(activity), owner);
    return changes > 0;
  }

  releaseLease(owner: string): void {
    this.db.prepare('DELETE FROM supervisor_lease WHERE id = 1 AND owner = ?').run(owner);
  }

  /** Queues a command for the supervisor and returns its id. */
  enqueue(kind: CommandKind, payload: LaunchPayload | Record<string, never>, now = Date.now()): number {
    return Number(this.db.prepare('INSERT INTO supervisor_commands (kind, payload, created_at) VALUES (?, ?, ?)').run(kind, this.json(payload), now).lastInsertRowid);
  }

  /**
   * Takes the commands not yet done that nobody alive has taken (a dead supervisor's unfinished
   * launches are taken again), oldest first.
   */
  take(owner: string, now = Date.now()): SupervisorCommand[] {
    return this.db
      .transaction(() => {
        const open = this.db.prepare<[], CommandRecord>('SELECT * FROM supervisor_commands WHERE done_at IS NULL ORDER BY id').all();
        const mine = open.filter((c) => c.taken_by === null || (c.taken_by !== owner && !isOwnerAlive(c.taken_by)));
        const mark = this.db.prepare('UPDATE supervisor_commands SET taken_by = ?, taken_at = ? WHERE id = ?');
        for (const c of mine) mark.run(owner, now, c.id);
        return mine.map((c) => commandFromRow({ ...c, taken_by: owner, taken_at: now }));
      })
      .immediate();
  }

  /** Stores what came of a command; with `done`, it is finished and never taken again. */
  answer(id: number, result: unknown, done: boolean, now = Date.now()): void {
    this.db.prepare('UPDATE supervisor_commands SET result = ?, done_at = CASE WHEN ? THEN ? ELSE done_at END WHERE id = ?').run(this.json(result), done ? 1 : 0, now, id);
  }

  /** Finishes every open command (a stop ends the launches it interrupts). */
  finishAll(result: unknown, now = Date.now()): void {
    this.db.prepare('UPDATE supervisor_commands SET result = COALESCE(result, ?), done_at = ? WHERE done_at IS NULL').run(this.json(result), now);
  }

  command(id: number): SupervisorCommand | undefined {
    const r = this.db.prepare<[number], CommandRecord>('SELECT * FROM supervisor_commands WHERE id = ?').get(id);
    return r && commandFromRow(r);
  }

  /** Commands after `afterId`, oldest first (for followers). */
  commandsAfter(afterId: number): SupervisorCommand[] {
    return this.db.prepare<[number], CommandRecord>('SELECT * FROM supervisor_commands WHERE id > ? ORDER BY id').all(afterId).map(commandFromRow);
  }

  /** Transitions of `repo`'s tasks after `afterId`, oldest first. */
  transitionsAfter(repo: string, afterId: number): FollowedTransition[] {
    return this.db
      .prepare<[string, number], { id: number; repo: string; slug: string; from_status: string | null; to_status: string; reason: string; at: number }>(
        'SELECT id, repo, slug, from_status, to_status, reason, at FROM transitions WHERE repo = ? AND id > ? ORDER BY id',
      )
      .all(repo, afterId)
      .map((r) => ({ id: r.id, repo: r.repo, slug: r.slug, from: r.from_status, to: r.to_status, reason: r.reason, at: r.at }));
  }

  /** Agent events of `repo`'s runs after `afterId`, oldest first. */
  eventsAfter(repo: string, afterId: number): FollowedEvent[] {
    return this.db
      .prepare<[string, number, number], { id: number; run_id: number; repo: string; slug: string; ts: number; type: string; data: string }>(
        // Events are stored in batches (store/event-batches.ts): batch_last_id skips the read ones.
        'SELECT e.id, e.run_id, r.repo, r.slug, e.ts, e.type, e.data FROM events e JOIN runs r ON r.id = e.run_id WHERE r.repo = ? AND e.batch_last_id > ? AND e.id > ? ORDER BY e.id',
      )
      .all(repo, afterId, afterId)
      .map((r) => ({ id: r.id, runId: r.run_id, repo: r.repo, slug: r.slug, ts: r.ts, type: r.type, data: parse(r.data) }));
  }

  /** The newest transition id (0 when none): where a follower starts. */
  lastTransitionId(): number {
    return this.db.prepare<[], { id: number | null }>('SELECT MAX(id) AS id FROM transitions').get()?.id ?? 0;
  }

  /** The newest event id (0 when none). */
  lastEventId(): number {
    return this.db.prepare<[], { id: number | null }>('SELECT MAX(last_id) AS id FROM event_batches').get()?.id ?? 0;
  }

  /** How many of `repo`'s runs have not ended. */
  activeRunCount(repo: string): number {
    return this.db.prepare<[string], { n: number }>('SELECT COUNT(*) AS n FROM runs WHERE ended_at IS NULL AND repo = ?').get(repo)?.n ?? 0;
  }

  lastCommandId(): number {
    return this.db.prepare<[], { id: number | null }>('SELECT MAX(id) AS id FROM supervisor_commands').get()?.id ?? 0;
  }

  close(): void {
    if (this.db.open) this.db.close();
  }
}

/** A lease whose holder is alive and whose heartbeat is fresh. */
export function leaseIsLive(lease: Lease, staleMs: number, now = Date.now()): boolean {
  return isOwnerAlive(lease.owner) && now - lease.heartbeatAt <= staleMs;
}
