import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { COMMIT_FORMAT, parseCommitLine, parseLeftRightCount, parseShortStat, parseStatusV2 } from '../core/git/status-parse.js';
import { parseWorktreeList } from '../core/git/worktree-list.js';
import { makeSandbox, type Sandbox } from './helpers/sandbox.js';
import { sbGit } from './helpers/worktree-repo.js';

let sb: Sandbox;
let repo: string;
const g = (...args: string[]) => sbGit(sb, repo, ...args);
const status = (...extra: string[]) => parseStatusV2(g('status', '--porcelain=v2', '--branch', '-z', ...extra));

beforeEach(() => {
  sb = makeSandbox();
  repo = sb.repo();
});
afterEach(() => sb.cleanup());

const SPACED = 'dir with space/ünïcødé file.txt';

describe('parseStatusV2 on real git output', () => {
  it('reads the branch headers and a clean tree', () => {
    const s = status();
    expect(s.branch.head).toBe('main');
    expect(s.branch.detached).toBe(false);
    expect(s.branch.oid).toMatch(/^[0-9a-f]{40}$/);
    expect(s.branch.upstream).toBeUndefined();
    expect([s.staged, s.unstaged, s.untracked, s.conflicted]).toEqual([0, 0, 0, 0]);
  });

  it('counts staged, unstaged and untracked paths with spaces and unicode', () => {
    mkdirSync(join(repo, 'dir with space'));
    writeFileSync(join(repo, SPACED), 'one\n');
    g('add', '--', SPACED);
    writeFileSync(join(repo, SPACED), 'one\ntwo\n'); // staged add + unstaged change of the same file
    writeFileSync(join(repo, 'README.md'), 'changed\n');
    writeFileSync(join(repo, 'new file ✓.txt'), 'x\n');
    const s = status();
    expect(s.staged).toBe(1);
    expect(s.unstaged).toBe(2);
    expect(s.untracked).toBe(1);
    expect(s.entries).toContainEqual({ kind: 'changed', xy: 'AM', path: SPACED });
    expect(s.entries).toContainEqual({ kind: 'changed', xy: '.M', path: 'README.md' });
    expect(s.entries).toContainEqual({ kind: 'untracked', xy: '??', path: 'new file ✓.txt' });
  });

  it('reads renames with both paths (the original path is its own NUL field)', () => {
    g('mv', 'README.md', 'docs über README.md');
    writeFileSync(join(repo, 'after.txt'), 'x\n');
    const s = status();
    expect(s.entries).toContainEqual({ kind: 'renamed', xy: 'R.', path: 'docs über README.md', origPath: 'README.md' });
    // The field after the rename is parsed as its own entry, not swallowed.
    expect(s.entries).toContainEqual({ kind: 'untracked', xy: '??', path: 'after.txt' });
    expect(s.staged).toBe(1);
  });

  it('counts conflicts', () => {
    writeFileSync(join(repo, 'a b.txt'), 'base\n');
    g('add', '.');
    g('commit', '-q', '-m', 'base');
    g('switch', '-q', '-c', 'other');
    writeFileSync(join(repo, 'a b.txt'), 'other\n');
    g('commit', '-q', '-am', 'other');
    g('switch', '-q', 'main');
    writeFileSync(join(repo, 'a b.txt'), 'main\n');
    g('commit', '-q', '-am', 'main');
    expect(() => g('merge', '-q', 'other')).toThrow();
    const s = status();
    expect(s.conflicted).toBe(1);
    expect(s.entries).toContainEqual({ kind: 'unmerged', xy: 'UU', path: 'a b.txt' });
    expect(s.staged + s.unstaged).toBe(0);
  });

  it('reads a detached HEAD and an unborn branch', () => {
    const head = g('rev-parse', 'HEAD').trim();
    g('switch', '-q', '--detach', 'HEAD');
    const detached = status();
    expect(detached.branch.detached).toBe(true);
    expect(detached.branch.head).toBeUndefined();
    expect(detached.branch.oid).toBe(head);
    g('switch', '-q', '--orphan', 'fresh');
    const unborn = status();
    expect(unborn.branch.oid).toBeUndefined();
    expect(unborn.branch.head).toBe('fresh');
  });

  it('reads ignored entries and the upstream counts', () => {
    writeFileSync(join(repo, '.gitignore'), '*.log\n');
    writeFileSync(join(repo, 'debug run.log'), 'x\n');
    const remote = join(sb.dir, 'remote.git');
    sbGit(sb, sb.dir, 'init', '-q', '--bare', remote);
    g('remote', 'add', 'origin', remote);
    g('push', '-q', '-u', 'origin', 'main');
    g('commit', '-q', '--allow-empty', '-m', 'ahead');
    const s = status('--ignored');
    expect(s.entries).toContainEqual({ kind: 'ignored', xy: '!!', path: 'debug run.log' });
    expect(s.ignored).toBe(1);
    expect(s.branch).toMatchObject({ upstream: 'origin/main', ahead: 1, behind: 0 });
  });

  it('rejects text that is not porcelain v2', () => {
    expect(() => parseStatusV2(' M README.md\0')).toThrow(/Unexpected git status record/);
  });
});

