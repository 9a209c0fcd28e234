/**
 * Keeps the dashboard's views' facts current: waves, verdicts, merge checks and the supervisor's
 * lease. Facts are re-read only when their tables changed (or when asked, after a registry change),
 * so a stream of agent events costs one small query per update. A fact that turns bad (a conflict
 * appeared, a verdict failed) becomes a notice — but not what was already so at start.
 */
import type { StateStore } from '../store/state-store.js';
import { FactReader, type SupervisorFacts } from './fact-reader.js';
import type { ViewBook } from './run-follower.js';
import { factNotices, sameFacts, type WaveProgress } from './task-facts.js';
import type { FeedNotice, TaskKey } from './task-view.js';

export class FactFollower {
  /** The waves still to run, per repo. */
  waves = new Map<string, WaveProgress>();
  /** Why a repo's waves could not be planned, per repo. */
  planErrors = new Map<string, string>();
  supervisor: SupervisorFacts | null = null;
  private reader = new FactReader(undefined);
  private stamp: string | undefined;
  /** Tasks whose facts were read once: only later changes make notices. */
  private seen = new Set<TaskKey>();

  constructor(
    private readonly views: ViewBook,
    private readonly maxParallel: number,
    private readonly notify: (notice: FeedNotice) => void,
  ) {}

  /** Reads from this state.db from now on (undefined: none exists yet; only waves are known). */
  reset(store: StateStore | undefined): void {
    this.reader = new FactReader(store);
    this.stamp = undefined;
  }

  /** Refreshes the facts of the tasks in `order`; true when the waves, plan errors or supervisor changed. */
  load(order: readonly TaskKey[], force: boolean): boolean {
    let changed = false;
    const supervisor = this.reader.supervisor();
    if (JSON.stringify(supervisor) !== JSON.stringify(this.supervisor)) {
      this.supervisor = supervisor;
      changed = true;
    }
    const stamp = this.reader.stamp();
    if (!force && stamp === this.stamp) return changed;
    this.stamp = stamp;
    const byRepo = this.reader.read(order.map((k) => this.views.get(k)!.task), this.maxParallel);
    const waves = new Map<string, WaveProgress>();
    const planErrors = new Map<string, string>();
    for (const [repo, f] of byRepo) {
      waves.set(repo, f.waves);
      if (f.planError) planErrors.set(repo, f.planError);
    }
    if (JSON.stringify([...waves]) !== JSON.stringify([...this.waves]) || JSON.stringify([...planErrors]) !== JSON.stringify([...this.planErrors])) {
      this.waves = waves;
      this.planErrors = planErrors;
      changed = true;
    }
    for (const key of order) {
      const view = this.views.get(key)!;
      const facts = byRepo.get(view.task.repo)?.tasks.get(view.task.slug) ?? {};
      if (sameFacts(view.facts, facts)) continue;
      if (this.seen.has(key)) {
        for (const text of factNotices(view.facts, facts)) this.notify({ key, slug: view.task.slug, text, tone: 'bad', at: Date.now() });
      }
      this.views.set(key, { ...view, facts });
    }
    for (const key of order) this.seen.add(key);
    return changed;
  }
}
