import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { assertSlug, branchNameProblem, slugFromTitle, uniqueSlug } from '../core/names.js';
import { CodexAgentError } from '../core/errors.js';

/** RELIABILITY IN-1: only valid names accepted; dangerous ones rejected with a clear message. */
describe('slugs (IN-1)', () => {
  const valid = ['a', '0', 'add-dark-mode', 'x'.repeat(63), 'v2-api', '9-lives'];
  const invalid: [string, RegExp][] = [
    ['', /empty/],
    ['-leading', /starts with a dash/],
    ['Upper', /lowercase/],
    ['has space', /lowercase/],
    ['a/b', /contains "\/"/],
    ['/etc/passwd', /"\/"/],
    ['$(id)', /lowercase/],
    ['`id`', /lowercase/],
    ['a..b', /lowercase/],
    ['x.lock', /lowercase/],
    ['x'.repeat(64), /longer than 63/],
    ['é', /lowercase/],
  ];
  it.each(valid)('accepts %j', (slug) => expect(() => assertSlug(slug)).not.toThrow());
  it.each(invalid)('rejects %j', (slug, why) => {
    let error: unknown;
    try {
      assertSlug(slug);
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(CodexAgentError);
    expect((error as CodexAgentError).code).toBe('invalid-slug');
    expect((error as CodexAgentError).message).toMatch(why);
    expect((error as CodexAgentError).hint).toContain('[a-z0-9]');
  });

  it('derives slugs from titles', () => {
    expect(slugFromTitle('Add dark mode')).toBe('add-dark-mode');
    expect(slugFromTitle('  Crème brûlée: v2.0!  ')).toBe('creme-brulee-v2-0');
    expect(slugFromTitle('$(rm -rf /)')).toBe('rm-rf');
    expect(slugFromTitle('日本語')).toBe('');
    const long = slugFromTitle('word '.repeat(40));
    expect(long.length).toBeLessThanOrEqual(63);
    expect(long).toMatch(/^[a-z0-9][a-z0-9-]*[a-z0-9]$/);
  });

  it('makes slugs unique within the length limit', () => {
    expect(uniqueSlug('a', new Set())).toBe('a');
    expect(uniqueSlug('a', new Set(['a', 'a-2']))).toBe('a-3');
    const base = 'x'.repeat(63);
    const next = uniqueSlug(base, new Set([base]));
    expect(next).toHaveLength(63);
    expect(next.endsWith('-2')).toBe(true);
  });
});

describe('branch names (IN-1)', () => {
  /** What git itself says, so our rules are never looser than git's. */
  const gitAccepts = (name: string) => {
    try {
      execFileSync('git', ['check-ref-format', '--branch', name], { stdio: 'ignore' });
      return true;
    } catch {
      return false;
    }
  };
  const valid = ['main', 'feature/dark-mode', 'codex/add-x', 'release-1.2', 'a_b', 'user/x/y'];
  const invalid = [
    '',
    '-x',
    '--upload-pack=evil',
    '/abs/path',
    'a..b',
    'a@{1}',
    'x.lock',
    'a/b.lock/c',
    'feat/$(id>PWNED)',
    'feat/`id`',
    'a b',
    'a~1',
    'a^',
    'a:b',
    'a?',
    'a*',
    'a[',
    'a\\b',
    'a//b',
    'a/',
    '.hidden',
    'a/.b',
    'a.',
    'HEAD',
    '@',
    "it's",
    'a;b',
    'a|b',
    'a&b',
  ];
  it.each(valid)('accepts %j (and git agrees)', (name) => {
    expect(branchNameProblem(name)).toBeUndefined();
    expect(gitAccepts(name)).toBe(true);
  });
  it.each(invalid)('rejects %j', (name) => {
    expect(branchNameProblem(name)).toBeTypeOf('string');
  });
  it('is never looser than git check-ref-format', () => {
    for (const name of [...valid, ...invalid]) {
      if (branchNameProblem(name) === undefined) expect(gitAccepts(name), name).toBe(true);
    }
  });
});
