import { loadConfig } from '../../core/config/load.js';
import { supervisorLogFile } from '../../core/manager/start-supervisor.js';
import { LEASE_STALE_MS, supervise } from '../../core/manager/supervisor.js';
import { leaseIsLive, SupervisorStore } from '../../core/manager/supervisor-store.js';
import { makeRedactor, secretsFromEnv } from '../../core/redact.js';
import { Registry } from '../../core/registry/registry.js';
import { sleep } from '../../core/runs/backoff.js';
import { isProcessAlive } from '../../core/runs/proc.js';
import { openStateStore } from '../../core/store/open.js';
import type { Context } from '../context.js';
import { paint, printJson, type Output } from '../output.js';
import { reconcileOrphans } from './manager.js';

interface Activity {
  mode?: string;
  running?: { repo: string; slug: string }[];
  jobs?: { command: number; repo: string; wave: number | null; started: string[] }[];
}

/** How long `manager stop --now` waits for the supervisor to stop its agents and exit. */
const STOP_NOW_WAIT_MS = 30_000;
/** How long `manager stop` waits for the supervisor to acknowledge. */
const STOP_ACK_WAIT_MS = 10_000;

/** `codex-agent manager status [--json]`: whether the supervisor runs, since when, and what it does. */
export async function managerStatusCommand(ctx: Context, output: Output): Promise<number> {
  const reconciled = await reconcileOrphans(ctx, output);
  const commands = new SupervisorStore(ctx.paths.stateDb);
  try {
    const lease = commands.lease();
    const live = lease !== undefined && leaseIsLive(lease, LEASE_STALE_MS);
    const activity = (live ? lease.activity : null) as Activity | null;
    if (output.json) {
      printJson(output, {
        running: live,
        supervisor: live ? { pid: lease.pid, owner: lease.owner, since: lease.startedAt, heartbeatAt: lease.heartbeatAt, mode: activity?.mode ?? 'run', tasks: activity?.running ?? [], launches: activity?.jobs ?? [] } : null,
        logFile: supervisorLogFile(ctx.paths),
        reconciledRuns: reconciled,
      });
      return 0;
    }
    if (!live) {
      output.out(`The supervisor is not running.${lease ? ` (The last one, pid ${lease.pid}, stopped answering ${Math.round((Date.now() - lease.heartbeatAt) / 1000)} s ago.)` : ''}`);
      output.out(paint(output, 'dim', `Start one with: codex-agent manager launch · log: ${supervisorLogFile(ctx.paths)}`));
      return 0;
    }
    const running = activity?.running ?? [];
    output.out(`The supervisor is running: pid ${lease.pid}, since ${new Date(lease.startedAt).toLocaleString()}${activity?.mode && activity.mode !== 'run' ? ` (stopping: ${activity.mode === 'abort' ? 'stopping its agents' : 'letting its agents finish'})` : ''}.`);
    output.out(running.length ? `Running ${running.length} agent${running.length === 1 ? '' : 's'}: ${running.map((r) => r.slug).join(', ')}` : 'No agent is running right now.');
    for (const job of activity?.jobs ?? []) output.out(`Launch ${job.command} in ${job.repo}${job.wave ? ` (wave ${job.wave})` : ''}: started ${job.started.join(', ') || 'nothing yet'}`);
    output.out(paint(output, 'dim', `log: ${supervisorLogFile(ctx.paths)}`));
    return 0;
  } finally {
    commands.close();
  }
}

/** `codex-agent manager stop [--now]` */
export async function managerStopCommand(ctx: Context, output: Output, options: { now?: boolean }): Promise<number> {
  const commands = new SupervisorStore(ctx.paths.stateDb);
  try {
    const lease = commands.lease();
    if (!lease || !leaseIsLive(lease, LEASE_STALE_MS)) {
      if (output.json) printJson(output, { running: false, stopped: [] });
      else output.out('The supervisor is not running; nothing to stop.');
      return 0;
    }
    const id = commands.enqueue(options.now ? 'stop-now' : 'stop', {});
    const ackDeadline = Date.now() + STOP_ACK_WAIT_MS;
    let command = commands.command(id);
    while (command?.doneAt == null && isProcessAlive(lease.pid) && Date.now() < ackDeadline) {
      await sleep(50);
      command = commands.command(id);
    }
    const letFinish = ((command?.result as { stopping?: string[] } | null)?.stopping ?? []).filter(Boolean);
    let exited = !isProcessAlive(lease.pid);
    if (options.now) {
      const deadline = Date.now() + STOP_NOW_WAIT_MS;
      while (!exited && Date.now() < deadline) {
        await sleep(100);
        exited = !isProcessAlive(lease.pid);
      }
    }
    if (output.json) printJson(output, { running: !exited, pid: lease.pid, now: Boolean(options.now), agents: letFinish, exited });
    else if (options.now) output.out(exited ? `Stopped the supervisor (pid ${lease.pid})${letFinish.length ? ` and its agents: ${letFinish.join(', ')}` : ''}.` : `The supervisor (pid ${lease.pid}) is still stopping its agents; see codex-agent manager status.`);
    else output.out(letFinish.length ? `The supervisor (pid ${lease.pid}) starts nothing more and exits once these finish: ${letFinish.join(', ')}.` : `The supervisor (pid ${lease.pid}) is stopping.`);
    return 0;
  } finally {
    commands.close();
  }
}

/** `codex-agent manager supervise` (hidden): the supervisor process itself, started by `launch`. */
export async function managerSuperviseCommand(ctx: Context, output: Output): Promise<number> {
  const redact = makeRedactor({ secrets: secretsFromEnv(ctx.env) });
  const store = await openStateStore(ctx.paths.stateDb, { redact });
  const commands = new SupervisorStore(ctx.paths.stateDb, redact);
  const controller = new AbortController();
  const onSignal = () => controller.abort();
  process.on('SIGTERM', onSignal);
  process.on('SIGINT', onSignal);
  try {
    const exit = await supervise({
      paths: ctx.paths,
      env: ctx.env,
      registry: new Registry(ctx.paths.registry),
      store,
      commands,
      redact,
      loadConfig: async (repo, flags) => loadConfig({ repoRoot: repo, env: ctx.env, paths: ctx.paths, flags }).config,
      logFile: supervisorLogFile(ctx.paths),
      log: (line) => output.out(`${new Date().toISOString()} [${process.pid}] ${redact(line)}`),
      signal: controller.signal,
    });
    if (exit === 'lease-held') output.out(`${new Date().toISOString()} [${process.pid}] another supervisor holds the lease; exiting`);
    return 0;
  } finally {
    process.off('SIGTERM', onSignal);
    process.off('SIGINT', onSignal);
    commands.close();
    store.close();
  }
}
