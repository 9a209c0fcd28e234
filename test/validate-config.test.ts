import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'smol-toml';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { git, makeSandbox, type Sandbox } from './helpers/sandbox.js';

let sb: Sandbox;
let repo: string;
beforeEach(() => {
  sb = makeSandbox();
  repo = sb.repo('app');
});
afterEach(() => sb.cleanup());

const configFile = () => join(repo, '.codex-agent', 'config.toml');
type Check = { name: string; run: string[]; required: boolean; timeout?: string };

describe('init proposes [[validate.checks]] from what the repo has', () => {
  it('writes the proposals active, says so, and the config loads them', async () => {
    writeFileSync(join(repo, 'package.json'), JSON.stringify({ scripts: { test: 'vitest run', lint: 'eslint .', typecheck: 'tsc --noEmit', build: 'tsc' } }));
    writeFileSync(join(repo, 'pnpm-lock.yaml'), '');
    writeFileSync(join(repo, 'Makefile'), 'VAR := 1\ncheck: lint\n\tmake lint\ntest:\n\tnpm test\n');
    writeFileSync(join(repo, 'pyproject.toml'), '[tool.ruff]\nline-length = 100\n');
    git(repo, 'add', '.');
    git(repo, 'commit', '-qm', 'project');
    const result = await sb.cli(['init'], { cwd: repo });
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/Validation checks found in this repo, written active as \[\[validate\.checks\]\]/);
    expect(result.stdout).toMatch(/typecheck +pnpm run typecheck +\(package\.json scripts\.typecheck\)/);
    expect(result.stdout).toMatch(/check +make check +\(Makefile target check\)/);

    const expected = [
      { name: 'typecheck', run: ['pnpm', 'run', 'typecheck'], required: true },
      { name: 'lint', run: ['pnpm', 'run', 'lint'], required: true },
      { name: 'test', run: ['pnpm', 'run', 'test'], required: true },
      { name: 'check', run: ['make', 'check'], required: true },
    ];
    const got = await sb.json<{ value: Check[]; origin: { source: string } }>(['config', 'get', 'validate.checks'], { cwd: repo });
    expect(got.value).toEqual(expected);
    expect(got.origin.source).toBe('repo');
    // The rest of the file stays commented-out defaults, including the example block.
    const text = readFileSync(configFile(), 'utf8');
    expect(text).toContain('# [[validate.checks]]\n# name = "test"');
    expect(text).toContain('# max_line_length = 160');
    expect((parse(text) as { validate: { checks: unknown[] } }).validate.checks).toHaveLength(4);
  });

  it('proposes nothing in a bare repo, and skips npm\'s placeholder test script', async () => {
    writeFileSync(join(repo, 'package.json'), JSON.stringify({ scripts: { test: 'echo "Error: no test specified" && exit 1' } }));
    const result = await sb.json<{ proposedChecks: unknown[] }>(['init'], { cwd: repo });
    expect(result.proposedChecks).toEqual([]);
    expect((await sb.json<{ value: Check[] }>(['config', 'get', 'validate.checks'], { cwd: repo })).value).toEqual([]);
  });
});

describe('[[validate.checks]] in config', () => {
  it('is set with a JSON array of tables, shown by config, and a string run is split', async () => {
    const set = await sb.cli(['config', 'set', 'validate.checks', '[{"name":"test","run":"npm test","timeout":"2m"}]'], { cwd: repo });
    expect(set.code, set.stderr).toBe(0);
    const got = await sb.json<{ value: Check[] }>(['config', 'get', 'validate.checks'], { cwd: repo });
    expect(got.value).toEqual([{ name: 'test', run: ['npm', 'test'], timeout: '2m', required: true }]);
    const shown = await sb.cli(['config'], { cwd: repo });
    expect(shown.stdout).toMatch(/validate\.checks +\[\{"name":"test","run":\["npm","test"\],"timeout":"2m","required":true\}\] +repo/);
    const bad = await sb.cli(['config', 'set', 'validate.checks', 'npm test'], { cwd: repo });
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/expected a JSON array of tables/);
  });

  it('refuses a string command with shell syntax, naming the file, line and key', async () => {
    mkdirSync(join(repo, '.codex-agent'), { recursive: true });
    writeFileSync(configFile(), '[[validate.checks]]\nname = "t"\nrun = "npm test && rm -rf /"\n');
    const result = await sb.cli(['config'], { cwd: repo });
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/line 3, validate\.checks\.0\.run: holds shell syntax .*write the argv as an array/);
  });
});
