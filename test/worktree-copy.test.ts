import { existsSync, lstatSync, mkdirSync, readFileSync, readlinkSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { copyMethodsFor, copyPath, countTree } from '../core/worktree/copy.js';
import { hydrate, planHydration } from '../core/worktree/hydrate.js';
import { hydratePathProblem, worktreeRoot } from '../core/worktree/paths.js';
import { makeSandbox, type Sandbox } from './helpers/sandbox.js';

let sb: Sandbox;
let src: string;

beforeEach(() => {
  sb = makeSandbox();
  src = join(sb.dir, 'src', 'node_modules');
  mkdirSync(join(src, 'pkg', 'lib'), { recursive: true });
  writeFileSync(join(src, 'pkg', 'index.js'), 'module.exports = 1;\n');
  writeFileSync(join(src, 'pkg', 'lib', 'data.bin'), Buffer.alloc(5000, 7));
  mkdirSync(join(src, '.bin'));
  symlinkSync('../pkg/index.js', join(src, '.bin', 'pkg'));
});
afterEach(() => sb.cleanup());

function expectSameTree(dst: string): void {
  expect(readFileSync(join(dst, 'pkg', 'index.js'), 'utf8')).toBe('module.exports = 1;\n');
  expect(readFileSync(join(dst, 'pkg', 'lib', 'data.bin'))).toEqual(Buffer.alloc(5000, 7));
  expect(lstatSync(join(dst, '.bin', 'pkg')).isSymbolicLink()).toBe(true);
  expect(readlinkSync(join(dst, '.bin', 'pkg'))).toBe('../pkg/index.js');
}

describe('the copy method chain', () => {
  it('tries copy-on-write cp first, then rsync, then plain cp, then Node', () => {
    expect(copyMethodsFor('linux')).toEqual(['reflink', 'rsync', 'cp', 'node']);
    expect(copyMethodsFor('darwin')).toEqual(['clonefile', 'rsync', 'cp', 'node']);
    expect(copyMethodsFor('win32')).toEqual(['node']);
  });

  it.skipIf(process.platform !== 'linux')('falls back to the next method when one fails, leaving no partial copy', async () => {
    // GNU cp has no -c (macOS's clonefile flag): a real failure of a real process.
    const dst = join(sb.dir, 'dst', 'node_modules');
    const copied = await copyPath(src, dst, ['clonefile', 'reflink']);
    expect(copied.method).toBe('reflink');
    expect(copied.failures).toEqual([expect.objectContaining({ method: 'clonefile', missing: false })]);
    expectSameTree(dst);
  });

  it('reports a program that is missing as such', async () => {
    const dst = join(sb.dir, 'dst2', 'node_modules');
    const saved = process.env.PATH;
    process.env.PATH = join(sb.dir, 'empty-bin'); // neither cp nor rsync
    try {
      const copied = await copyPath(src, dst, ['rsync', 'cp', 'node']);
      expect(copied.method).toBe('node');
      expect(copied.failures.map((f) => [f.method, f.missing])).toEqual([
        ['rsync', true],
        ['cp', true],
      ]);
    } finally {
      process.env.PATH = saved;
    }
    expectSameTree(dst);
  });

  it('counts files (symlinks included) and bytes', () => {
    expect(countTree(src)).toEqual({ files: 3, bytes: 20 + 5000 + '../pkg/index.js'.length });
    expect(countTree(join(src, 'pkg', 'index.js'))).toEqual({ files: 1, bytes: 20 });
  });
});

describe('hydration plan and paths', () => {
  it('reports what it skipped and copies the rest with the first working method', async () => {
    const repo = sb.repo();
    mkdirSync(join(repo, 'node_modules', 'x'), { recursive: true });
    writeFileSync(join(repo, 'node_modules', 'x', 'i.js'), 'x');
    mkdirSync(join(repo, '.next', 'cache'), { recursive: true });
    writeFileSync(join(repo, '.next', 'cache', 'c'), 'c');
    const plan = await planHydration(repo, ['node_modules', 'node_modules/x', '.next/cache', 'README.md', '.venv']);
    expect(plan.paths).toEqual(['node_modules', '.next/cache']);
    expect(plan.skipped).toEqual(
      expect.arrayContaining([
        { path: '.venv', reason: 'absent' },
        { path: 'node_modules/x', reason: 'nested' },
        { path: 'README.md', reason: 'tracked' },
      ]),
    );
    const target = join(sb.dir, 'target');
    mkdirSync(target);
    const events: string[] = [];
    const report = await hydrate(plan, repo, target, { methods: ['node'], onEvent: (e) => events.push(e.type) });
    expect(report).toMatchObject({ method: 'node', files: 2, bytes: 2, failed: [] });
    expect(readFileSync(join(target, '.next', 'cache', 'c'), 'utf8')).toBe('c');
    expect(events).toEqual(['hydrate-path', 'hydrated-path', 'hydrate-path', 'hydrated-path']);
    expect(report.hydratedAt).toBeGreaterThanOrEqual(Date.now() - 60_000);
  });

  it('refuses hydration paths that leave the repo or reach into .git', async () => {
    expect(hydratePathProblem('../secrets')).toMatch(/climbs out/);
    expect(hydratePathProblem('/etc')).toMatch(/absolute/);
    expect(hydratePathProblem('.git/config')).toMatch(/\.git/);
    expect(hydratePathProblem('node_modules')).toBeUndefined();
    await expect(planHydration(sb.repo(), ['../x'])).rejects.toThrow(/\[worktree\] hydrate: the path "..\/x" is unusable/);
  });

  it('puts worktrees beside the repo by default, and resolves a configured root', () => {
    expect(worktreeRoot('/code/app', '')).toBe('/code/app.worktrees');
    expect(worktreeRoot('/code/app', '../trees')).toBe('/code/trees');
    expect(worktreeRoot('/code/app', '/srv/wt')).toBe('/srv/wt');
    expect(existsSync(worktreeRoot(sb.dir, '~'))).toBe(true);
  });
});
