import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Registry } from '../core/registry/registry.js';
import { addTask } from '../core/registry/task-ops.js';
import { agentRepo } from './helpers/agent-repo.js';
import { orphanRun } from './helpers/orphan-run.js';
import { BIN, makeSandbox, type Sandbox } from './helpers/sandbox.js';
import { openPane, shq, TMUX_MISSING, type Pane } from './helpers/tmux.js';

/** A real terminal: a tmux pane of a fixed size running the built CLI. */
const ROWS = 20;
const COLUMNS = 90;

let sb: Sandbox;
let repo: string;
let pane: Pane | undefined;

function dash(): Pane {
  if (!pane) throw new Error('the dashboard was not started');
  return pane;
}
const waitFor = (check: (s: string) => boolean, what: string, ms = 15_000) => dash().waitFor(check, what, { ms });
const keys = (...k: string[]) => dash().keys(...k);

/** The frame is never taller than the pane: the header stays on the first row, nothing scrolled. */
function assertFits(s: string): void {
  const rows = s.replace(/\n$/, '').split('\n');
  expect(rows.length).toBeLessThanOrEqual(ROWS);
  expect(rows[0]).toMatch(/^codex-agent · app/);
  for (const row of rows) expect([...row].length).toBeLessThanOrEqual(COLUMNS);
}

/** `count` ready tasks task-01… in `repo`. */
async function readyTasks(count: number): Promise<void> {
  const registry = new Registry(sb.registryFile);
  await registry.update((r) => {
    for (let i = 1; i <= count; i++) addTask(r, { repo, title: `Task number ${i}`, slug: `task-${String(i).padStart(2, '0')}`, goal: 'x', base: 'main', branchPattern: 'codex/{slug}', knownAgents: ['codex'] }, new Date().toISOString());
  });
}

/** Runs `status --tui` in the repo in a pane of ROWS×COLUMNS; the script prints EXIT:<code> when it returns. */
function startDashboard(env: NodeJS.ProcessEnv = {}): void {
  const script = `cd ${shq(repo)}\nprintf 'BEFORE-THE-DASHBOARD\\n'\n${shq(process.execPath)} ${shq(BIN)} status --tui\necho "EXIT:$?"\nsleep 600\n`;
  pane = openPane(sb.dir, script, { columns: COLUMNS, rows: ROWS }, { ...sb.env, ...env });
}

beforeEach(() => {
  sb = makeSandbox();
});
afterEach(() => {
  pane?.kill();
  pane = undefined;
  sb.cleanup();
});

