import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { BIN, makeSandbox, type Sandbox } from './helpers/sandbox.js';
import { openPane, shq, TMUX_MISSING, type Pane } from './helpers/tmux.js';

/** `codex-agent demo --tui` in a real terminal: the dashboard follows the demo, then the summary. */
const ROWS = 24;
const COLUMNS = 100;
const SLUGS = ['slugify', 'title-case', 'cli', 'docs'];

let sb: Sandbox;
let pane: Pane | undefined;
beforeEach(() => {
  sb = makeSandbox();
});
afterEach(() => {
  pane?.kill();
  pane = undefined;
  stopSupervisors();
  sb.cleanup();
});

/** `manager supervise` processes of this sandbox's demos (the demo should have stopped them). */
function supervisors(): number[] {
  const found: number[] = [];
  for (const pid of readdirSync('/proc').filter((name) => /^\d+$/.test(name))) {
    try {
      const cmdline = readFileSync(`/proc/${pid}/cmdline`, 'utf8');
      if (cmdline.includes('manager\0supervise') && readFileSync(`/proc/${pid}/environ`, 'utf8').includes(`XDG_STATE_HOME=${sb.dir}/`)) found.push(Number(pid));
    } catch {
      // gone meanwhile, or not ours
    }
  }
  return found;
}
function stopSupervisors(): void {
  for (const pid of supervisors()) process.kill(pid, 'SIGKILL');
}
const scratchDirs = () => readdirSync(sb.dir).filter((name) => name.startsWith('codex-agent-demo-'));

function startDemo(): Pane {
  const script = [
    `cd ${shq(sb.dir)}`,
    // Caught (not ignored, so the demo gets the default): a Ctrl-C must not end the pane's script.
    "trap 'echo INT-IN-PANE-SCRIPT' INT",
    "printf 'BEFORE-THE-DEMO\\n'",
    `${shq(process.execPath)} ${shq(BIN)} demo --tui`,
    'echo "EXIT:$?"',
    'sleep 600',
    '',
  ].join('\n');
  pane = openPane(sb.dir, script, { columns: COLUMNS, rows: ROWS }, { ...sb.env, TMPDIR: sb.dir });
  return pane;
}

/** Waits for the dashboard's first frame. */
async function dashboardUp(p: Pane): Promise<void> {
  await p.waitFor((x) => p.alternate() && /^codex-agent · textkit/.test(x), 'the dashboard', { ms: 30_000 }).catch((err: Error) => {
    throw new Error(`${err.message}\nThe terminal's history:\n${p.history()}`);
  });
}

/** Why a dashboard frame does not fit the pane, or '' when it does: header on the first row, footer kept, no row too wide. */
function misfit(screen: string): string {
  const rows = screen.replace(/\n$/, '').split('\n');
  if (rows.length > ROWS) return `${rows.length} rows`;
  if (!/^codex-agent · textkit/.test(rows[0] ?? '')) return `the first row is not the header: ${rows[0]}`;
  if (!rows.some((row) => /\bq quit\b/.test(row))) return 'no footer';
  const wide = rows.find((row) => [...row].length > COLUMNS);
  return wide ? `a row wider than ${COLUMNS}: ${wide}` : '';
}

/** The STATE column of each demo task in a frame. */
function states(screen: string): Map<string, string> {
  const found = new Map<string, string>();
  for (const slug of SLUGS) {
    const m = new RegExp(`^[ ›]\\S ${slug}\\s{2,}(\\S+)`, 'm').exec(screen);
    if (m) found.set(slug, m[1]!);
  }
  return found;
}

/**
 * Watches the dashboard until `done` holds for a frame, checking every frame on the way; a frame
 * that does not fit is looked at again a moment later (a capture can fall between two writes of one frame).
 */
async function follow(p: Pane, done: (screen: string) => boolean, seen: Map<string, Set<string>>, ms = 150_000): Promise<string> {
  const end = Date.now() + ms;
  let last = '';
  while (Date.now() < end) {
    last = p.screen();
    if (misfit(last)) {
      await new Promise((r) => setTimeout(r, 300));
      last = p.screen();
      expect(misfit(last), last).toBe('');
    }
    if (!p.alternate()) throw new Error(`the dashboard is gone; the terminal:\n${p.history()}`);
    for (const [slug, state] of states(last)) seen.set(slug, (seen.get(slug) ?? new Set()).add(state));
    if (done(last)) return last;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`timed out following the dashboard; the screen:\n${last}`);
}

