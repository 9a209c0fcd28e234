import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { CodexAgentError } from '../../core/errors.js';
import { pickLaunchable } from '../../core/manager/launchable.js';
import { reconcileRuns } from '../../core/manager/reconcile-runs.js';
import { startSupervisorProcess, supervisorLogFile } from '../../core/manager/start-supervisor.js';
import { LEASE_STALE_MS } from '../../core/manager/supervisor.js';
import { leaseIsLive, SupervisorStore, type Lease } from '../../core/manager/supervisor-store.js';
import { planWaves, type Plan } from '../../core/plan/waves.js';
import { makeRedactor, secretsFromEnv } from '../../core/redact.js';
import { Registry } from '../../core/registry/registry.js';
import { sleep } from '../../core/runs/backoff.js';
import { openStateStore } from '../../core/store/open.js';
import type { Context } from '../context.js';
import { paint, printJson, type Output } from '../output.js';
import { STATUS_LOOK } from '../task-style.js';

interface PlanOptions {
  maxParallel?: string;
}
interface LaunchOptions extends PlanOptions {
  wave?: string;
  all?: boolean;
  dryRun?: boolean;
}

/** How long `manager launch` waits for the supervisor to take its request. */
const LAUNCH_WAIT_MS = 15_000;
/** How long a supervisor that was started gets to take the lease before another is started. */
const RESTART_AFTER_MS = 3_000;
/** The built CLI entry point, which the supervisor process runs. */
const BIN = fileURLToPath(new URL('../bin.js', import.meta.url));

function parseCount(value: string | undefined, flag: string): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1 || n > 64) throw new CodexAgentError('invalid-value', `${flag} must be a whole number from 1 to 64, not "${value}".`);
  return n;
}

async function planFor(ctx: Context, options: PlanOptions): Promise<{ repo: string; plan: Plan; flags: Record<string, string> }> {
  const repo = await ctx.requireRepo();
  const maxParallel = parseCount(options.maxParallel, '--max-parallel');
  const flags: Record<string, string> = maxParallel === undefined ? {} : { 'manager.max_parallel': String(maxParallel) };
  const { config } = await ctx.config(flags);
  const tasks = (await new Registry(ctx.paths.registry).read()).tasks.filter((t) => t.repo === repo.root);
  const conflicts = await storedBranchConflicts(ctx, repo.root);
  return { repo: repo.root, plan: planWaves(tasks, { maxParallel: config.manager.max_parallel, branchConflicts: () => conflicts }), flags: { ...ctx.configFlags, ...flags } };
}

/** Pairs of tasks whose branches already conflict, from the stored merge checks (`merge check --all`). */
async function storedBranchConflicts(ctx: Context, repo: string): Promise<(readonly [string, string])[]> {
  if (!existsSync(ctx.paths.stateDb)) return [];
  const { openStateStore } = await import('../../core/store/open.js');
  const { conflictingPairs } = await import('../../core/merge/merge-check-store.js');
  const store = await openStateStore(ctx.paths.stateDb, { readonly: true });
  try {
    return conflictingPairs(store, repo).map(([a, b]) => [a, b] as const);
  } finally {
    store.close();
  }
}

function printPlan(output: Output, plan: Plan): void {
  if (plan.waves.length === 0 && plan.blocked.length === 0) {
    output.out('No open tasks to plan. Add one: codex-agent task add "<title>"');
    return;
  }
  const width = Math.max(4, ...plan.tasks.map((t) => t.slug.length), ...plan.blocked.map((t) => t.slug.length));
  for (const wave of plan.waves) {
    output.out(paint(output, 'bold', `Wave ${wave.number}`) + paint(output, 'dim', ` (${wave.slugs.length} of max ${plan.maxParallel})`));
    for (const t of plan.tasks.filter((p) => p.wave === wave.number)) {
      output.out(`  ${t.slug.padEnd(width)}  ${paint(output, STATUS_LOOK[t.status].style, t.status.padEnd(7))}  ${t.reason}`);
    }
  }
  if (plan.blocked.length) {
    output.out(paint(output, 'bold', 'Blocked'));
    for (const t of plan.blocked) output.out(`  ${t.slug.padEnd(width)}  ${paint(output, STATUS_LOOK[t.status].style, t.status.padEnd(7))}  ${t.reason}`);
  }
}

/** `codex-agent manager plan [--max-parallel N] [--json]` */
export async function managerPlanCommand(ctx: Context, output: Output, options: PlanOptions): Promise<number> {
  const { repo, plan } = await planFor(ctx, options);
  if (output.json) printJson(output, { repo, ...plan });
  else printPlan(output, plan);
  return 0;
}

/** Marks the runs of a dead supervisor interrupted and puts their tasks back (PROC-3, PROC-4). */
export async function reconcileOrphans(ctx: Context, output: Output): Promise<number> {
  const store = await openStateStore(ctx.paths.stateDb, { redact: makeRedactor({ secrets: secretsFromEnv(ctx.env) }) });
  try {
    const registry = new Registry(ctx.paths.registry);
    const reconciled = await reconcileRuns(registry, store, { graceMs: 5_000, repoRetries: (repo) => repoRetries(ctx, repo) });
    for (const r of reconciled) {
      output.err(`${r.slug}: run ${r.runId} was left by a supervisor that is gone — marked interrupted${r.killedGroup ? `, its agent (group ${r.killedGroup}) stopped` : ''}${r.task ? `, task ${r.task}` : ''}${r.resumable ? ` (its next run resumes agent session ${r.resumable})` : ''}.`);
    }
    return reconciled.length;
  } finally {
    store.close();
  }
}