describe('rev-list, shortstat and log parsers on real output', () => {
  it('parses --left-right --count both ways', () => {
    g('switch', '-q', '-c', 'feature');
    g('commit', '-q', '--allow-empty', '-m', 'f1');
    g('commit', '-q', '--allow-empty', '-m', 'f2');
    g('switch', '-q', 'main');
    g('commit', '-q', '--allow-empty', '-m', 'm1');
    expect(parseLeftRightCount(g('rev-list', '--left-right', '--count', 'main...feature'))).toEqual({ left: 1, right: 2 });
    expect(() => parseLeftRightCount('')).toThrow();
  });

  it('parses --shortstat with insertions only, deletions only, both, and nothing', () => {
    const shortstat = () => parseShortStat(g('diff', '--shortstat', 'HEAD~1...HEAD'));
    writeFileSync(join(repo, 'a.txt'), 'one\ntwo\n');
    g('add', '.');
    g('commit', '-q', '-m', 'add');
    expect(shortstat()).toEqual({ files: 1, insertions: 2, deletions: 0 });
    writeFileSync(join(repo, 'a.txt'), 'one\n');
    g('commit', '-q', '-am', 'remove');
    expect(shortstat()).toEqual({ files: 1, insertions: 0, deletions: 1 });
    writeFileSync(join(repo, 'a.txt'), 'uno\n');
    writeFileSync(join(repo, 'README.md'), 'x\ny\n');
    g('commit', '-q', '-am', 'both');
    expect(shortstat()).toEqual({ files: 2, insertions: 3, deletions: 2 });
    g('commit', '-q', '--allow-empty', '-m', 'empty');
    expect(shortstat()).toEqual({ files: 0, insertions: 0, deletions: 0 });
  });

  it('parses a commit line with a unicode subject', () => {
    g('commit', '-q', '--allow-empty', '-m', 'fix: ünïcødé — “quotes” and spaces');
    const commit = parseCommitLine(g('log', '-1', COMMIT_FORMAT));
    expect(commit?.subject).toBe('fix: ünïcødé — “quotes” and spaces');
    expect(commit?.hash).toBe(g('rev-parse', 'HEAD').trim());
    expect(Math.abs(commit!.time - Date.now() / 1000)).toBeLessThan(3600);
    expect(parseCommitLine('')).toBeUndefined();
  });
});

describe('parseWorktreeList on real output', () => {
  it('reads main, linked, detached, locked and prunable worktrees', () => {
    const wt = (name: string) => join(sb.dir, `wt ${name}`);
    g('worktree', 'add', '-q', '-b', 'feature', wt('linked'));
    g('worktree', 'add', '-q', '--detach', wt('detached'));
    g('worktree', 'add', '-q', '-b', 'locked', wt('locked'));
    g('worktree', 'lock', '--reason', 'on a USB disk', wt('locked'));
    g('worktree', 'add', '-q', '-b', 'gone', wt('gone'));
    rmSync(wt('gone'), { recursive: true });
    const list = parseWorktreeList(g('worktree', 'list', '--porcelain', '-z'));
    expect(list.map((w) => w.path)).toEqual([repo, wt('detached'), wt('gone'), wt('linked'), wt('locked')].sort((a, b) => (a === repo ? -1 : b === repo ? 1 : a.localeCompare(b))));
    const by = (p: string) => list.find((w) => w.path === p)!;
    expect(by(repo)).toMatchObject({ main: true, branch: 'refs/heads/main', detached: false });
    expect(by(wt('linked'))).toMatchObject({ main: false, branch: 'refs/heads/feature', locked: undefined, prunable: undefined });
    expect(by(wt('detached'))).toMatchObject({ detached: true, branch: undefined });
    expect(by(wt('locked')).locked).toBe('on a USB disk');
    expect(by(wt('gone')).prunable).toMatch(/non-existent/);
  });
});
