import { render } from 'ink-testing-library';
import { afterEach, describe, expect, it } from 'vitest';
import type { TaskView } from '../core/dashboard/task-view.js';
import { App, type DashboardActions } from '../ui/App.js';
import { createDashboardStore, ensureSelection } from '../ui/store.js';
import { viewOf } from './helpers/task-views.js';
import { pieces, piecesAndGaps, Spans } from '../ui/Spans.js';
import { Text } from 'ink';

const ANSI = /\u001B\[[0-9;?]*[ -/]*[@-~]/g;
const KEYS = { down: '\u001B[B', up: '\u001B[A', pageDown: '\u001B[6~', pageUp: '\u001B[5~', home: '\u001B[H', end: '\u001B[F', enter: '\r', tab: '\t', esc: '\u001B', backspace: '\u007F' };

type Call = [string, ...unknown[]];

function recordingActions(calls: Call[]): DashboardActions {
  const record = (name: string) => (...args: unknown[]) => void calls.push([name, ...args.map((a) => (a && typeof a === 'object' && 'key' in a ? (a as TaskView).task.slug : a))]);
  return { launch: record('launch'), stop: record('stop'), answer: record('answer'), addTask: record('addTask'), shell: record('shell'), editor: record('editor'), diff: record('diff'), quit: record('quit') };
}

let current: ReturnType<typeof render> | undefined;
afterEach(() => current?.unmount());

function mount(tasks: TaskView[], width: number, height: number, calls: Call[] = []) {
  const store = createDashboardStore({ scope: 'app', maxParallel: 4 });
  store.setState({ tasks });
  ensureSelection(store);
  const app = render(<App store={store} actions={recordingActions(calls)} width={width} height={height} />);
  current = app;
  const frame = () => (app.lastFrame() ?? '').replace(ANSI, '');
  const press = async (...keys: string[]) => {
    for (const k of keys) {
      app.stdin.write(k);
      await new Promise((r) => setImmediate(r));
    }
    await new Promise((r) => setTimeout(r, 10));
  };
  return { app, store, frame, press, calls };
}

const lines = (frame: string) => frame.split('\n');
const selectedLine = (app: ReturnType<typeof render>) => lines((app.lastFrame() ?? '').replace(ANSI, '')).find((l) => l.startsWith('›'));

function manyTasks(n: number): TaskView[] {
  return Array.from({ length: n }, (_, i) => viewOf(`task-${String(i + 1).padStart(3, '0')}`, 'ready'));
}

describe('dashboard components at fixed sizes', () => {
  for (const [width, height] of [[80, 24], [200, 50]] as const) {
    it(`fills exactly ${width}×${height} and never more`, async () => {
      const { frame, press } = mount(manyTasks(120), width, height);
      expect(lines(frame())).toHaveLength(height);
      for (const l of lines(frame())) expect([...l].length).toBeLessThanOrEqual(width);
      await press('?');
      expect(lines(frame())).toHaveLength(height);
      await press(KEYS.esc, '/', 'x');
      expect(lines(frame()).length).toBeLessThanOrEqual(height);
    });
  }

  it('shows one row per task with glyph, slug, phase, agent, ahead/behind and the last event, grouped by state', () => {
    const tasks = [
      viewOf('ready-one', 'ready'),
      viewOf('busy', 'running', {
        run: { id: 3, attempt: 1, role: 'worker', profile: 'codex', phase: 'execution', result: null, question: null, error: null, startedAt: Date.now() - 65_000, endedAt: null },
        lastEvent: '$ npm test → exit 0',
        git: { source: 'worktree', worktree: '/w', worktreeExists: true, branch: 'codex/busy', detached: false, base: 'main', ahead: 2, behind: 1, staged: 0, unstaged: 3, untracked: 0, conflicted: 0, filesChanged: 4, insertions: 120, deletions: 7, lastCommit: null },
      }),
      viewOf('done-one', 'done'),
    ];
    const { frame } = mount(tasks, 200, 50);
    const f = frame();
    expect(f).toMatch(/── ready \(1\)[\s\S]*ready-one[\s\S]*── running \(1\)[\s\S]*busy[\s\S]*── done \(1\)[\s\S]*done-one/);
    const busy = lines(f).find((l) => l.includes('busy') && l.includes('execution'))!;
    expect(busy).toMatch(/● busy +execution +codex +1m0[45] +↑2 ↓1 +~3 +\+120 -7 +\$ npm test → exit 0/);
    expect(f).toContain('agents 1/4');
    expect(f).toMatch(/○ 1 ready +● 1 running +✓ 1 done/);
  });

  it('g cycles the grouping: wave, state, repo, flat', async () => {
    const tasks = [
      viewOf('a', 'ready', { facts: { wave: 1 } }),
      viewOf('b', 'done'),
      viewOf('c', 'ready', { facts: { wave: 2 } }, { repo: '/work/repos/other' }),
      viewOf('d', 'todo', { facts: { blocked: 'waits for failed x' } }),
    ];
    const { frame, press } = mount(tasks, 80, 24);
    // By wave: planned tasks in their waves, then the blocked, then the rest by state.
    expect(frame()).toMatch(/── wave 1 \(1\)[\s\S]*a[\s\S]*── wave 2 \(1\)[\s\S]*c[\s\S]*── blocked \(1\)[\s\S]*d[\s\S]*── done \(1\)[\s\S]*b/);
    await press('g');
    expect(frame()).toMatch(/── ready \(2\)/);
    expect(frame()).toContain('grouped by state');
    await press('g');
    expect(frame()).toMatch(/── app \(3\)[\s\S]*── other \(1\)/);
    expect(frame()).toContain('grouped by repo');
    await press('g');
    expect(frame()).not.toMatch(/── \w+ \(/);
    await press('g');
    expect(frame()).toMatch(/── wave 1 \(1\)/);
  });

  it('keeps the selection visible while scrolling with j/k, PgDn/PgUp, End/G and Home', async () => {
    const { app, press } = mount(manyTasks(100), 80, 24);
    expect(selectedLine(app)).toContain('task-001');
    await press('j', 'j', KEYS.down);
    expect(selectedLine(app)).toContain('task-004');
    await press('k');
    expect(selectedLine(app)).toContain('task-003');
    await press(KEYS.pageDown, KEYS.pageDown, KEYS.pageDown);
    const afterPages = selectedLine(app);
    expect(afterPages).toMatch(/task-0[2-9]\d/);
    await press('G');
    expect(selectedLine(app)).toContain('task-100');
    await press(KEYS.pageUp);
    expect(selectedLine(app)).toMatch(/task-0[89]\d/);
    await press(KEYS.home);
    expect(selectedLine(app)).toContain('task-001');
    await press(KEYS.end);
    expect(selectedLine(app)).toContain('task-100');
    expect(lines(app.lastFrame()!)).toHaveLength(24);
  });

  it('shows the detail pane for each state: the question when stuck, the error when failed, plan and events when running', async () => {
    const run = { id: 7, attempt: 2, role: 'worker', profile: 'fake', phase: 'escalation', result: 'stuck' as const, question: 'Which colour should the button be?', error: null, startedAt: Date.now() - 5000, endedAt: Date.now() };
    const tasks = [
      viewOf('asks', 'stuck', { run }, { statusReason: 'agent asks: Which colour should the button be?' }),
      viewOf('broke', 'failed', { run: { ...run, phase: 'execution', result: 'failed', question: null, error: 'retries exhausted: api down' } }),
      viewOf('works', 'running', {
        run: { ...run, phase: 'execution', result: null, question: null, endedAt: null },
        todo: [{ text: 'Read the code', status: 'completed' }, { text: 'Write the test', status: 'in_progress' }, { text: 'Ship it', status: 'pending' }],
        tail: [{ id: 1, ts: Date.now(), type: 'command', text: '$ ls  → exit 0', tone: 'ok' }],
      }),
    ];
    const { frame, press } = mount(tasks, 200, 50);
    // grouped by state: running, stuck, failed
    expect(frame()).toMatch(/Plan 1\/3[\s\S]*✓ Read the code[\s\S]*▸ Write the test[\s\S]*· Ship it[\s\S]*Events \(run 7, attempt 2, fake\)[\s\S]*\$ ls {2}→ exit 0/);
    await press('j');
    expect(frame()).toMatch(/Question: Which colour should the button be\?[\s\S]*press a to answer/);
    await press('j');
    expect(frame()).toContain('Error: retries exhausted: api down');
    await press(KEYS.enter);
    expect(frame()).not.toContain('Error: retries exhausted');
  });

  it('the footer lists only the keys that act on the selection; refused keys say why', async () => {
    const tasks = [viewOf('waits', 'todo', {}, { deps: ['other'] }), viewOf('asks', 'stuck')];
    const calls: Call[] = [];
    const { frame, press } = mount(tasks, 200, 50, calls);
    const footer = () => lines(frame()).at(-1)!;
    expect(footer()).toContain('n new');
    expect(footer()).toContain('s stop');
    expect(footer()).not.toContain('launch');
    expect(footer()).not.toContain('answer');
    expect(footer()).not.toMatch(/\bv\b|merge|complete|validate/);
    await press('l');
    expect(frame()).toContain('waits waits for other');
    expect(calls).toEqual([]);
    await press('j');
    expect(footer()).toContain('a answer');
    await press('a', ...'Blue', KEYS.enter);
    expect(calls).toEqual([['answer', 'asks', 'Blue']]);
    await press('s');
    expect(calls.at(-1)).toEqual(['stop', 'asks']);
    await press('n', ...'Add dark mode', KEYS.enter, 'q');
    expect(calls.slice(-2)).toEqual([['addTask', 'Add dark mode'], ['quit']]);
  });

  it('? shows every key from the table; Esc closes it', async () => {
    const { frame, press } = mount(manyTasks(3), 80, 24);
    await press('?');
    // 80×24 has room for 19 of the keys: the rest are a scroll away.
    expect(frame()).toMatch(/Keys 1–19 of \d+ \(↑\/↓ for more\)[\s\S]*↑ k +select the task above[\s\S]*o +open a shell/);
    expect(frame()).not.toContain('task-001');
    await press(KEYS.end);
    expect(frame()).toMatch(/v +checks, policies[\s\S]*c +merge into the base[\s\S]*q +quit the dashboard \(agents keep running\)/);
    expect(frame()).not.toContain('select the task above');
    await press(KEYS.esc);
    expect(frame()).toContain('task-001');
    expect(frame()).not.toContain('select the task above');
  });

  it('/ filters the list as you type; Esc clears it', async () => {
    const tasks = [viewOf('dark-mode', 'ready'), viewOf('login-page', 'ready'), viewOf('dark-icons', 'todo')];
    const { frame, press, app } = mount(tasks, 80, 24);
    await press('/', ...'dark');
    expect(frame()).toContain('Filter: dark');
    expect(frame()).toContain('dark-mode');
    expect(frame()).toContain('dark-icons');
    expect(frame()).not.toContain('login-page');
    await press(KEYS.enter);
    expect(frame()).toContain('filter: dark');
    // todo comes before ready: dark-icons first, then dark-mode (login-page, between them before, is hidden)
    expect(selectedLine(app)).toContain('dark-icons');
    await press('j');
    expect(selectedLine(app)).toContain('dark-mode');
    await press(KEYS.esc);
    expect(frame()).toContain('login-page');
  });

  it('shows conflict markers and verdicts in the rows and in full in the detail pane, only as columns when some task has them', async () => {
    const plain = mount([viewOf('alone', 'review')], 80, 24);
    expect(plain.frame()).not.toMatch(/CONFLICT|VERDICT/);
    current?.unmount();
    const at = Date.now();
    const tasks = [
      viewOf('left', 'review', { facts: { wave: 1, conflicts: [{ slug: 'right', files: ['src/x.ts'] }], verdict: { verdict: 'fail', review: 'fail', summary: 'Two tests fail.', head: 'abc1234', at, findings: [{ source: 'review', rule: 'review', severity: 'error', file: 'src/x.ts', line: 12, message: 'off by one' }], checks: [{ name: 'test', status: 'fail', required: true }] } } }),
      viewOf('right', 'review', { facts: { wave: 2, conflicts: [{ slug: 'left', files: ['src/x.ts'] }], mergeCheck: { clean: false, files: ['y.txt'], commit: 'def5678aa', at }, verdict: { verdict: 'pass', review: 'pass', summary: 'Fine.', head: 'def5678', at, findings: [], checks: [] } } }),
    ];
    const { frame, press } = mount(tasks, 200, 50);
    const row = (slug: string) => lines(frame()).find((l) => new RegExp(`^.\\S ${slug} `).test(l)) ?? '';
    expect(frame()).toMatch(/CONFLICT +VERDICT/);
    expect(row('left')).toMatch(/left +review +⚡right +✗ fail/);
    expect(row('right')).toMatch(/right +review +⚡base \+1 +✓ pass/);
    expect(frame()).toMatch(/Verdict ✗ fail · review fail/);
    expect(frame()).toMatch(/✗ test fail/);
    expect(frame()).toMatch(/error src\/x\.ts:12 off by one/);
    expect(frame()).toMatch(/⚡ conflicts with right in src\/x\.ts/);
    await press('j');
    expect(frame()).toMatch(/✗ conflicts with main in y\.txt/);
    // Narrow: the markers keep their place before the agent and the time.
    current?.unmount();
    const narrow = mount(tasks, 80, 24);
    expect(lines(narrow.frame()).find((l) => l.includes('left') && l.includes('⚡'))).toMatch(/⚡right/);
    for (const l of lines(narrow.frame())) expect([...l].length).toBeLessThanOrEqual(80);
  });

  it('stays within narrow and short terminals', async () => {
    for (const [w, h] of [[40, 10], [60, 6], [30, 3]] as const) {
      const { frame, press } = mount(manyTasks(30), w, h);
      await press('j', 'j');
      expect(lines(frame()).length).toBeLessThanOrEqual(h);
      for (const l of lines(frame())) expect([...l].length).toBeLessThanOrEqual(w);
      current?.unmount();
    }
  });
});

describe('Spans: one line as pieces Ink measures cheaply', () => {
  it('keeps printable ASCII together and puts every other run (glyphs, arrows, dashes) in its own piece, styles kept', () => {
    const spans = [{ text: '›' }, { text: '● ', style: 'green' as const }, { text: 'task-1 ', style: 'bold' as const }, { text: '$ npm test → exit 0 — ok', style: 'dim' as const }];
    const parts = pieces(spans);
    expect(parts.map((p) => p.replace(ANSI, ''))).toEqual(['›●', ' task-1 $ npm test ', '→', ' exit 0 ', '—', ' ok']);
    expect(parts.join('').replace(ANSI, '')).toBe('›● task-1 $ npm test → exit 0 — ok');
    for (const p of parts) expect(/^[\x20-\x7e]*$/.test(p.replace(ANSI, '')) || /^[^\x20-\x7e]+$/.test(p.replace(ANSI, ''))).toBe(true);
  });

  it('a row with glyphs draws exactly as one text would', () => {
    const spans = [{ text: ' ' }, { text: '● ', style: 'cyan' as const }, { text: 'task-1'.padEnd(20), style: 'bold' as const }, { text: '☐ plan 1/3 — Change 392' }];
    const asOne = render(<Text wrap="truncate">{spans.map((s) => s.text).join('')}</Text>);
    const asPieces = render(<Spans spans={spans} />);
    expect(asPieces.lastFrame()!.replace(ANSI, '')).toBe(asOne.lastFrame()!.replace(ANSI, ''));
    asOne.unmount();
    asPieces.unmount();
  });

  it('lays the blanks between columns out as space instead of writing them, and draws the same row', () => {
    const spans = [{ text: ' ' }, { text: '●', style: 'cyan' as const }, { text: ' ' }, { text: 'task-1', style: 'bold' as const }, { text: '      codex   2m03  ' }, { text: 'ran npm  test', style: 'dim' as const }];
    const parts = piecesAndGaps(spans);
    expect(parts.map((p) => (typeof p === 'number' ? p : p.replace(ANSI, '')))).toEqual([' ', '●', ' task-1', 6, 'codex', 3, '2m03  ran npm  test']);
    // Blanks inside a styled span stay text: splitting there would split its style.
    expect(parts.at(-1)).toContain('npm  test');
    const text = spans.map((s) => s.text).join('');
    const asOne = render(<Text wrap="truncate">{text}</Text>);
    const asGaps = render(<Spans spans={spans} />);
    expect(asGaps.lastFrame()!.replace(ANSI, '')).toBe(asOne.lastFrame()!.replace(ANSI, ''));
    // A highlighted (inverse) row writes its blanks, so that the bar covers them.
    const inverse = render(<Spans spans={spans} inverse />);
    expect(inverse.lastFrame()!.replace(ANSI, '')).toBe(text.trimEnd());
    asOne.unmount();
    asGaps.unmount();
    inverse.unmount();
  });
});
