import { describe, expect, it } from 'vitest';
import { isValidRegistry } from '../core/registry/check.js';
import { registrySchema } from '../core/registry/schema.js';
import { PRIORITIES, TASK_STATUSES, type Task } from '../core/task.js';

/**
 * The plain-code registry check decides whether a registry write needs zod at all. It must never
 * pass what the schema refuses, so it is held to the schema's own answer, case by case.
 */

const task = (over: Partial<Record<keyof Task, unknown>> = {}): Record<string, unknown> => ({
  slug: 'add-dark-mode',
  repo: '/home/dev/app',
  title: 'Add dark mode',
  goal: 'Make the theme switchable.',
  goalFile: null,
  deps: ['theme-tokens'],
  priority: 'normal',
  labels: ['ui'],
  owner: null,
  files: ['src/theme/**'],
  agent: null,
  base: 'main',
  branch: 'codex/add-dark-mode',
  worktree: null,
  status: 'todo',
  statusReason: null,
  retries: null,
  timeouts: null,
  createdAt: '2025-11-20T10:00:00.000Z',
  updatedAt: '2025-11-20T10:00:00.000Z',
  ...over,
});
const doc = (...tasks: Record<string, unknown>[]) => ({ version: 1, tasks });

/** Each field with values the schema accepts and values it refuses (wrong type, range, format). */
const VARIANTS: Record<string, unknown[]> = {
  slug: ['a', 'a-1', '9lives', 'x'.repeat(63), '', 'A', '-a', 'a_b', 'x'.repeat(64), 3, null, undefined],
  repo: ['/r', 'C:\\work\\r', 'c:/r', 'relative/path', '', '~/r', null, undefined],
  title: ['T', ' ', '', 0, null],
  goal: ['', 'g', null, 1, undefined],
  goalFile: ['.codex-agent/tasks/a.md', null, false],
  deps: [[], ['a', 'b-2'], ['Bad'], [''], 'a', [1], null],
  priority: [...PRIORITIES, 'medium', '', null],
  labels: [[], ['x'], [''], [1], 'x'],
  owner: ['me', '', null, 5],
  files: [[], ['**/*.ts'], [''], [null]],
  agent: ['codex', null, 1],
  base: ['main', '', null],
  branch: ['codex/x', '', 7],
  worktree: ['/w', '', null, {}],
  status: [...TASK_STATUSES, 'open', null],
  statusReason: ['launched', null, []],
  retries: [0, 20, null, 21, -1, 1.5, '2', 2 ** 53, Number.NaN, Number.POSITIVE_INFINITY],
  timeouts: [
    null,
    {},
    { execution: '15m' },
    { verification: '90s', execution: '1h' },
    { execution: '2.5m' },
    { execution: '150ms' },
    { execution: undefined },
    { execution: '15' },
    { execution: '15 m' },
    { execution: 15 },
    { review: '5m' },
    [],
    'none',
  ],
  createdAt: ['2025-11-20T10:00:00.000Z', '2025-11-20', 'Thu, 20 Nov 2025 10:00:00 GMT', 'yesterday', '', 0, null],
  updatedAt: ['2025-11-20T10:00:00Z', 'not a date', undefined],
};

const schemaSays = (value: unknown) => registrySchema.safeParse(value).success;

describe('the plain-code registry check agrees with the zod schema', () => {
  it('passes a valid registry, and an empty one', () => {
    for (const d of [doc(task()), doc(), doc(task(), task({ slug: 'b' }), task({ repo: '/other' }))]) {
      expect(schemaSays(d)).toBe(true);
      expect(isValidRegistry(d)).toBe(true);
    }
  });

  it.each(Object.entries(VARIANTS))('field %s: same verdict for every value', (field, values) => {
    let refused = 0;
    for (const value of values) {
      const d = doc(task({ [field]: value }));
      expect({ field, value, check: isValidRegistry(d) }).toEqual({ field, value, check: schemaSays(d) });
      if (!schemaSays(d)) refused++;
    }
    expect(refused).toBeGreaterThan(0);
  });

  it('refuses a missing field, an unknown one, and a field set to undefined, like the schema', () => {
    const cases: unknown[] = [];
    for (const field of Object.keys(task())) {
      const without = task();
      delete without[field];
      cases.push(doc(without));
    }
    cases.push(doc({ ...task(), extra: 1 }), doc({ ...task(), extra: undefined }), doc(task({ title: undefined })));
    for (const d of cases) {
      expect(schemaSays(d)).toBe(false);
      expect(isValidRegistry(d)).toBe(false);
    }
  });

  it('refuses what is wrong with the document itself, like the schema', () => {
    const cases: unknown[] = [
      null,
      [],
      'tasks',
      {},
      { version: 1 },
      { tasks: [] },
      { version: '1', tasks: [] },
      { version: 1.5, tasks: [] },
      { version: 1, tasks: {} },
      { version: 1, tasks: [null] },
      { version: 1, tasks: [[]] },
      { version: 1, tasks: [], extra: true },
      doc(task(), task()), // the same slug twice in one repo
    ];
    for (const d of cases) {
      expect({ d, check: isValidRegistry(d) }).toEqual({ d, check: schemaSays(d) });
    }
    expect(cases.every((d) => !schemaSays(d))).toBe(true);
  });
});