describe.skipIf(TMUX_MISSING)('status --tui in a real terminal (tmux)', () => {
  it('fills the pane without exceeding it, moves, shows help, quits and leaves the terminal as it was', async () => {
    repo = sb.repo('app');
    await readyTasks(30);
    startDashboard();

    let s = await waitFor((x) => x.includes('task-01') && /›.*task-01/.test(x), 'the dashboard');
    expect(dash().alternate()).toBe(true);
    assertFits(s);
    expect(s).toMatch(/30 ready/);
    expect(s).not.toContain('BEFORE-THE-DASHBOARD');

    keys('j', 'j', 'Down');
    s = await waitFor((x) => /›.*task-04/.test(x), 'the selection on task-04');
    assertFits(s);

    keys('End');
    s = await waitFor((x) => /›.*task-30/.test(x), 'the selection on the last task, scrolled into view');
    assertFits(s);
    expect(s).not.toContain('task-01 ');

    keys('Home');
    s = await waitFor((x) => /›.*task-01/.test(x), 'back at the first task');
    assertFits(s);

    keys('?');
    s = await waitFor((x) => x.includes('select the task below'), 'the help overlay');
    assertFits(s);
    keys('Escape');
    s = await waitFor((x) => !x.includes('select the task below') && x.includes('task-01'), 'help closed');

    dash().resize(60, 12);
    // Redrawn for the new size: the header on the first row, the footer on the last row of the frame.
    s = await waitFor((x) => /^codex-agent · app/.test(x) && x.replace(/\n$/, '').split('\n').length <= 12 && /Enter details/.test(x.split('\n')[10] ?? ''), 'the smaller frame');
    expect(s.split('\n')[0]).toMatch(/^codex-agent · app/);
    for (const row of s.split('\n')) expect([...row].length).toBeLessThanOrEqual(60);

    keys('q');
    s = await waitFor((x) => x.includes('EXIT:0'), 'the exit');
    expect(dash().alternate()).toBe(false);
    expect(s).toContain('BEFORE-THE-DASHBOARD');
    expect(s).not.toContain('task-01');
  });

  it('validates the selected task in review with v and shows the verdict', async () => {
    // The worker writes hello.txt (run 0); the validator, the same fake agent, passes it (run 1).
    const ar = await agentRepo(sb, 'codex', '\n[[validate.checks]]\nname = "unit"\nrun = ["true"]\n');
    repo = ar.repo;
    const verdict = { pass: true, summary: 'The greeting is there.', findings: [] };
    ar.script([[{ write: 'hello.txt', content: 'hello\n' }, { message: 'Wrote hello.txt.' }], [{ message: `Reviewed.\n\`\`\`json\n${JSON.stringify(verdict)}\n\`\`\`` }]]);
    await readyTasks(3);
    await sb.json(['task', 'add', 'Say hello', '--slug', 'say-hello', '--goal', 'Create hello.txt'], { cwd: repo });
    const ran = await sb.cli(['task', 'run', 'say-hello'], { cwd: repo, env: ar.env });
    expect(ran.code, ran.stderr).toBe(0);
    startDashboard({ ...ar.env, CODEX_AGENT_ROLES_VALIDATOR: 'fake' });

    let s = await waitFor((x) => /say-hello +review/.test(x) && x.includes('task-01'), 'the dashboard');
    assertFits(s);
    // Refused on a ready task, with the reason in the status line.
    keys('Home');
    s = await waitFor((x) => /›.*task-01/.test(x), 'the first ready task selected');
    keys('v');
    s = await waitFor((x) => x.includes('task-01 is ready: only a task in review or stuck can be validated'), 'the refusal');
    assertFits(s);
    for (let i = 0; i < 4 && !/›.*say-hello/.test(dash().screen()); i++) {
      const before = dash().screen();
      keys('j');
      await waitFor((x) => x !== before, 'the selection to move');
    }
    s = await waitFor((x) => /›.*say-hello/.test(x) && /v validate/.test(x), 'say-hello selected, v in the footer');
    keys('v');
    s = await waitFor((x) => x.includes('Verdict for say-hello: PASS'), 'the verdict in the status line', 45_000);
    assertFits(s);
    expect(s).toMatch(/Verdict for say-hello: PASS — 1\/1 checks passed/);
    const shown = await sb.json<{ status: string; verdict: { verdict: string } | null }>(['task', 'show', 'say-hello'], { cwd: repo });
    expect(shown).toMatchObject({ status: 'review', verdict: { verdict: 'pass' } });

    keys('q');
    s = await waitFor((x) => x.includes('EXIT:0'), 'the exit');
    expect(dash().alternate()).toBe(false);
  });

  it('settles a run whose runner died before showing it, and says so in the status line', async () => {
    const ar = await agentRepo(sb);
    repo = ar.repo;
    ar.script([[{ todo: ['Think for a long time'] }, { sleep: 60_000 }]]);
    await sb.json(['task', 'add', 'Slow one', '--slug', 'slow-one', '--goal', 'Take your time'], { cwd: repo });
    // A foreground `task run`, killed hard while its agent works: its run stays marked active.
    await orphanRun(sb, ar, 'slow-one');
    expect(ar.invocations()).toHaveLength(1);
    expect((await sb.json<{ status: string }>(['task', 'show', 'slow-one'], { cwd: repo })).status).toBe('running');

    startDashboard();
    const s = await waitFor((x) => /slow-one: run \d+ was left by a supervisor that is gone — marked interrupted/.test(x), 'the reconcile notice');
    assertFits(s);
    await waitFor((x) => /slow-one +ready/.test(x), 'the task back to ready');
    expect((await sb.json<{ status: string }>(['task', 'show', 'slow-one'], { cwd: repo })).status).toBe('ready');
    keys('q');
    await waitFor((x) => x.includes('EXIT:0'), 'the exit');
  });

  it('ends quietly when its terminal goes away', async () => {
    repo = sb.repo('app');
    await readyTasks(5);
    // The shell ignores SIGHUP, and so does the dashboard it starts: only the failing writes (EIO) tell it.
    const exitFile = join(sb.dir, 'exit-code');
    const script = `trap '' HUP\ncd ${shq(repo)}\n${shq(process.execPath)} ${shq(BIN)} status --tui 2>${shq(join(sb.dir, 'stderr'))}\necho $? > ${shq(exitFile)}\n`;
    pane = openPane(sb.dir, script, { columns: COLUMNS, rows: ROWS }, sb.env);
    await waitFor((x) => x.includes('task-05'), 'the dashboard');
    dash().hangUp();
    const end = Date.now() + 15_000;
    while (Date.now() < end && !existsSync(exitFile)) await new Promise((r) => setTimeout(r, 50));
    // Ended as a hung-up program ends (128 + SIGHUP), without an error or Node's abort at exit.
    expect(readFileSync(exitFile, 'utf8').trim()).toBe('129');
    expect(readFileSync(join(sb.dir, 'stderr'), 'utf8')).not.toMatch(/Error|EIO|Assertion|Abort/);
  });

  it('without a terminal it says it needs one and exits 2', async () => {
    repo = sb.repo('app');
    await readyTasks(30);
    const result = await sb.cli(['status', '--tui'], { cwd: repo });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('status --tui needs a terminal');
    const plain = await sb.cli(['status'], { cwd: repo });
    expect(plain.code).toBe(0);
    expect(plain.stdout).toContain('task-01');
  });
});
