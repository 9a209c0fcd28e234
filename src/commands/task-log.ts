import type { AgentEvent } from '../../core/agents/events.js';
import { CodexAgentError } from '../../core/errors.js';
import { readRegistry } from '../../core/registry/file.js';
import { findTask } from '../../core/registry/task-ref.js';
import { sleep } from '../../core/runs/backoff.js';
import { openStateStore } from '../../core/store/open.js';
import type { EventRow } from '../../core/store/types.js';
import type { Context } from '../context.js';
import { paint, type Output } from '../output.js';
import { describeAgentEvent } from '../run-view.js';

interface LogOptions {
  run?: string;
  follow?: boolean;
  json?: boolean;
}

/** How often `--follow` looks for new events: fast enough to feel live, cheap on SQLite. */
const FOLLOW_INTERVAL_MS = 250;

/** `codex-agent task log <task> [--run ID] [--follow] [--json]` */
export async function taskLogCommand(ctx: Context, output: Output, ref: string, options: LogOptions): Promise<number> {
  const repo = ref.includes('/') ? undefined : await ctx.repo();
  const task = findTask(await readRegistry(ctx.paths.registry), ref, repo?.root);
  const store = await openStateStore(ctx.paths.stateDb, { readonly: true });
  const stop = new AbortController();
  const onSignal = () => stop.abort();
  process.once('SIGINT', onSignal);
  try {
    const runs = store.runsOf(task.repo, task.slug);
    let run = options.run === undefined ? runs.at(-1) : runs.find((r) => String(r.id) === options.run || String(r.attempt) === options.run);
    if (options.run !== undefined && !run) {
      throw new CodexAgentError('invalid-value', `${task.slug} has no run ${options.run}.`, { hint: `Its runs: ${runs.map((r) => r.id).join(', ') || 'none'}.` });
    }
    if (!run) {
      if (!options.follow) {
        output.err(`${task.slug} has not run yet. Start it with: codex-agent task run ${task.slug}`);
        return 0;
      }
      while (!run && !stop.signal.aborted) {
        await sleep(FOLLOW_INTERVAL_MS, stop.signal).catch(() => undefined);
        run = store.runsOf(task.repo, task.slug).at(-1);
      }
      if (!run) return 0;
    }
    if (!output.json) output.err(paint(output, 'dim', `run ${run.id} · attempt ${run.attempt} · ${run.profile} (${run.kind}) · ${run.result ?? run.phase}`));
    let afterId = 0;
    const print = (events: EventRow[]) => {
      for (const row of events) {
        afterId = row.id;
        if (output.json) output.out(JSON.stringify(row));
        else {
          const line = describeAgentEvent(row.data as AgentEvent);
          if (line) output.out(`${paint(output, 'dim', new Date(row.ts).toTimeString().slice(0, 8))}  ${line}`);
        }
      }
    };
    print(store.eventsOf(run.id));
    while (options.follow && !stop.signal.aborted) {
      const ended = store.run(run.id)?.endedAt !== null;
      print(store.eventsOf(run.id, { afterId }));
      if (ended) break;
      await sleep(FOLLOW_INTERVAL_MS, stop.signal).catch(() => undefined);
    }
    return 0;
  } finally {
    process.off('SIGINT', onSignal);
    store.close();
  }
}