/** The demo's process (the pane's shell's child) has only the dashboard left as a child, for a while. */
async function demoOnlyWaitsForTheDashboard(p: Pane): Promise<void> {
  const children = (pid: string) => execFileSync('ps', ['-o', 'pid=', '--ppid', pid], { encoding: 'utf8' }).split('\n').map((s) => s.trim()).filter(Boolean);
  const panePid = p.panePid();
  let calm = 0;
  const end = Date.now() + 60_000;
  while (calm < 5) {
    if (Date.now() > end) throw new Error('the demo did not finish');
    const [demo] = children(panePid);
    calm = demo && supervisors().length === 0 && children(demo).length === 1 ? calm + 1 : 0;
    await new Promise((r) => setTimeout(r, 200));
  }
}

describe(`demo --tui in a real terminal (tmux)${TMUX_MISSING ? ` — ${TMUX_MISSING}` : ''}`, { timeout: 240_000 }, () => {
  it.skipIf(TMUX_MISSING)('follows the demo live within the pane; q after the end leaves the terminal as it was and prints the steps and the summary', async () => {
    const p = startDemo();
    await dashboardUp(p);
    const seen = new Map<string, Set<string>>();
    let s = await follow(p, (x) => SLUGS.every((slug) => states(x).has(slug)), seen);
    expect(s).toMatch(/^codex-agent · textkit/);
    expect(p.history()).not.toContain('BEFORE-THE-DEMO'); // the alternate screen hides the shell's
    s = await follow(p, (x) => /✓ 4 done/.test(x.split('\n')[1] ?? ''), seen);
    expect([...states(s).values()]).toEqual(['done', 'done', 'done', 'done']);
    // It moved: every task went through other states before done, and agents were seen at work.
    for (const slug of SLUGS) expect([...seen.get(slug)!].length, `${slug}: ${[...seen.get(slug)!]}`).toBeGreaterThan(1);
    expect([...seen.values()].some((set) => set.has('review'))).toBe(true);

    // The demo is over behind the dashboard; the dashboard still owns the screen, untouched.
    await demoOnlyWaitsForTheDashboard(p);
    await follow(p, () => true, seen);
    await new Promise((r) => setTimeout(r, 500));
    await follow(p, () => true, seen);

    p.keys('q');
    s = await p.waitFor((x) => /^EXIT:\d+$/m.test(x), 'the demo to end', { where: 'history' });
    expect(p.alternate()).toBe(false);
    expect(s).toContain('BEFORE-THE-DEMO');
    expect(s).not.toMatch(/^codex-agent · textkit/m); // nothing of the dashboard left behind
    expect(s).not.toContain('The dashboard closed');
    const out = s.slice(s.indexOf('BEFORE-THE-DEMO'));
    const order = ['codex-agent demo — ', 'Scratch folder: ', 'plan     wave 1: slugify, title-case', 'launch   wave 1', 'title-case: round 1 failed', 'title-case: round 2 passed', 'complete docs: merged into main', 'Summary', '4 tasks in 3 waves, all merged into main', "the project's tests on main: pass", 'was removed (keep it with --keep)', 'EXIT:0'];
    const at = order.map((text) => out.indexOf(text));
    expect(at.every((i) => i >= 0), order.filter((_, i) => at[i]! < 0).join(' | ')).toBe(true);
    expect(at).toEqual([...at].sort((a, b) => a - b));
    expect(scratchDirs()).toEqual([]);
    expect(supervisors()).toEqual([]);
  });

  it.skipIf(TMUX_MISSING)('q while agents work: the demo goes on in the terminal; Ctrl-C then stops it, its supervisor and cleans up', async () => {
    const p = startDemo();
    await dashboardUp(p);
    const seen = new Map<string, Set<string>>();
    await follow(p, (x) => [...states(x).values()].includes('execution'), seen);
    p.keys('q');
    let s = await p.waitFor((x) => x.includes('The dashboard closed; the demo goes on here (Ctrl-C stops it).'), 'the demo going on', { where: 'history' });
    expect(p.alternate()).toBe(false);
    expect(s).toContain('plan     wave 1: slugify, title-case');
    // A step printed live after the dashboard closed.
    const mark = 'The dashboard closed';
    s = await p.waitFor((x) => /^(run|validate|radar|merge|resolve|complete) +\S/m.test(x.slice(x.indexOf(mark))), 'a live step', { where: 'history' });
    const scratch = scratchDirs();
    expect(scratch).toHaveLength(1);
    expect(supervisors()).toHaveLength(1);

    p.keys('C-c');
    s = await p.waitFor((x) => /^EXIT:\d+$/m.test(x), 'the demo to stop', { where: 'history', ms: 60_000 });
    expect(s).toContain(`The demo was interrupted; its supervisor and agents are stopped. The scratch folder ${join(sb.dir, scratch[0]!)} was removed.`);
    expect(s).toContain('EXIT:130');
    expect(s).not.toContain('Summary');
    expect(supervisors()).toEqual([]);
    expect(existsSync(join(sb.dir, scratch[0]!))).toBe(false);
  });
});