/** A repo's `tasks.retries`: this repo's effective config (flags and env included), another's from its files. */
async function repoRetries(ctx: Context, repo: string): Promise<number> {
  if (repo === (await ctx.repo())?.root) return (await ctx.config()).config.tasks.retries;
  const { loadConfig } = await import('../../core/config/load.js');
  return loadConfig({ repoRoot: repo, env: ctx.env, paths: ctx.paths }).config.tasks.retries;
}

function describeLease(lease: Lease): string {
  return `pid ${lease.pid}, running since ${new Date(lease.startedAt).toLocaleTimeString()}`;
}

/** `codex-agent manager launch [--wave N | --all] [--max-parallel N] [--dry-run]` */
export async function managerLaunchCommand(ctx: Context, output: Output, options: LaunchOptions): Promise<number> {
  if (options.wave !== undefined && options.all) throw new CodexAgentError('usage', 'Give --wave N or --all, not both.');
  const waveNumber = parseCount(options.wave, '--wave');
  const { repo, plan, flags } = await planFor(ctx, options);
  const wave = waveNumber === undefined ? undefined : plan.waves[waveNumber - 1];
  if (waveNumber !== undefined && !wave) {
    throw new CodexAgentError('invalid-value', `There is no wave ${waveNumber}: the plan has ${plan.waves.length} wave${plan.waves.length === 1 ? '' : 's'}.`, { hint: 'See codex-agent manager plan.' });
  }
  const slugs = wave ? wave.slugs : null;
  if (options.dryRun) {
    const { config } = await ctx.config(flags);
    const tasks = (await new Registry(ctx.paths.registry).read()).tasks.filter((t) => t.repo === repo);
    const now = pickLaunchable({ tasks, scope: slugs ? new Set(slugs) : null, running: new Map(), maxParallel: plan.maxParallel, startAfter: config.manager.start_after }).map((l) => l.task.slug);
    if (output.json) printJson(output, { dryRun: true, wouldStart: now, wave: waveNumber ?? null, plan });
    else {
      printPlan(output, plan);
      output.out(`\nWould start now: ${now.join(', ') || 'nothing (no task is ready)'}`);
    }
    return 0;
  }

  await reconcileOrphans(ctx, output);
  const commands = new SupervisorStore(ctx.paths.stateDb);
  try {
    const id = commands.enqueue('launch', { repo, wave: waveNumber ?? null, slugs, maxParallel: plan.maxParallel, configFlags: flags });
    const before = commands.lease();
    const reused = before !== undefined && leaseIsLive(before, LEASE_STALE_MS);
    const start = () => startSupervisorProcess({ binPath: BIN, paths: ctx.paths, env: ctx.env, cwd: repo });
    let startedAt = reused ? 0 : (start(), Date.now());
    const deadline = Date.now() + LAUNCH_WAIT_MS;
    let command = commands.command(id);
    while ((command?.takenAt == null || command.result === null) && Date.now() < deadline) {
      await sleep(50);
      command = commands.command(id);
      // A supervisor that was just finishing may have exited without seeing the request.
      const lease = commands.lease();
      if (command?.takenAt == null && !(lease && leaseIsLive(lease, LEASE_STALE_MS)) && Date.now() - startedAt > RESTART_AFTER_MS) startedAt = (start(), Date.now());
    }
    if (command?.takenAt == null || command.result === null) {
      throw new CodexAgentError('supervisor-unavailable', `The supervisor did not take the launch request within ${LAUNCH_WAIT_MS / 1000} s (it stays queued as command ${id}).`, {
        hint: `See its log: ${supervisorLogFile(ctx.paths)}`,
      });
    }
    const lease = commands.lease();
    const result = command.result as { started?: string[] };
    const started = result.started ?? [];
    if (output.json) {
      printJson(output, { command: id, supervisor: lease ? { pid: lease.pid, since: lease.startedAt, reused } : null, wave: waveNumber ?? null, started, plan });
    } else {
      output.out(`${reused ? 'Handed to the running supervisor' : 'Started the supervisor'}${lease ? ` (${describeLease(lease)})` : ''}.`);
      output.out(started.length ? `Started: ${started.join(', ')}` : 'Nothing to start now (no task is ready).');
      const later = plan.tasks.filter((t) => !started.includes(t.slug) && (slugs === null || slugs.includes(t.slug)) && (t.status === 'todo' || t.status === 'ready'));
      if (later.length) output.out(`Later: ${later.map((t) => `${t.slug} (wave ${t.wave})`).join(', ')}`);
      output.out(paint(output, 'dim', 'Follow it with: codex-agent manager monitor'));
    }
    return 0;
  } finally {
    commands.close();
  }
}
