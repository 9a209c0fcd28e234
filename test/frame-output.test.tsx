import { createRequire } from 'node:module';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { render } from 'ink-testing-library';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TaskView } from '../core/dashboard/task-view.js';
import { App, type DashboardActions } from '../ui/App.js';
import { CHECKED_GET_DIGEST, getDigest, installFrameOutput, KEPT_CHARS, loadInkOutput, uninstallFrameOutput } from '../ui/frame-output.js';
import { createDashboardStore, ensureSelection } from '../ui/store.js';
import { viewOf } from './helpers/task-views.js';

// Ink's Output, and its own get() kept aside before the cheaper one goes in.
const Output = await loadInkOutput();
const inkGet = Output.prototype.get;
type Op = { type: 'write'; x: number; y: number; text: string; transformers: ((line: string, i: number) => string)[] } | { type: 'clip'; clip: { x1?: number; x2?: number; y1?: number; y2?: number } } | { type: 'unclip' };

/** Ink's chalk (its own copy), so the components' colours reach the frames as they do on a terminal. */
const inkChalk = (await import(pathToFileURL(createRequire(fileURLToPath(import.meta.resolve('ink'))).resolve('chalk')).href)).default as { level: number };
const chalkLevel = inkChalk.level;

let ours: typeof inkGet;
beforeAll(async () => {
  expect(
    await installFrameOutput(Output),
    `Ink's Output.get is not the one ui/frame-output.ts was checked against (digest ${getDigest(Output)}). Compare the new Ink's get() with frameOutput, then update CHECKED_GET_DIGEST.`,
  ).toBe(true);
  ours = Output.prototype.get;
  inkChalk.level = 3;
});
afterAll(() => {
  uninstallFrameOutput(Output);
  inkChalk.level = chalkLevel;
});

/** An Output with these operations, as Ink's renderer fills it. */
function outputOf(width: number, height: number, ops: Op[]) {
  const output = new Output({ width, height });
  (output as unknown as { operations: Op[] }).operations.push(...ops);
  return output;
}

function bothWays(width: number, height: number, ops: Op[]) {
  const output = outputOf(width, height, ops);
  return { ink: inkGet.call(output), ours: ours.call(output) };
}

const write = (x: number, y: number, text: string, transformers: Extract<Op, { type: 'write' }>['transformers'] = []): Op => ({ type: 'write', x, y, text, transformers });
const clip = (c: { x1?: number; x2?: number; y1?: number; y2?: number }): Op => ({ type: 'clip', clip: c });
const unclip: Op = { type: 'unclip' };

const RED = '\u001B[31m';
const BOLD = '\u001B[1m';
const DIM = '\u001B[2m';
const NORMAL = '\u001B[22m';
const FG_OFF = '\u001B[39m';
const BG_BLUE = '\u001B[44m';
const BG_OFF = '\u001B[49m';
const PINK_256 = '\u001B[38;5;200m';
const TRUE_COLOR = '\u001B[38;2;10;20;30m';
const INVERSE = '\u001B[7m';
const UNDERLINE = '\u001B[4m';
const RESET = '\u001B[0m';
const LINK = '\u001B]8;;https://example.com\u0007';
const LINK_END = '\u001B]8;;\u0007';

