import { describe, expect, it } from 'vitest';
import { CodexAgentError } from '../core/errors.js';
import { globsOverlap, scopesOverlap } from '../core/plan/scope-overlap.js';
import { RankSet } from '../core/plan/rank-set.js';
import { planWaves, type PlanTask } from '../core/plan/waves.js';

const t = (slug: string, deps: string[] = [], extra: Partial<PlanTask> = {}): PlanTask => ({ slug, deps, priority: 'normal', files: [], status: deps.length ? 'todo' : 'ready', ...extra });
const waves = (tasks: PlanTask[], maxParallel = 4) => planWaves(tasks, { maxParallel }).waves.map((w) => w.slugs);
const reasons = (tasks: PlanTask[], maxParallel = 4) => Object.fromEntries(planWaves(tasks, { maxParallel }).tasks.map((p) => [p.slug, p.reason]));

describe('planWaves', () => {
  it('lays out the dependency graph as topological layers with the reason for each wave', () => {
    const tasks = [t('tokens'), t('icons'), t('dark-mode', ['tokens']), t('settings', ['dark-mode', 'icons']), t('docs')];
    expect(waves(tasks)).toEqual([['docs', 'icons', 'tokens'], ['dark-mode'], ['settings']]);
    expect(reasons(tasks)).toEqual({
      docs: 'no open dependencies',
      icons: 'no open dependencies',
      tokens: 'no open dependencies',
      'dark-mode': 'waiting for tokens',
      settings: 'waiting for dark-mode',
    });
  });

  it('caps every wave at max_parallel, higher priority first, then by slug', () => {
    const tasks = [t('e'), t('d'), t('c'), t('b'), t('a', [], { priority: 'low' }), t('z', [], { priority: 'urgent' })];
    expect(waves(tasks, 2)).toEqual([['z', 'b'], ['c', 'd'], ['e', 'a']]);
    expect(reasons(tasks, 2).c).toBe('capped by max_parallel (2)');
    expect(reasons(tasks, 2).z).toBe('no open dependencies');
    // A dependent of a capped task follows it.
    expect(waves([t('a'), t('b'), t('c', ['b'])], 1)).toEqual([['a'], ['b'], ['c']]);
  });

  it('splits tasks whose file scopes overlap into different waves, and says which glob they share', () => {
    const tasks = [
      t('theme', [], { files: ['src/theme/**'] }),
      t('colors', [], { files: ['src/theme/colors.ts'] }),
      t('api', [], { files: ['src/api/**'] }),
      t('styles', [], { files: ['src/**/*.css'] }),
      t('types', [], { files: ['src/**/*.ts'] }),
    ];
    const plan = planWaves(tasks, { maxParallel: 4 });
    // *.css and *.ts globs are disjoint; src/api/** and src/theme/** may hold either.
    expect(plan.waves.map((w) => w.slugs)).toEqual([['api', 'colors'], ['styles', 'types'], ['theme']]);
    const why = Object.fromEntries(plan.tasks.map((p) => [p.slug, p.reason]));
    expect(why.styles).toBe('split from api because both touch src/**/*.css and src/api/**');
    expect(why.types).toBe('split from api because both touch src/**/*.ts and src/api/**');
    expect(why.theme).toBe('split from styles because both touch src/theme/** and src/**/*.css');
  });

  it('splits tasks whose branches conflict, through the merge-check hook', () => {
    const tasks = [t('a'), t('b'), t('c')];
    const plan = planWaves(tasks, { maxParallel: 4, branchConflicts: () => [['a', 'c']] });
    expect(plan.waves.map((w) => w.slugs)).toEqual([['a', 'b'], ['c']]);
    expect(plan.tasks.find((p) => p.slug === 'c')!.reason).toBe('split from a because their branches conflict');
  });

  it('is an error that prints the cycle', () => {
    const tasks = [t('ok'), t('a', ['c']), t('b', ['a']), t('c', ['b'])];
    let error: unknown;
    try {
      planWaves(tasks, { maxParallel: 4 });
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(CodexAgentError);
    expect((error as CodexAgentError).code).toBe('dependency-cycle');
    expect((error as CodexAgentError).message).toMatch(/cycle: (a → c → b → a|b → a → c → b|c → b → a → c)\.$/);
  });

  it('drops done work, and blocks (without planning) what depends on failed or cancelled tasks', () => {
    const tasks = [
      t('base', [], { status: 'done' }),
      t('uses-base', ['base'], { status: 'ready' }),
      t('broken', [], { status: 'failed' }),
      t('needs-broken', ['broken']),
      t('needs-needs', ['needs-broken']),
      t('in-review', [], { status: 'review' }),
      t('after-review', ['in-review']),
    ];
    const plan = planWaves(tasks, { maxParallel: 4 });
    expect(plan.waves.map((w) => w.slugs)).toEqual([['in-review', 'uses-base'], ['after-review']]);
    expect(plan.blocked).toEqual([
      { slug: 'needs-broken', status: 'todo', reason: 'blocked: broken is failed' },
      { slug: 'needs-needs', status: 'todo', reason: 'blocked: needs-broken is blocked' },
    ]);
  });

  it('gives the same plan whatever the order of the registry', () => {
    const tasks: PlanTask[] = [];
    for (let i = 0; i < 200; i++) {
      const deps = i > 10 ? [`t${(i * 7) % i}`, `t${(i * 13) % i}`].filter((d, k, all) => all.indexOf(d) === k) : [];
      tasks.push(t(`t${i}`, deps, { priority: (['low', 'normal', 'high', 'urgent'] as const)[i % 4], files: [`src/m${i % 17}/**`] }));
    }
    const first = planWaves(tasks, { maxParallel: 5 });
    const shuffled = [...tasks].sort((a, b) => ((a.slug.length * 31 + a.slug.charCodeAt(1)) % 7) - ((b.slug.length * 31 + b.slug.charCodeAt(1)) % 7)).reverse();
    expect(planWaves(shuffled, { maxParallel: 5 })).toEqual(first);
    // Every dependency lands in an earlier wave, and no wave exceeds the cap or holds overlapping scopes.
    const waveOf = new Map(first.tasks.map((p) => [p.slug, p.wave]));
    for (const task of tasks) for (const dep of task.deps) expect(waveOf.get(dep)!).toBeLessThan(waveOf.get(task.slug)!);
    for (const wave of first.waves) {
      expect(wave.slugs.length).toBeLessThanOrEqual(5);
      expect(new Set(wave.slugs.map((s) => tasks.find((x) => x.slug === s)!.files[0])).size).toBe(wave.slugs.length);
    }
  });
});

describe('file scope overlap', () => {
  it.each([
    ['src/theme/**', 'src/theme/colors.ts', true],
    ['src/theme/**', 'src/api/**', false],
    ['src/**', 'src/api/client.ts', true],
    ['src/a.ts', 'src/a.ts', true],
    ['src/a.ts', 'src/b.ts', false],
    ['src', 'src/a.ts', true], // a literal may be a directory
    ['src/**/*.css', 'src/**/*.ts', false],
    ['src/**/*.css', 'src/theme/colors.ts', false],
    ['src/**/*.css', 'src/theme', true],
    ['src/**/*.ts', 'src/**/*.test.ts', true],
    ['src/*.ts', 'src/**/*.ts', true],
    ['src/*.ts', 'src/deep/a.ts', false],
    ['src/*.ts', 'src/a.ts', true],
    ['**/*.md', 'docs/guide.md', true],
    ['docs/*.md', 'README.md', false],
    ['./src/ui/', 'src/ui/App.tsx', true],
    ['{src,lib}/**', 'lib/x.ts', true],
  ])('%s vs %s → %s', (a, b, expected) => {
    expect(globsOverlap(a, b)).toBe(expected);
    expect(globsOverlap(b, a)).toBe(expected);
  });

  it('names the first pair of globs that overlap; an empty scope overlaps nothing', () => {
    expect(scopesOverlap(['docs/**', 'src/a.ts'], ['src/*.ts'])).toEqual({ a: 'src/a.ts', b: 'src/*.ts' });
    expect(scopesOverlap([], ['**'])).toBeUndefined();
  });
});

describe('RankSet (the ready queue)', () => {
  it('always yields the lowest rank, across words and summary words, as ranks come and go', () => {
    const capacity = 70_000; // more than one summary word (32 × 32 ranks each)
    const set = new RankSet(capacity);
    const model = new Set<number>();
    let seed = 7;
    const next = (n: number) => ((seed = (seed * 48271) % 2147483647) % n);
    for (let step = 0; step < 20_000; step++) {
      if (model.size > 0 && next(3) === 0) {
        const lowest = Math.min(...model);
        expect(set.pop()).toBe(lowest);
        model.delete(lowest);
      } else {
        // Mostly near the top of the range, sometimes far below what was popped last.
        const rank = next(4) === 0 ? next(64) : capacity - 1 - next(5000);
        if (model.has(rank)) continue;
        set.push(rank);
        model.add(rank);
      }
      expect(set.size).toBe(model.size);
    }
    const rest = [...model].sort((a, b) => a - b);
    expect(Array.from({ length: rest.length }, () => set.pop())).toEqual(rest);
    expect(set.size).toBe(0);
    // Bit 31 of a word and rank 0 behave like any other.
    for (const rank of [31, 0, 63, 32]) set.push(rank);
    expect([set.pop(), set.pop(), set.pop(), set.pop()]).toEqual([0, 31, 32, 63]);
  });
});
