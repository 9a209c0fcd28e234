import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Registry } from '../core/registry/registry.js';
import { addTask } from '../core/registry/task-ops.js';
import { BIN, makeSandbox, type Sandbox } from './helpers/sandbox.js';

/** A real terminal: tmux on a private socket, one pane of a fixed size running the built CLI. */
const SOCKET = `codex-agent-tui-${process.pid}-${Math.random().toString(36).slice(2, 8)}`;
const ROWS = 20;
const COLUMNS = 90;

let sb: Sandbox;
let repo: string;
const tmux = (...args: string[]) => execFileSync('tmux', ['-L', SOCKET, '-f', '/dev/null', ...args], { encoding: 'utf8', env: { ...sb.env, TERM: 'xterm-256color' } });
const screen = () => tmux('capture-pane', '-p', '-t', 'dash');
const alternate = () => tmux('display-message', '-p', '-t', 'dash', '#{alternate_on}').trim();

async function waitFor(check: (s: string) => boolean, what: string, ms = 15_000): Promise<string> {
  const end = Date.now() + ms;
  let last = '';
  while (Date.now() < end) {
    last = screen();
    if (check(last)) return last;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`timed out waiting for ${what}; the screen:\n${last}`);
}

/** The frame is never taller than the pane: the header stays on the first row, nothing scrolled. */
function assertFits(s: string): void {
  const rows = s.replace(/\n$/, '').split('\n');
  expect(rows.length).toBeLessThanOrEqual(ROWS);
  expect(rows[0]).toMatch(/^codex-agent · app/);
  for (const row of rows) expect([...row].length).toBeLessThanOrEqual(COLUMNS);
}

beforeEach(async () => {
  sb = makeSandbox();
  repo = sb.repo('app');
  const registry = new Registry(sb.registryFile);
  await registry.update((r) => {
    for (let i = 1; i <= 30; i++) addTask(r, { repo, title: `Task number ${i}`, slug: `task-${String(i).padStart(2, '0')}`, goal: 'x', base: 'main', branchPattern: 'codex/{slug}', knownAgents: ['codex'] }, new Date().toISOString());
  });
});
afterEach(() => {
  try {
    tmux('kill-server');
  } catch {
    // already gone
  }
  sb.cleanup();
});

describe('status --tui in a real terminal (tmux)', () => {
  it('fills the pane without exceeding it, moves, shows help, quits and leaves the terminal as it was', async () => {
    const script = join(sb.dir, 'run.sh');
    writeFileSync(script, `cd '${repo}'\nprintf 'BEFORE-THE-DASHBOARD\\n'\n'${process.execPath}' '${BIN}' status --tui\necho "EXIT:$?"\nsleep 600\n`);
    tmux('new-session', '-d', '-s', 'dash', '-x', String(COLUMNS), '-y', String(ROWS), 'sh', script);

    let s = await waitFor((x) => x.includes('task-01') && /›.*task-01/.test(x), 'the dashboard');
    expect(alternate()).toBe('1');
    assertFits(s);
    expect(s).toMatch(/30 ready/);
    expect(s).not.toContain('BEFORE-THE-DASHBOARD');

    tmux('send-keys', '-t', 'dash', 'j', 'j', 'Down');
    s = await waitFor((x) => /›.*task-04/.test(x), 'the selection on task-04');
    assertFits(s);

    tmux('send-keys', '-t', 'dash', 'End');
    s = await waitFor((x) => /›.*task-30/.test(x), 'the selection on the last task, scrolled into view');
    assertFits(s);
    expect(s).not.toContain('task-01 ');

    tmux('send-keys', '-t', 'dash', 'Home');
    s = await waitFor((x) => /›.*task-01/.test(x), 'back at the first task');
    assertFits(s);

    tmux('send-keys', '-t', 'dash', '?');
    s = await waitFor((x) => x.includes('select the task below'), 'the help overlay');
    assertFits(s);
    tmux('send-keys', '-t', 'dash', 'Escape');
    s = await waitFor((x) => !x.includes('select the task below') && x.includes('task-01'), 'help closed');

    tmux('resize-window', '-t', 'dash', '-x', '60', '-y', '12');
    // Redrawn for the new size: the header on the first row, the footer on the last row of the frame.
    s = await waitFor((x) => /^codex-agent · app/.test(x) && x.replace(/\n$/, '').split('\n').length <= 12 && /Enter details/.test(x.split('\n')[10] ?? ''), 'the smaller frame');
    expect(s.split('\n')[0]).toMatch(/^codex-agent · app/);
    for (const row of s.split('\n')) expect([...row].length).toBeLessThanOrEqual(60);

    tmux('send-keys', '-t', 'dash', 'q');
    s = await waitFor((x) => x.includes('EXIT:0'), 'the exit');
    expect(alternate()).toBe('0');
    expect(s).toContain('BEFORE-THE-DASHBOARD');
    expect(s).not.toContain('task-01');
  });

  it('without a terminal it says it needs one and exits 2', async () => {
    const result = await sb.cli(['status', '--tui'], { cwd: repo });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('status --tui needs a terminal');
    const plain = await sb.cli(['status'], { cwd: repo });
    expect(plain.code).toBe(0);
    expect(plain.stdout).toContain('task-01');
  });
});
