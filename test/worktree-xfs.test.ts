import { execFileSync, spawnSync } from 'node:child_process';
import { randomFillSync } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, statfsSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CreatedWorktree } from '../core/worktree/create.js';
import { makeSandbox, type Sandbox } from './helpers/sandbox.js';
import { sbGit, waitForTrash } from './helpers/worktree-repo.js';

/**
 * Hydration on a real copy-on-write filesystem: an XFS image with reflink=1 on a loop mount. Needs
 * root (mount) and xfsprogs (mkfs.xfs); .ci/run installs xfsprogs so CI runs it.
 */

function hasCommand(name: string): boolean {
  return spawnSync('sh', ['-c', 'command -v "$1"', 'sh', name], { stdio: 'ignore' }).status === 0;
}

function unavailable(): string | undefined {
  if (process.platform !== 'linux') return `XFS loop mounts need Linux (this is ${process.platform})`;
  if (process.getuid?.() !== 0) return 'mounting a loop device needs root';
  for (const tool of ['mkfs.xfs', 'mount', 'umount', 'filefrag']) if (!hasCommand(tool)) return `${tool} is not installed (apt-get install xfsprogs e2fsprogs)`;
  return undefined;
}

const reason = unavailable();
if (reason) console.warn(`[worktree-xfs] skipped: ${reason}.`);

const IMAGE_SIZE = '512M'; // mkfs.xfs wants ≥ 300 MB
const BIG_FILE_BYTES = 32 * 1024 * 1024;
const MB = 1024 * 1024;

describe.skipIf(Boolean(reason))('hydration on XFS with reflink (copy-on-write)', () => {
  let dir: string;
  let mnt: string;
  let mounted = false;
  let mountError: string | undefined;
  let sb: Sandbox;

  beforeAll(() => {
    sb = makeSandbox();
    dir = mkdtempSync(join(tmpdir(), 'codex-agent-xfs-'));
    mnt = join(dir, 'mnt');
    mkdirSync(mnt);
    const image = join(dir, 'xfs.img');
    try {
      execFileSync('truncate', ['-s', IMAGE_SIZE, image]);
      execFileSync('mkfs.xfs', ['-q', '-m', 'reflink=1', image]);
      execFileSync('mount', ['-o', 'loop', image, mnt], { stdio: 'pipe' });
      mounted = true;
    } catch (err) {
      mountError = (err as { stderr?: Buffer }).stderr?.toString().trim() || (err as Error).message;
      console.warn(`[worktree-xfs] skipped: could not make and mount the XFS image: ${mountError}`);
    }
  });

  afterAll(async () => {
    try {
      if (mounted) {
        await waitForTrash(mnt);
        const umount = spawnSync('umount', [mnt]);
        if (umount.status !== 0) spawnSync('umount', ['-l', mnt]);
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
      sb.cleanup();
    }
  });

  const usedBytes = () => {
    execFileSync('sync');
    const s = statfsSync(mnt);
    return (s.blocks - s.bfree) * s.bsize;
  };

  it('copies node_modules with shared extents: the worktree costs almost no new disk', async (ctx) => {
    if (!mounted) ctx.skip();
    const repo = join(mnt, 'proj');
    mkdirSync(repo);
    sbGit(sb, repo, 'init', '-q', '-b', 'main');
    writeFileSync(join(repo, '.gitignore'), 'node_modules/\n');
    writeFileSync(join(repo, 'index.js'), 'console.log(1);\n');
    sbGit(sb, repo, 'add', '-A');
    sbGit(sb, repo, 'commit', '-q', '-m', 'init');
    mkdirSync(join(repo, 'node_modules', 'big'), { recursive: true });
    writeFileSync(join(repo, 'node_modules', 'big', 'blob.bin'), randomFillSync(Buffer.alloc(BIG_FILE_BYTES)));
    for (let i = 0; i < 200; i++) writeFileSync(join(repo, 'node_modules', 'big', `f${i}.js`), `module.exports = ${i};\n`.repeat(50));
    expect((await sb.cli(['task', 'add', 'On XFS', '--slug', 'xfs'], { cwd: repo })).code).toBe(0);

    const before = usedBytes();
    const created = await sb.json<CreatedWorktree>(['task', 'worktree', 'add', 'xfs'], { cwd: repo });
    const grew = usedBytes() - before;
    expect(created.path).toBe(join(mnt, 'proj.worktrees', 'xfs'));
    expect(created.hydration).toMatchObject({ method: 'reflink', files: 201 });
    expect(created.hydration!.bytes).toBeGreaterThan(BIG_FILE_BYTES);
    const frag = execFileSync('filefrag', ['-v', join(created.path, 'node_modules', 'big', 'blob.bin')], { encoding: 'utf8' });
    expect(frag).toMatch(/\bshared\b/);
    // 32 MB of data copied; the worktree (checkout, git metadata, small files) costs a few MB at most.
    expect(grew).toBeLessThan(8 * MB);

    // The control: a copy without reflink really costs the full size on this filesystem.
    const plainBefore = usedBytes();
    execFileSync('cp', ['-R', '--reflink=never', join(repo, 'node_modules'), join(mnt, 'plain-copy')]);
    expect(usedBytes() - plainBefore).toBeGreaterThan(BIG_FILE_BYTES);
    console.info(`[worktree-xfs] disk used by the hydrated worktree: ${(grew / MB).toFixed(1)} MB; by a plain copy of node_modules: ${((usedBytes() - plainBefore) / MB).toFixed(1)} MB`);

    // Removal sees the copies as pure hydration copies.
    const removed = await sb.cli(['task', 'worktree', 'remove', 'xfs'], { cwd: repo });
    expect(removed.code, removed.stderr).toBe(0);
  });
});
