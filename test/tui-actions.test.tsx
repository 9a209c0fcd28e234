import { chmodSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { supervisorLogFile } from '../core/manager/start-supervisor.js';
import { appPaths } from '../core/paths.js';
import { agentRepo } from './helpers/agent-repo.js';
import { eventually, mountDashboard, type DashboardHarness } from './helpers/dashboard.js';
import { g, lines } from './helpers/merge-repo.js';
import { mergeTaskRepo } from './helpers/merge-task.js';
import { makeSandbox, type Sandbox } from './helpers/sandbox.js';
import { readTasks, waitForTrash } from './helpers/worktree-repo.js';

/**
 * The dashboard's task and repo keys (v m r c L N) on a real engine: a real registry, SQLite and git
 * repo in temp dirs, the real feed and actions, keys written to Ink's stdin. Each key is refused with
 * its reason in a state the CLI would refuse, and really does its work in one it accepts.
 */

const KEYS = { home: '\u001B[H', enter: '\r', esc: '\u001B' };
const WIDTH = 200;
const HEIGHT = 50;

let sb: Sandbox;
let repo: string | undefined;
let env: NodeJS.ProcessEnv = {};
let harness: DashboardHarness | undefined;
beforeEach(() => {
  sb = makeSandbox();
});
afterEach(async () => {
  await harness?.close();
  harness = undefined;
  // A supervisor started by L must not outlive the test.
  if (repo) await sb.cli(['manager', 'stop', '--now'], { cwd: repo, env });
  repo = undefined;
  await waitForTrash(sb.dir);
  sb.cleanup();
});

/** The real feed into the store and the real actions, at 200×50; the editor really runs (without a terminal). */
async function dashboard(root: string, options: { env?: NodeJS.ProcessEnv; allRepos?: boolean } = {}) {
  repo = root;
  env = { ...sb.env, ...options.env };
  harness = await mountDashboard({ env, repo: root, cwd: sb.dir, ...(options.allRepos ? { allRepos: true } : {}), width: WIDTH, height: HEIGHT });
  const { store, frame, press } = harness;
  const row = (n: number) => frame().split('\n').at(n) ?? '';
  const status = () => row(-2);
  const footer = () => row(-1);
  /** Moves the selection with j from the top until it is on `slug`. */
  const select = async (slug: string) => {
    const on = () => frame().split('\n').some((l) => new RegExp(`^›\\S* ${slug} `).test(l));
    await eventually(() => frame().includes(` ${slug} `), frame);
    await press(KEYS.home);
    for (let i = 0; i < 20 && !on(); i++) await press('j');
    expect(on(), frame()).toBe(true);
  };
  /** Presses `key` and expects the status line to say `text`. */
  const refused = async (key: string, text: string) => {
    await press(key);
    await eventually(() => status().includes(text), () => `status line: ${status()}\n${frame()}`);
  };
  return { store, frame, press, status, footer, select, refused };
}

const jsonBlock = (value: unknown) => `Reviewed.\n\`\`\`json\n${JSON.stringify(value)}\n\`\`\``;

describe('dashboard keys for validation and merging', () => {
  it('the footer shows v m r c only on a task they act on; help lists them', async () => {
    const m = await mergeTaskRepo(sb, { 'app.txt': lines(20, { 5: 'feature' }) }, {});
    expect((await m.cli(['task', 'add', 'Next', '--slug', 'next', '--deps', 'feat'])).code).toBe(0);
    const d = await dashboard(m.repo, { env: m.env });
    await d.select('feat');
    await eventually(() => /v validate +m merge-check +r resolve +c complete/.test(d.footer()), d.frame);
    expect(d.footer()).not.toMatch(/l launch|a answer|L next-wave/);
    await d.select('next');
    await eventually(() => !d.footer().includes('validate'), d.frame);
    expect(d.footer()).not.toMatch(/merge-check|resolve|complete/);
    expect(d.footer()).toMatch(/n new +N new\+stub/);

    await d.press('?');
    await eventually(() => d.frame().includes('Keys'), d.frame);
    const help = d.frame();
    expect(help).toMatch(/^ *L +launch the next wave: the ready tasks, under the supervisor \(manager launch\)/m);
    expect(help).toMatch(/^ *v +checks, policies and the AI review; stuck on fail \(task validate\)/m);
    expect(help).toMatch(/^ *m +dry-run the merge into the base; names conflicting files \(merge check\)/m);
    expect(help).toMatch(/^ *r +merge the base in, resolving the conflicts \(merge resolve\)/m);
    expect(help).toMatch(/^ *c +merge into the base, remove the worktree, mark done \(task complete\)/m);
    expect(help).toMatch(/^ *N +add a task, its goal in a stub file opened in \$EDITOR \(task add\)/m);
  });

  it('v validates a task in review: refused elsewhere; the verdict is stored and shown', async () => {
    const m = await mergeTaskRepo(sb, { 'app.txt': lines(20, { 5: 'feature' }) }, {});
    m.config('[[validate.checks]]\nname = "unit"\nrun = ["true"]\n');
    m.script([[{ message: jsonBlock({ pass: true, summary: 'Looks right.', findings: [] }) }]]);
    expect((await m.cli(['task', 'add', 'Next', '--slug', 'next', '--deps', 'feat'])).code).toBe(0);
    const d = await dashboard(m.repo, { env: { ...m.env, CODEX_AGENT_ROLES_VALIDATOR: 'fake' } });

    await d.select('next');
    await d.refused('v', 'next is todo: only a task in review or stuck can be validated');

    await d.select('feat');
    await d.press('v');
    await eventually(() => /validating feat…/.test(d.status()), d.frame);
    await eventually(() => /Verdict for feat: PASS — 1\/1 checks passed.* → feat is review/.test(d.status()), () => `status: ${d.status()}`, 45_000);
    const shown = JSON.parse((await m.cli(['task', 'show', 'feat', '--json'])).stdout) as { status: string; verdict: { verdict: string; review: string } | null };
    expect(shown.status).toBe('review');
    expect(shown.verdict).toMatchObject({ verdict: 'pass', review: 'pass' });
    expect(m.invocations()).toHaveLength(1); // the reviewer, once
  });

  it('m merge-checks, r resolves and c completes, each refused with its reason where the CLI would refuse', async () => {
    // feat and main make different whitespace-only edits to ws.txt: a real conflict resolve settles without AI.
    const m = await mergeTaskRepo(sb, { 'app.txt': lines(20, { 5: 'feature' }), 'ws.txt': 'x =  1;\n' }, { 'ws.txt': 'x  = 1;\n' });
    m.script([[{ finish: 'crash' }]]); // the resolver agent must not be needed
    expect((await m.cli(['task', 'add', 'Next', '--slug', 'next', '--deps', 'feat'])).code).toBe(0);
    const d = await dashboard(m.repo, { env: m.env });

    await d.select('next');
    await d.refused('m', 'next has no branch yet');
    await d.refused('r', 'next is todo: only a task in review, stuck or merged can be resolved');
    await d.refused('c', 'next is todo: only a task in review (or merged by resolve) can be completed');

    await d.select('feat');
    await eventually(() => d.footer().includes('m merge-check'), d.frame); // once git says the branch exists
    await d.press('m');
    await eventually(() => d.status().includes('feat: codex/feat conflicts with main in ws.txt — r resolves'), () => `status: ${d.status()}`);
    const stored = await m.cli(['merge', 'check', 'feat', '--json']);
    expect(stored.code).toBe(1);
    expect(JSON.parse(stored.stdout)).toMatchObject({ clean: false, cached: true, conflicts: [{ path: 'ws.txt' }] });

    await d.press('r');
    await eventually(() => /✓ feat: base merged in and committed/.test(d.status()), () => `status: ${d.status()}`, 45_000);
    expect(m.status('feat')).toBe('merged');
    expect(g(sb, m.worktree, 'rev-list', '--parents', '-n', '1', 'HEAD').trim().split(' ')).toHaveLength(3);
    expect(m.invocations()).toHaveLength(0);

    await eventually(() => /feat +merged/.test(d.frame()), d.frame);
    await d.press('m');
    await eventually(() => d.status().includes('feat: codex/feat merges cleanly into main'), () => `status: ${d.status()}`);

    const featTip = g(sb, m.worktree, 'rev-parse', 'HEAD').trim();
    await d.press('c');
    await eventually(() => /feat merged into main \((fast-forward|merge)\); it is done — now ready: next/.test(d.status()), () => `status: ${d.status()}`);
    expect(m.status('feat')).toBe('done');
    expect(m.status('next')).toBe('ready');
    expect(g(sb, m.repo, 'merge-base', '--is-ancestor', featTip, 'main')).toBe('');
    expect(existsSync(m.worktree)).toBe(false);

    await eventually(() => /feat +done/.test(d.frame()), d.frame);
    await d.select('feat');
    await d.refused('c', 'feat is done: only a task in review (or merged by resolve) can be completed');
    await d.refused('m', 'feat is done: it is merged already');
    await d.refused('v', 'feat is done: only a task in review or stuck can be validated');
  });
});

describe('dashboard keys on the repo', () => {
  it('L launches the next wave under the supervisor; refused with --all-repos and when nothing is ready', async () => {
    const ar = await agentRepo(sb);
    ar.script([[{ write: 'out.txt', content: 'done\n' }, { message: 'Done.' }]]);
    await sb.json(['task', 'add', 'First', '--slug', 'first', '--goal', 'Write out.txt'], { cwd: ar.repo });
    await sb.json(['task', 'add', 'Second', '--slug', 'second', '--goal', 'Write out.txt'], { cwd: ar.repo });
    await sb.json(['task', 'add', 'Third', '--slug', 'third', '--goal', 'Write out.txt', '--deps', 'first'], { cwd: ar.repo });

    const all = await dashboard(ar.repo, { env: ar.env, allRepos: true });
    await all.select('first');
    expect(all.footer()).not.toMatch(/L next-wave|n new/);
    await all.refused('L', 'launching a wave needs one repo: start the dashboard inside it (not with --all-repos)');
    await all.refused('N', 'a new task needs one repo');
    await harness!.close();
    harness = undefined;

    const d = await dashboard(ar.repo, { env: ar.env });
    await d.select('first');
    await eventually(() => d.footer().includes('L next-wave'), d.frame);
    await d.press('L');
    await eventually(() => /launching the next wave…/.test(d.status()), d.frame);
    await eventually(() => /next wave: Started: first, second/.test(d.status()), () => `status: ${d.status()}`, 45_000);
    await eventually(() => readTasks(sb).filter((t) => t.status === 'review').length === 2, () => JSON.stringify(readTasks(sb).map((t) => [t.slug, t.status])), 45_000);
    expect(readTasks(sb).find((t) => t.slug === 'third')!.status).toBe('todo');
    expect(ar.invocations()).toHaveLength(2);
    expect(readFileSync(supervisorLogFile(appPaths(env)), 'utf8')).toMatch(/first/); // the supervisor ran them

    // Nothing is ready now (third waits for first): L says so.
    await eventually(() => /first +review/.test(d.frame()) && /second +review/.test(d.frame()), d.frame);
    expect(d.footer()).not.toContain('L next-wave');
    await d.refused('L', 'no task is ready to launch: the next wave waits for its dependencies');
  });

  it('N adds a task with its goal in a stub file and opens the stub in $EDITOR', async () => {
    const root = sb.repo('app');
    await sb.json(['task', 'add', 'First', '--goal', 'x'], { cwd: root });
    const marker = join(sb.dir, 'editor-ran');
    const editor = join(sb.dir, 'editor.sh');
    writeFileSync(editor, `#!/bin/sh\necho "$PWD $1" > '${marker}'\nprintf '\\nAlso: dark icons.\\n' >> "$1"\n`);
    chmodSync(editor, 0o755);
    const d = await dashboard(root, { env: { EDITOR: editor, VISUAL: '' } });
    await d.select('first');

    await d.press('N');
    await eventually(() => d.status().includes('New task title (its stub opens in $EDITOR):'), d.frame);
    await d.press(...'Add dark mode', KEYS.enter);
    await eventually(() => d.status().includes(`added add-dark-mode with its goal in .codex-agent/tasks/add-dark-mode.md (${editor} exited 0)`), () => `status: ${d.status()}`);
    const stub = join(root, '.codex-agent', 'tasks', 'add-dark-mode.md');
    expect(readFileSync(marker, 'utf8').trim()).toBe(`${root} ${stub}`);
    expect(readFileSync(stub, 'utf8')).toBe('# Add dark mode\n\nAdd dark mode\n\nAlso: dark icons.\n');
    expect(readTasks(sb).find((t) => t.slug === 'add-dark-mode')).toMatchObject({ title: 'Add dark mode', goalFile: '.codex-agent/tasks/add-dark-mode.md', status: 'ready' });
    await eventually(() => /^›\S* add-dark-mode /m.test(d.frame()), d.frame);

    // n still asks only for the title; Esc in the title line adds nothing.
    await d.press('N', ...'Nothing', KEYS.esc);
    await new Promise((r) => setTimeout(r, 200));
    expect(readTasks(sb).map((t) => t.slug).sort()).toEqual(['add-dark-mode', 'first']);
    expect(existsSync(join(root, '.codex-agent', 'tasks', 'nothing.md'))).toBe(false);
  });
});
