import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SupervisorStore } from '../core/manager/supervisor-store.js';
import { ownerId } from '../core/runs/stop.js';
import { ValidationStore } from '../core/validate/validation-store.js';
import { eventually, mountDashboard, type DashboardHarness } from './helpers/dashboard.js';
import { branchWith, commitFiles, lines } from './helpers/merge-repo.js';
import { makeSandbox, type Sandbox } from './helpers/sandbox.js';
import { editTask } from './helpers/worktree-repo.js';

let sb: Sandbox;
let repo: string;
let harness: DashboardHarness | undefined;

beforeEach(async () => {
  sb = makeSandbox();
  repo = sb.repo('app');
  commitFiles(sb, repo, { 'x.txt': lines(20), 'y.txt': lines(20) }, 'start');
  // a and b edit the same line; e collides with its base; c waits for a.
  const changes: Record<string, Record<string, string>> = { a: { 'x.txt': lines(20, { 5: 'a' }) }, b: { 'x.txt': lines(20, { 5: 'b' }) }, e: { 'y.txt': lines(20, { 3: 'e' }) } };
  for (const [slug, files] of Object.entries(changes)) {
    branchWith(sb, repo, `codex/${slug}`, 'main', files);
    const added = await sb.cli(['task', 'add', `Task ${slug}`, '--slug', slug, '--base', 'main'], { cwd: repo });
    expect(added.code, added.stderr).toBe(0);
    editTask(sb, slug, (t) => (t.status = 'review'));
  }
  const c = await sb.cli(['task', 'add', 'Task c', '--slug', 'c', '--base', 'main', '--deps', 'a'], { cwd: repo });
  expect(c.code, c.stderr).toBe(0);
  commitFiles(sb, repo, { 'y.txt': lines(20, { 3: 'main' }) }, 'main moves on');
});
afterEach(async () => {
  await harness?.close();
  harness = undefined;
  sb.cleanup();
});

/** The real feed into the store, rendered at 200×50; the supervisor's lease is looked at every 200 ms. */
async function dashboard(): Promise<DashboardHarness> {
  harness = await mountDashboard({ env: sb.env, repo, feed: { slowRefreshMs: 200 } });
  return harness;
}

describe('the dashboard shows waves, verdicts, conflicts and the supervisor', () => {
  it('groups by the manager’s waves and follows the radar, a verdict and the supervisor as other processes store them', async () => {
    const d = await dashboard();
    // The plan `manager plan` would print: a, b, e in wave 1 (no conflicts known yet), c after a.
    await eventually(() => /wave 1 of 2/.test(d.frame()), d.frame);
    expect(d.frame()).toMatch(/── wave 1 \(3\)[\s\S]*── wave 2 \(1\)[\s\S]* c /);
    expect(d.frame()).toContain('supervisor down');

    // The radar, run by another process: conflicts appear as markers and a notice.
    const radar = await sb.cli(['merge', 'check', '--all'], { cwd: repo });
    expect(radar.code, radar.stderr).toBe(1);
    await eventually(() => /⚡b/.test(d.row('a')) && /⚡a/.test(d.row('b')) && /⚡base/.test(d.row('e')), d.frame);
    expect(d.frame()).toMatch(/conflicts with/); // the notice in the status line
    // a and b conflict, so the plan keeps them apart: b moves to wave 2, beside c.
    await eventually(() => /── wave 1 \(2\)[\s\S]* a [\s\S]* e [\s\S]*── wave 2 \(2\)[\s\S]* b [\s\S]* c /.test(d.frame()), d.frame);

    // The selected task's detail pane names the conflicting files.
    d.store.setState({ selected: d.store.getState().tasks.find((t) => t.task.slug === 'e')!.key });
    await eventually(() => /✗ conflicts with main in y\.txt/.test(d.frame()), d.frame);

    // A failed verdict, stored as `task validate` stores it.
    const validations = ValidationStore.open(d.paths.stateDb);
    try {
      validations.save({
        repo, slug: 'e', runId: null, round: 1, mode: 'validate', pass: false, review: 'skipped', summary: 'tests failed', base: 'main', head: null,
        findings: [{ source: 'policy', rule: 'max_line_length', severity: 'error', file: 'y.txt', line: 3, message: 'line is 130 characters long' }],
        checks: [{ name: 'test', argv: ['npm', 'test'], required: true, status: 'fail', exitCode: 1, durationMs: 5, tail: '', logFile: '/dev/null' }],
        startedAt: Date.now() - 10, endedAt: Date.now(),
      });
    } finally {
      validations.close();
    }
    await eventually(() => /✗ fail/.test(d.row('e')), d.frame);
    expect(d.frame()).toMatch(/e failed validation: tests failed/);
    expect(d.frame()).toMatch(/Verdict ✗ fail/);
    expect(d.frame()).toMatch(/error y\.txt:3 line is 130 characters long/);
    expect(d.frame()).toMatch(/✗ test fail/);

    // e is stopped: the notice about it goes, and so do its old merge results (only active branches count).
    const stopped = await sb.cli(['task', 'stop', 'e'], { cwd: repo });
    expect(stopped.code, stopped.stderr).toBe(0);
    await eventually(() => /e +cancelled/.test(d.row('e')), d.frame);
    await eventually(() => d.store.getState().status === null, d.frame);
    expect(d.row('e')).not.toContain('⚡');
    expect(d.frame()).not.toMatch(/✗ conflicts with main in y\.txt/);

    // A supervisor takes the lease (this process stands in for it), then lets it go.
    const supervisor = new SupervisorStore(d.paths.stateDb);
    try {
      expect(supervisor.acquireLease(ownerId(), process.pid, 15_000, null)).toBe(true);
      await eventually(() => d.frame().includes('supervisor up'), d.frame);
      supervisor.releaseLease(ownerId());
      await eventually(() => d.frame().includes('supervisor down'), d.frame);
    } finally {
      supervisor.close();
    }
  });

  it('announces nothing that was already so when it started', async () => {
    const radar = await sb.cli(['merge', 'check', '--all'], { cwd: repo });
    expect(radar.code, radar.stderr).toBe(1);
    const d = await dashboard();
    await eventually(() => /⚡b/.test(d.row('a')), d.frame);
    expect(d.store.getState().notices).toEqual([]);
    expect(d.store.getState().status).toBeNull();
    expect(d.frame()).toMatch(/⚡ conflicts with b in x\.txt/); // shown in the detail pane all the same
  });
});