describe('frame output: the cheaper get() writes the frames Ink writes', () => {
  it("is installed over the Ink this package locks, and over no other get()", async () => {
    expect(getDigest(Output)).toBe(CHECKED_GET_DIGEST);
    class Other {
      get() {
        return { output: 'other', height: 1 };
      }
    }
    expect(await installFrameOutput(Other as never)).toBe(false);
    expect(new Other().get().output).toBe('other');
    expect(await installFrameOutput(class NoGet {} as never)).toBe(false);
  });

  const cases: [string, number, number, Op[]][] = [
    ['nothing written', 10, 3, []],
    ['an empty grid', 0, 0, [write(0, 0, 'x')]],
    ['plain text on blank rows', 12, 3, [write(1, 1, 'hello')]],
    ['colours, turned off mid-row and at the row end', 20, 2, [write(0, 0, `${RED}red${FG_OFF} plain ${RED}end`), write(2, 1, `${BG_BLUE}   ${BG_OFF}`)]],
    ['bold and dim together, then one of them off', 20, 1, [write(0, 0, `${BOLD}${DIM}both${NORMAL}none${BOLD}b${DIM}bd`)]],
    ['256 and true colour, inverse, underline, reset', 30, 1, [write(0, 0, `${PINK_256}pink${TRUE_COLOR}true${INVERSE}inv${UNDERLINE}u${RESET} off`)]],
    ['a trailing styled blank is kept, a plain one trimmed', 12, 2, [write(0, 0, `a${BG_BLUE} ${BG_OFF}`), write(0, 1, 'b   ')]],
    ['a hyperlink', 30, 1, [write(0, 0, `see ${LINK}the site${LINK_END} now`)]],
    ['later writes over earlier ones, styles cut in the middle', 20, 1, [write(0, 0, `${RED}abcdefghij${FG_OFF}`), write(3, 0, `${BOLD}XY${NORMAL}`), write(8, 0, 'z')]],
    ['wide characters and a write over half of one', 12, 2, [write(0, 0, `${RED}日本語${FG_OFF}👍x`), write(3, 0, 'k'), write(0, 1, 'ab日')]],
    ['rows longer than the grid, writes past its edge and before it', 6, 3, [write(4, 0, 'overflow'), write(9, 1, 'far'), write(-2, 2, 'left')]],
    ['rows above and below the grid', 6, 2, [write(0, -1, 'up\nline'), write(0, 1, 'ok\ndown'), write(0, 5, 'gone')]],
    ['several lines with transformers given each line index', 12, 4, [write(1, 0, 'a\nb\nc', [(line, i) => `${i}:${line}`, (line) => `${RED}${line}${FG_OFF}`])]],
    ['vertical clips: cut at top and bottom, nested, skipped wholly', 10, 6, [clip({ y1: 1, y2: 4 }), write(0, 0, 'r0\nr1\nr2\nr3\nr4\nr5'), clip({ y1: 2, y2: 3 }), write(4, 0, 'a\nb\nc\nd'), unclip, write(0, 5, 'below'), unclip, write(6, 5, 'free')]],
    ['a clip with only one edge set clips nothing', 8, 3, [clip({ y1: 1 }), write(0, 0, 'x\ny\nz'), unclip]],
    ['horizontal clipping (left to Ink whole)', 10, 3, [clip({ x1: 2, x2: 6, y1: 0, y2: 2 }), write(0, 0, `${RED}0123456789${FG_OFF}\nabcdefghij\nzzz`), unclip]],
    ['a fractional width', 3.5, 1, [write(0, 0, 'abcdef')]],
  ];
  for (const [name, width, height, ops] of cases) {
    it(name, () => {
      const { ink, ours: mine } = bothWays(width, height, ops);
      expect(JSON.stringify(mine.output)).toBe(JSON.stringify(ink.output));
      expect(mine.height).toBe(ink.height);
    });
  }

  it('the same frame twice (the second from the kept lines) and after the kept lines start again', () => {
    const ops = [write(0, 0, `${RED}kept${FG_OFF} ${BOLD}line${NORMAL}`), write(0, 1, `${BG_BLUE}x${BG_OFF}`)];
    const first = bothWays(20, 2, ops);
    const second = bothWays(20, 2, ops);
    expect(second.ours.output).toBe(first.ink.output);
    expect(second.ours.output).toBe(second.ink.output);
    for (let i = 0; i * 100 < KEPT_CHARS * 1.5; i++) ours.call(outputOf(100, 1, [write(0, 0, `${i}`.padEnd(100, 'x'))]));
    expect(bothWays(20, 2, ops).ours.output).toBe(first.ink.output);
  });

  it('2,000 random frames of styled, wide, clipped and overlapping writes', () => {
    let seed = 20261122;
    const random = () => {
      seed = (seed + 0x6d2b79f5) | 0;
      let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
      t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
      return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
    };
    const pick = <T,>(xs: readonly T[]): T => xs[Math.floor(random() * xs.length)]!;
    const styles = ['', '', RED, FG_OFF, BOLD, DIM, NORMAL, BG_BLUE, BG_OFF, PINK_256, TRUE_COLOR, INVERSE, UNDERLINE, RESET];
    const pieces = ['a', 'bc', ' ', '   ', '日', '👍', 'x y', '─', '●', '\n'];
    const text = () => Array.from({ length: 1 + Math.floor(random() * 8) }, () => pick(styles) + pick(pieces)).join('');
    let differing = 0;
    let first = '';
    for (let frame = 0; frame < 2000; frame++) {
      const width = 1 + Math.floor(random() * 24);
      const height = 1 + Math.floor(random() * 6);
      const ops: Op[] = [];
      let open = 0;
      for (let n = Math.floor(random() * 10); n > 0; n--) {
        const r = random();
        if (r < 0.15) {
          const y1 = Math.floor(random() * height);
          ops.push(clip({ y1, y2: y1 + Math.floor(random() * height) }));
          open++;
        } else if (r < 0.25 && open > 0) {
          ops.push(unclip);
          open--;
        } else {
          ops.push(write(Math.floor(random() * (width + 4)) - 2, Math.floor(random() * (height + 3)) - 1, text()));
        }
      }
      const { ink, ours: mine } = bothWays(width, height, ops);
      if (mine.output !== ink.output) {
        differing++;
        first ||= `${width}×${height} ${JSON.stringify(ops.map((o) => (o.type === 'write' ? [o.x, o.y, o.text] : o)))}\nink  ${JSON.stringify(ink.output)}\nours ${JSON.stringify(mine.output)}`;
      }
    }
    expect(differing, first).toBe(0);
  });

  it("the dashboard's own frames, in colour, at 80×24 and 200×50: every state, detail pane, help, filter", async () => {
    const compared: [string, string][] = [];
    Output.prototype.get = function get(this: InstanceType<typeof Output>) {
      const ink = inkGet.call(this);
      const mine = ours.call(this);
      compared.push([ink.output, mine.output]);
      return mine;
    };
    try {
      const run = { id: 7, attempt: 2, role: 'worker', profile: 'codex', phase: 'execution', result: null, question: null, error: null, startedAt: Date.now() - 65_000, endedAt: null };
      const git = { source: 'worktree' as const, worktree: '/w', worktreeExists: true, branch: 'codex/busy', detached: false, base: 'main', ahead: 2, behind: 1, staged: 0, unstaged: 3, untracked: 0, conflicted: 0, filesChanged: 4, insertions: 120, deletions: 7, lastCommit: null };
      const at = Date.now();
      const tasks: TaskView[] = [
        viewOf('ready-one', 'ready'),
        viewOf('waits', 'todo', {}, { deps: ['ready-one'] }),
        viewOf('busy', 'running', {
          run,
          git,
          lastEvent: '$ npm test → exit 0',
          todo: [{ text: 'Read the code', status: 'completed' }, { text: 'Write the test', status: 'in_progress' }, { text: 'Ship it 日本', status: 'pending' }],
          tail: [{ id: 1, ts: at, type: 'command', text: '$ ls  → exit 0', tone: 'ok' }, { id: 2, ts: at, type: 'command', text: '$ false  → exit 1', tone: 'bad' }],
        }),
        viewOf('asks', 'stuck', { run: { ...run, phase: 'escalation', result: 'stuck', question: 'Which colour?' } }, { statusReason: 'agent asks: Which colour?' }),
        viewOf('broke', 'failed', { run: { ...run, result: 'failed', error: 'retries exhausted: api down' } }),
        viewOf('left', 'review', { facts: { wave: 1, conflicts: [{ slug: 'right', files: ['src/x.ts'] }], verdict: { verdict: 'fail', review: 'fail', summary: 'Two tests fail.', head: 'abc1234', at, findings: [{ source: 'review', rule: 'review', severity: 'error', file: 'src/x.ts', line: 12, message: 'off by one' }], checks: [{ name: 'test', status: 'fail', required: true }] } } }),
        viewOf('right', 'review', { facts: { wave: 2, conflicts: [{ slug: 'left', files: ['src/x.ts'] }], mergeCheck: { clean: false, files: ['y.txt'], commit: 'def5678aa', at }, verdict: { verdict: 'pass', review: 'pass', summary: 'Fine.', head: 'def5678', at, findings: [], checks: [] } } }),
        ...Array.from({ length: 60 }, (_, i) => viewOf(`done-${i}`, 'done')),
      ];
      for (const [width, height] of [[80, 24], [200, 50]] as const) {
        const store = createDashboardStore({ scope: 'app', maxParallel: 4 });
        store.setState({ tasks });
        ensureSelection(store);
        const noop = () => undefined;
        const actions: DashboardActions = { launch: noop, stop: noop, answer: noop, addTask: noop, shell: noop, editor: noop, diff: noop, quit: noop };
        const app = render(<App store={store} actions={actions} width={width} height={height} />);
        for (const key of ['j', 'j', 'j', '\r', 'j', '\r', 'g', 'g', '\u001B[6~', 'G', '?', '\u001B[F', '\u001B', '/', 'b', 'u', '\u001B', '\t', 'j', 'n', 'x', '\u001B']) {
          app.stdin.write(key);
          await new Promise((r) => setTimeout(r, 5));
        }
        app.unmount();
      }
    } finally {
      Output.prototype.get = ours;
    }
    expect(compared.length).toBeGreaterThan(30);
    expect(compared.filter(([ink]) => ink.includes('\u001B[')).length).toBeGreaterThan(30);
    const differing = compared.filter(([ink, mine]) => ink !== mine);
    expect(differing.length, differing.length ? `ink  ${JSON.stringify(differing[0]![0])}\nours ${JSON.stringify(differing[0]![1])}` : '').toBe(0);
  });
});
