import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CodexAgentError } from '../core/errors.js';
import { findCycle, formatCycle } from '../core/registry/graph.js';
import { REGISTRY_VERSION } from '../core/registry/migrations.js';
import { Registry } from '../core/registry/registry.js';
import { assertTransition, TRANSITIONS } from '../core/task-state.js';
import { TASK_STATUSES, type Task } from '../core/task.js';
import { makeSandbox, type Sandbox } from './helpers/sandbox.js';

let sb: Sandbox;
let repo: string;
beforeEach(() => {
  sb = makeSandbox();
  repo = sb.repo('app');
});
afterEach(() => sb.cleanup());

const writeRegistry = (text: string) => {
  mkdirSync(dirname(sb.registryFile), { recursive: true });
  writeFileSync(sb.registryFile, text);
};

describe('a corrupt or hand-edited tasks.json (IN-5)', () => {
  it('points at a JSON syntax error by line and column, for reads and writes, and never rewrites the file', async () => {
    const text = '{\n  "version": 1,\n  "tasks": [\n    { "slug": "a", }\n  ]\n}\n';
    writeRegistry(text);
    for (const args of [['task', 'list'], ['task', 'add', 'New'], ['task', 'show', 'a']]) {
      const result = await sb.cli(args, { cwd: repo });
      expect(result.code, args.join(' ')).toBe(2);
      expect(result.stderr).toContain(`${sb.registryFile}, line 4, column`);
      expect(result.stderr).toMatch(/did not change it/);
    }
    expect(readFileSync(sb.registryFile, 'utf8')).toBe(text);
  });

  it('names the task and the field of a bad value', async () => {
    await sb.json(['task', 'add', 'Alpha'], { cwd: repo });
    await sb.json(['task', 'add', 'Beta'], { cwd: repo });
    const doc = JSON.parse(readFileSync(sb.registryFile, 'utf8')) as { tasks: Record<string, unknown>[] };
    doc.tasks[1]!.priority = 'whenever';
    doc.tasks[1]!.colour = 'blue';
    const text = JSON.stringify(doc, null, 2);
    writeRegistry(text);
    const result = await sb.cli(['task', 'add', 'Gamma'], { cwd: repo });
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/task #2 \("beta"\), field priority: .*"low"/);
    expect(result.stderr).toMatch(/task #2 \("beta"\): unknown field\(s\) colour/);
    expect(readFileSync(sb.registryFile, 'utf8')).toBe(text);
  });

  it('lets listing show a bad shape precisely too (the quick check falls back to the full schema)', async () => {
    await sb.json(['task', 'add', 'A'], { cwd: repo });
    const doc = JSON.parse(readFileSync(sb.registryFile, 'utf8')) as { tasks: Record<string, unknown>[] };
    doc.tasks[0]!.status = 'sleeping';
    delete doc.tasks[0]!.owner;
    writeRegistry(JSON.stringify(doc));
    const result = await sb.cli(['task', 'list'], { cwd: repo });
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/task #1 \("a"\), field status: Invalid option/);
    expect(result.stderr).toMatch(/task #1 \("a"\), field owner: missing \(expected string\)/);
  });

  it('refuses an empty file without touching it', async () => {
    writeRegistry('');
    const result = await sb.cli(['task', 'add', 'X'], { cwd: repo });
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/is empty/);
    expect(readFileSync(sb.registryFile, 'utf8')).toBe('');
  });
});

describe('registry versions (RELIABILITY rule 7)', () => {
  it('refuses a registry written by a newer version, and never rewrites it', async () => {
    const text = JSON.stringify({ version: REGISTRY_VERSION + 1, tasks: [], future: true });
    writeRegistry(text);
    for (const args of [['task', 'list'], ['task', 'add', 'X']]) {
      const result = await sb.cli(args, { cwd: repo });
      expect(result.code).toBe(2);
      expect(result.stderr).toMatch(/written by a newer codex-agent \(registry version 2; this one understands up to 1\)/);
      expect(result.stderr).toMatch(/Upgrade codex-agent/);
    }
    expect(readFileSync(sb.registryFile, 'utf8')).toBe(text);
  });

  it('migrates a hand-written version-0 file (a bare array) in memory for reads and on disk at the next write', async () => {
    const legacy = [{ slug: 'old-task', repo, title: 'Old task' }];
    writeRegistry(JSON.stringify(legacy));
    const listed = await sb.json<Task[]>(['task', 'list'], { cwd: repo });
    expect(listed).toHaveLength(1);
    expect(listed[0]).toMatchObject({ slug: 'old-task', branch: 'codex/old-task', status: 'todo', deps: [] });
    expect(readFileSync(sb.registryFile, 'utf8')).toBe(JSON.stringify(legacy)); // reads never write
    await sb.json(['task', 'add', 'New', '--deps', 'old-task'], { cwd: repo });
    const doc = JSON.parse(readFileSync(sb.registryFile, 'utf8')) as { version: number; tasks: Task[] };
    expect(doc.version).toBe(REGISTRY_VERSION);
    expect(doc.tasks.map((t) => [t.slug, t.status])).toEqual([
      ['old-task', 'ready'],
      ['new', 'todo'],
    ]);
  });
});

describe('Registry.update', () => {
  it('writes nothing when the mutation throws', async () => {
    const registry = new Registry(sb.registryFile);
    await registry.update((r) => {
      r.tasks.push(sample('a'));
    });
    const before = readFileSync(sb.registryFile, 'utf8');
    await expect(
      registry.update((r) => {
        r.tasks.push(sample('b'));
        throw new Error('changed my mind');
      }),
    ).rejects.toThrow('changed my mind');
    expect(readFileSync(sb.registryFile, 'utf8')).toBe(before);
  });

  it('refuses to write an invalid registry', async () => {
    const registry = new Registry(sb.registryFile);
    await expect(registry.update((r) => void r.tasks.push({ ...sample('a'), slug: 'Not Valid' }))).rejects.toThrow(/field slug/);
  });

  it('derives ready when the last dependency is done, and todo when a new one is added', async () => {
    const registry = new Registry(sb.registryFile);
    await registry.update((r) => {
      r.tasks.push(sample('a'), { ...sample('b'), deps: ['a'] });
    });
    expect((await registry.read()).tasks.map((t) => t.status)).toEqual(['ready', 'todo']);
    await registry.update((r) => {
      r.tasks[0]!.status = 'done';
    });
    expect((await registry.read()).tasks[1]).toMatchObject({ status: 'ready', statusReason: 'dependencies done' });
    await registry.update((r) => {
      r.tasks.push(sample('c'));
      r.tasks[1]!.deps.push('c');
    });
    expect((await registry.read()).tasks[1]).toMatchObject({ status: 'todo', statusReason: 'waiting for c' });
  });

  it('keeps the data directory private', async () => {
    const { statSync } = await import('node:fs');
    await new Registry(sb.registryFile).update((r) => void r.tasks.push(sample('a')));
    expect(statSync(sb.registryFile).mode & 0o777).toBe(0o600);
    expect(statSync(dirname(sb.registryFile)).mode & 0o777).toBe(0o700);
  });

  function sample(slug: string): Task {
    const now = new Date().toISOString();
    return {
      slug, repo, title: slug, goal: null, goalFile: null, deps: [], priority: 'normal', labels: [], owner: null, files: [], agent: null,
      base: 'main', branch: `codex/${slug}`, worktree: null, status: 'todo', statusReason: null, retries: null, timeouts: null, createdAt: now, updatedAt: now,
    };
  }
});

describe('dependency cycles', () => {
  const t = (slug: string, ...deps: string[]) => ({ slug, deps });
  it('finds none in a DAG, including diamonds and deep chains', () => {
    expect(findCycle([t('a'), t('b', 'a'), t('c', 'a'), t('d', 'b', 'c')])).toBeUndefined();
    const chain = Array.from({ length: 50_000 }, (_, i) => t(`n${i}`, ...(i ? [`n${i - 1}`] : [])));
    expect(findCycle(chain)).toBeUndefined();
  });
  it('prints the cycle it finds', () => {
    expect(formatCycle(findCycle([t('a', 'c'), t('b', 'a'), t('c', 'b')])!)).toBe('a → c → b → a');
    expect(findCycle([t('x', 'x')])).toEqual(['x', 'x']);
    const cycle = findCycle([t('a'), t('b', 'a', 'd'), t('c', 'b'), t('d', 'c')])!;
    expect(cycle[0]).toBe(cycle[cycle.length - 1]);
    expect(new Set(cycle)).toEqual(new Set(['b', 'c', 'd']));
  });
  it('ignores dependencies on tasks outside the set', () => {
    expect(findCycle([t('a', 'elsewhere')])).toBeUndefined();
  });
});

describe('the state machine table', () => {
  it('covers every state and names both states on an illegal move', () => {
    expect(Object.keys(TRANSITIONS).sort()).toEqual([...TASK_STATUSES].sort());
    for (const [from, targets] of Object.entries(TRANSITIONS)) {
      for (const to of Object.keys(targets)) expect(TASK_STATUSES).toContain(to);
      expect(from).not.toBe(undefined);
    }
    expect(() => assertTransition('todo', 'ready')).not.toThrow();
    let error: unknown;
    try {
      assertTransition('done', 'running');
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(CodexAgentError);
    expect((error as CodexAgentError).message).toBe('A task cannot go from done to running.');
    expect((error as CodexAgentError).hint).toMatch(/todo, ready/);
  });
});
