import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { agentRepo, type AgentRepo } from './helpers/agent-repo.js';
import { eventually, mountDashboard, type DashboardHarness } from './helpers/dashboard.js';
import { makeSandbox, type Sandbox } from './helpers/sandbox.js';

let sb: Sandbox;
let ar: AgentRepo;
let harness: DashboardHarness | undefined;
beforeEach(async () => {
  sb = makeSandbox();
  ar = await agentRepo(sb);
});
afterEach(async () => {
  await harness?.close();
  harness = undefined;
  sb.cleanup();
});

/** The real feed, store and actions on the agent repo, rendered at 200×50. */
async function dashboard(): Promise<DashboardHarness> {
  harness = await mountDashboard({ env: { ...sb.env, ...ar.env }, repo: ar.repo });
  return harness;
}

describe('the dashboard on a live engine', () => {
  it('follows a task through the state machine: ready → running (plan, events, git) → stuck with its question → answered → review', async () => {
    ar.script([
      [{ todo: ['Inspect', 'Write hello'] }, { exec: 'ls' }, { write: 'hello.txt', content: 'hello\n' }, { done: 1 }, { sleep: 1500 }, { finish: 'ask', text: 'Which greeting do you want?' }],
      [{ sleep: 800 }, { write: 'hello.txt', content: 'hi\n' }, { done: 2 }, { message: 'Greeting set.' }],
    ]);
    await sb.json(['task', 'add', 'Say hello', '--goal', 'Write hello.txt'], { cwd: ar.repo });
    const d = await dashboard();
    await eventually(() => /›○ say-hello +ready/.test(d.frame()), d.frame);
    expect(d.frame()).toContain('l launch');

    await d.press('l'); // launches `codex-agent task run say-hello`, detached
    await eventually(() => /● say-hello +(planning|execution)/.test(d.frame()), d.frame);
    await eventually(() => d.frame().includes('Plan 1/2') && d.frame().includes('✓ Inspect') && /[·▸] Write hello/.test(d.frame()), d.frame);
    await eventually(() => /\$ .*ls.*→ exit 0/.test(d.frame()) && /✎ (add|update) .*hello\.txt/.test(d.frame()), d.frame);
    await eventually(() => /~1/.test(d.frame()), d.frame); // the worktree's untracked hello.txt, from its git dir watch

    await eventually(() => /! say-hello +stuck/.test(d.frame()), d.frame);
    expect(d.frame()).toContain('Question: Which greeting do you want?');
    expect(d.frame()).toMatch(/say-hello is stuck: agent asks: Which greeting do you want\?/); // the notice
    expect(d.frame()).toMatch(/ready → running +launched[\s\S]*running → stuck +agent asks/); // the timeline
    expect(d.frame()).toContain('a answer');

    await d.press('a', ...'Say hi', '\r');
    await eventually(() => /◆ say-hello +review/.test(d.frame()), d.frame);
    expect(d.frame()).toMatch(/stuck → running +answered[\s\S]*running → review +agent done/);
    await eventually(() => /say-hello .*↑1 ↓0/.test(d.frame()), d.frame); // the commit, seen on the branch

    // Every frame on the way kept the size, and the states came in the machine's order.
    const seen = d.frames().map((f) => /say-hello +(ready|planning|execution|bootstrap|stuck|review)/.exec(f)?.[1]).filter(Boolean);
    const order = seen.filter((s, i) => s !== seen[i - 1]).map((s) => (s === 'planning' || s === 'execution' || s === 'bootstrap' ? 'running' : s));
    expect(order.filter((s, i) => s !== order[i - 1])).toEqual(['ready', 'running', 'stuck', 'running', 'review']);
    for (const f of d.frames()) expect(f.split('\n').length).toBeLessThanOrEqual(50);
  });

  it('adds a task with n and stops one with s, through the same core functions as the CLI', async () => {
    await sb.json(['task', 'add', 'First', '--goal', 'x'], { cwd: ar.repo });
    const d = await dashboard();
    await eventually(() => d.frame().includes('first'), d.frame);
    await d.press('n', ...'Add dark mode', '\r');
    await eventually(() => /added add-dark-mode/.test(d.frame()) && /›○ add-dark-mode/.test(d.frame()), d.frame);
    const listed = await sb.json<{ slug: string; status: string }[]>(['task', 'list'], { cwd: ar.repo });
    expect(listed.map((t) => t.slug).sort()).toEqual(['add-dark-mode', 'first']);
    await d.press('s');
    await eventually(() => /⊘ add-dark-mode +cancelled/.test(d.frame()) && d.frame().includes('stopped add-dark-mode'), d.frame);
    const after = await sb.json<{ slug: string; status: string }[]>(['task', 'list'], { cwd: ar.repo });
    expect(after.find((t) => t.slug === 'add-dark-mode')!.status).toBe('cancelled');
    await d.press('s');
    await eventually(() => d.frame().includes('add-dark-mode is cancelled: there is nothing to stop'), d.frame);
  });
});

