import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { makeSandbox, type Sandbox } from './helpers/sandbox.js';

let sb: Sandbox;
afterEach(() => sb?.cleanup());

describe('codex-agent demo', () => {
  it('runs the whole flow on a scratch repo until every task is merged', async () => {
    sb = makeSandbox();
    const result = await sb.cli(['demo', '--keep'], { env: { TMPDIR: sb.dir } });
    expect(result.stderr + result.stdout).toContain('Summary');
    expect(result.code).toBe(0);
    const out = result.stdout;
    // The steps, in the product's words.
    expect(out).toContain('DEMO AGENT');
    expect(out).toMatch(/wave 1: slugify, title-case/);
    expect(out).toMatch(/wave 3: docs/);
    expect(out).toMatch(/radar +slugify +title-case +lib\/index\.js/);
    expect(out).toMatch(/title-case: round 1 failed — 0\/1 checks passed/);
    expect(out).toMatch(/title-case: round 2 passed/);
    expect(out).toMatch(/title-case: merge check predicts a conflict with main/);
    expect(out).toMatch(/1 by the resolver/);
    expect(out).toMatch(/4 tasks in 3 waves, all merged into main/);
    expect(out).toContain("the project's tests on main: pass");

    const kept = /The scratch repo is kept: (\S+)/.exec(out)?.[1];
    expect(kept).toBeDefined();
    const repo = kept!;
    const show = (path: string) => execFileSync('git', ['show', `main:${path}`], { cwd: repo, encoding: 'utf8' });
    expect(show('lib/slugify.js')).toContain('export function slugify');
    expect(show('lib/title-case.js')).toContain('.toLowerCase()'); // the auto-fix
    const index = show('lib/index.js');
    expect(index).toContain("export { slugify } from './slugify.js';");
    expect(index).toContain("export { titleCase } from './title-case.js';");
    expect(index).not.toMatch(/^(<<<<<<<|=======|>>>>>>>)/m);
    expect(show('bin/textkit.js')).toContain('slugify');
    expect(show('README.md')).toContain('titleCase(text)');
    // The demo's own registry: every task done; the user's registry (the sandbox's) untouched.
    const xdg = join(repo, '..', 'xdg');
    const tasks = JSON.parse(execFileSync(process.execPath, [join(__dirname, '..', 'dist', 'src', 'bin.js'), 'task', 'list', '--json'], {
      cwd: repo, encoding: 'utf8', env: { ...sb.env, XDG_CONFIG_HOME: join(xdg, 'config'), XDG_STATE_HOME: join(xdg, 'state'), XDG_DATA_HOME: join(xdg, 'data') },
    })) as { slug: string; status: string }[];
    expect(tasks.map((t) => [t.slug, t.status])).toEqual([['slugify', 'done'], ['title-case', 'done'], ['cli', 'done'], ['docs', 'done']]);
    expect(existsSync(sb.registryFile)).toBe(false);
    expect(readFileSync(join(repo, '.codex-agent', 'config.toml'), 'utf8')).toContain('DEMO AGENT');
  }, 120_000);

  it('removes the scratch folder unless --keep', async () => {
    sb = makeSandbox();
    const result = await sb.cli(['demo', '--json'], { env: { TMPDIR: sb.dir } });
    expect(result.code).toBe(0);
    const summary = JSON.parse(result.stdout.trim().split('\n').at(-1)!) as { result: { scratch: string; kept: boolean; tasks: number; testsPass: boolean } };
    expect(summary.result).toMatchObject({ tasks: 4, kept: false, testsPass: true });
    expect(existsSync(summary.result.scratch)).toBe(false);
    expect(readdirSync(sb.dir).filter((name) => name.startsWith('codex-agent-demo-'))).toEqual([]);
  }, 120_000);

  it('refuses --tui without a terminal', async () => {
    sb = makeSandbox();
    const result = await sb.cli(['demo', '--tui'], { env: { TMPDIR: sb.dir } });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('needs a terminal');
    expect(readdirSync(sb.dir).filter((name) => name.startsWith('codex-agent-demo-'))).toEqual([]);
  });
});
