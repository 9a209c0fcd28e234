import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Plan } from '../core/plan/waves.js';
import { git, makeSandbox, type Sandbox } from './helpers/sandbox.js';
import { editTask } from './helpers/worktree-repo.js';

let sb: Sandbox;
beforeEach(() => {
  sb = makeSandbox();
});
afterEach(() => sb.cleanup());

describe('manager plan with the conflict radar', () => {
  it('puts tasks whose branches already conflict in different waves, once `merge check --all` has seen them', async () => {
    const repo = sb.repo('app');
    writeFileSync(join(repo, 'shared.txt'), 'one\ntwo\nthree\n');
    git(repo, 'add', '.');
    git(repo, 'commit', '-q', '-m', 'shared');
    for (const [slug, line] of [['left', 'LEFT'], ['right', 'RIGHT'], ['apart', '']] as const) {
      await sb.json(['task', 'add', slug, '--slug', slug], { cwd: repo });
      git(repo, 'checkout', '-q', '-b', `codex/${slug}`, 'main');
      if (line) writeFileSync(join(repo, 'shared.txt'), `one\n${line}\nthree\n`);
      else writeFileSync(join(repo, `${slug}.txt`), 'elsewhere\n');
      git(repo, 'add', '.');
      git(repo, 'commit', '-q', '-m', slug);
      git(repo, 'checkout', '-q', 'main');
      editTask(sb, slug, (t) => (t.status = 'review'));
    }
    const before = await sb.json<Plan>(['manager', 'plan'], { cwd: repo });
    expect(before.waves.map((w) => w.slugs.sort())).toEqual([['apart', 'left', 'right']]);

    const radar = await sb.cli(['merge', 'check', '--all'], { cwd: repo });
    expect(radar.code, radar.stderr).toBe(1);
    const after = await sb.json<Plan>(['manager', 'plan'], { cwd: repo });
    expect(after.waves).toHaveLength(2);
    const waveOf = (slug: string) => after.tasks.find((t) => t.slug === slug)!.wave;
    expect(waveOf('left')).not.toBe(waveOf('right'));
    const split = after.tasks.find((t) => t.wave === 2)!;
    expect(split.reason).toMatch(/conflict/i);
  });
});
