import { afterEach, describe, expect, it } from 'vitest';
import { agentRepo } from './helpers/agent-repo.js';
import { orphanRun } from './helpers/orphan-run.js';
import { makeSandbox, type Sandbox } from './helpers/sandbox.js';

let sb: Sandbox;
afterEach(() => sb.cleanup());

/** A repo with task `slow` whose run was left behind by a killed runner, under `tasks.retries = retries`. */
async function orphanedTask(retries: string) {
  sb = makeSandbox();
  const ar = await agentRepo(sb);
  ar.script([[{ todo: ['Think'] }, { sleep: 60_000 }]]);
  await sb.json(['task', 'add', 'Slow', '--slug', 'slow', '--goal', 'x'], { cwd: ar.repo });
  const env = { ...ar.env, CODEX_AGENT_TASKS_RETRIES: retries };
  await orphanRun(sb, ar, 'slow', env);
  return { ar, env };
}

describe('reconciling a run whose runner died', () => {
  for (const [retries, expected] of [['0', 'failed'], ['3', 'ready']] as const) {
    it(`uses the repo's tasks.retries (${retries}): the task becomes ${expected}`, async () => {
      const { ar, env } = await orphanedTask(retries);
      const status = await sb.cli(['manager', 'status'], { cwd: ar.repo, env });
      expect(status.stderr).toMatch(/slow: run \d+ was left by a supervisor that is gone — marked interrupted/);
      expect((await sb.json<{ status: string }>(['task', 'show', 'slow'], { cwd: ar.repo })).status).toBe(expected);
    });

    it(`the supervisor's own start-up reconcile uses it too (${retries}): the task becomes ${expected}`, async () => {
      const { ar, env } = await orphanedTask(retries);
      // The supervisor itself (what `manager launch` starts): it settles the orphan, finds nothing launched, and exits.
      const supervisor = await sb.cli(['manager', 'supervise'], { cwd: ar.repo, env });
      expect(supervisor.stdout).toMatch(/reconciled run \d+ of slow: interrupted/);
      expect((await sb.json<{ status: string }>(['task', 'show', 'slow'], { cwd: ar.repo })).status).toBe(expected);
    });
  }
});
