#!/usr/bin/env node
// npm run bench:worktree — how long a ready-to-build worktree takes, against the same steps by hand.
//
// Builds a synthetic repo (~20,000 tracked files, an ignored node_modules of ~30,000 files) and
// measures in one run:
//   1. `codex-agent task worktree add` (checkout + hydration + index refresh, node start-up included)
//      against `git worktree add` + `cp -R --reflink=auto` by hand (target: our overhead <= 15%),
//      and against `git worktree add` + `cp -R --reflink=never` (a tool without copy-on-write);
//      on XFS (root + mkfs.xfs: a loop-mounted image) also the disk space each way;
//   2. `codex-agent task worktree remove` (with its safety checks) against `git worktree remove --force`;
//   3. status of 20 worktrees: sequential against concurrent, and the whole `codex-agent status`.
// Runs the built CLI (dist/); `npm run bench:worktree` builds it first.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statfsSync, writeFileSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const BIN = join(ROOT, 'dist', 'src', 'bin.js');
const TRACKED_DIRS = 200;
const TRACKED_PER_DIR = 100; // 20,000 tracked files
const PACKAGES = 600;
const DIRS_PER_PACKAGE = 5;
const FILES_PER_DIR = 10; // 30,000 files in node_modules
const ROUNDS = 5;
const STATUS_WORKTREES = 20;
const STATUS_ROUNDS = 5;
const XFS_IMAGE = '6G';
const MB = 1024 * 1024;
const SETTLE_S = 1;

if (!existsSync(BIN)) {
  console.error('dist/ is missing: run `npm run bench:worktree` (it builds first).');
  process.exit(2);
}

const hasCommand = (name) => spawnSync('sh', ['-c', 'command -v "$1"', 'sh', name], { stdio: 'ignore' }).status === 0;
const sec = (ms) => `${(ms / 1000).toFixed(2)} s`;
const min = (xs) => Math.min(...xs);
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const now = () => performance.now();

// --- where: an XFS loop mount with reflink when we can, else the temp dir -------------------------
const work = mkdtempSync(join(tmpdir(), 'codex-agent-bench-'));
let base = work;
let mounted = false;
let xfsWhy = '';
if (process.platform !== 'linux') xfsWhy = 'not Linux';
else if (process.getuid?.() !== 0) xfsWhy = 'not root';
else if (!hasCommand('mkfs.xfs')) xfsWhy = 'mkfs.xfs not installed (apt-get install xfsprogs)';
else {
  try {
    const image = join(work, 'xfs.img');
    base = join(work, 'mnt');
    mkdirSync(base);
    execFileSync('truncate', ['-s', XFS_IMAGE, image]);
    execFileSync('mkfs.xfs', ['-q', '-m', 'reflink=1', image]);
    execFileSync('mount', ['-o', 'loop', image, base], { stdio: 'pipe' });
    mounted = true;
  } catch (err) {
    xfsWhy = `could not mount an XFS image: ${err.stderr?.toString().trim() || err.message}`;
    base = work;
  }
}

function cleanup() {
  if (mounted) {
    if (spawnSync('umount', [base]).status !== 0) spawnSync('umount', ['-l', base]);
    mounted = false;
  }
  rmSync(work, { recursive: true, force: true });
}
process.on('SIGINT', () => {
  cleanup();
  process.exit(130);
});

const home = join(work, 'home');
mkdirSync(home, { recursive: true });
writeFileSync(join(home, '.gitconfig'), '[init]\n\tdefaultBranch = main\n[user]\n\tname = Bench\n\temail = bench@example.invalid\n');
const env = {
  PATH: process.env.PATH,
  HOME: home,
  GIT_CONFIG_GLOBAL: join(home, '.gitconfig'),
  GIT_CONFIG_NOSYSTEM: '1',
  XDG_CONFIG_HOME: join(work, 'config'),
  XDG_DATA_HOME: join(work, 'data'),
  XDG_STATE_HOME: join(work, 'state'),
  NO_COLOR: '1',
  LC_ALL: 'C',
};
const repo = join(base, 'app');
const trees = join(base, 'app.worktrees');

function run(cmd, args, options = {}) {
  const result = spawnSync(cmd, args, { cwd: options.cwd ?? repo, env, encoding: 'utf8', maxBuffer: 256 * MB });
  if (result.status !== 0 && !options.allowFailure) throw new Error(`${cmd} ${args.join(' ')} failed (${result.status}): ${result.stderr}`);
  return result;
}
const git = (...args) => run('git', args);
const cli = (...args) => run(process.execPath, [BIN, ...args]);
const timed = (fn) => {
  execFileSync('sync');
  const t0 = now();
  const value = fn();
  return { ms: now() - t0, value };
};
const usedBytes = () => {
  execFileSync('sync');
  const s = statfsSync(base);
  return (s.blocks - s.bfree) * s.bsize;
};
/** One `git status` as the dashboard runs it: slow right after a checkout until the index is refreshed. */
const firstStatus = (path) => timed(() => run('git', ['--no-optional-locks', 'status', '--porcelain=v2', '-z'], { cwd: path })).ms;
const waitForTrash = () => {
  const trash = join(trees, '.codex-agent-trash');
  for (let i = 0; i < 600 && existsSync(trash) && readdirSync(trash).length; i++) spawnSync('sleep', ['0.1']);
};

try {
  // --- the synthetic repo ---------------------------------------------------------------------------
  const t0 = now();
  let seed = 42;
  const random = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
  mkdirSync(repo);
  git('init', '-q', '-b', 'main');
  for (let d = 0; d < TRACKED_DIRS; d++) {
    const dir = join(repo, 'src', `module${d}`);
    mkdirSync(dir, { recursive: true });
    for (let f = 0; f < TRACKED_PER_DIR; f++) writeFileSync(join(dir, `file${f}.ts`), `export const value${f} = ${d * f};\n`.repeat(10 + Math.floor(random() * 60)));
  }
  writeFileSync(join(repo, '.gitignore'), 'node_modules/\n');
  git('add', '-A');
  git('commit', '-q', '-m', 'synthetic project');
  let nmBytes = 0;
  const chunk = Buffer.alloc(64 * 1024);
  for (let p = 0; p < PACKAGES; p++) {
    for (let d = 0; d < DIRS_PER_PACKAGE; d++) {
      const dir = join(repo, 'node_modules', `pkg${p}`, `lib${d}`);
      mkdirSync(dir, { recursive: true });
      for (let f = 0; f < FILES_PER_DIR; f++) {
        const size = 200 + Math.floor(random() * random() * 40_000); // skewed: many small files, a few big
        for (let i = 0; i < size; i += 4) chunk.writeUInt32LE(Math.floor(random() * 2 ** 32), i % (chunk.length - 4));
        writeFileSync(join(dir, `f${f}.js`), chunk.subarray(0, Math.min(size, chunk.length)));
        nmBytes += Math.min(size, chunk.length);
      }
    }
  }
  const nmFiles = PACKAGES * DIRS_PER_PACKAGE * FILES_PER_DIR;
  console.log(`codex-agent worktree benchmark — git ${git('--version').stdout.trim().replace('git version ', '')}, Node ${process.versions.node}, ${availableParallelism()} CPUs`);
  console.log(`filesystem: ${mounted ? 'XFS loop mount with reflink=1' : `the temp dir (${execFileSync('stat', ['-f', '-c', '%T', base], { encoding: 'utf8' }).trim()}); no XFS: ${xfsWhy}`}`);
  console.log(`repo: ${TRACKED_DIRS * TRACKED_PER_DIR} tracked files; node_modules: ${nmFiles} files, ${(nmBytes / MB).toFixed(0)} MB (built in ${sec(now() - t0)})\n`);

  // --- 1. create: ours against by hand -------------------------------------------------------------
  let slugs = 0;
  const methods = {
    ours: () => {
      const slug = `t${++slugs}`;
      cli('task', 'add', `bench ${slug}`, '--slug', slug, '--base', 'main');
      const { ms, value } = timed(() => JSON.parse(cli('task', 'worktree', 'add', slug, '--json').stdout));
      return { ms, slug, path: value.path, detail: value };
    },
    cow: () => {
      const path = join(trees, `cow${++slugs}`);
      const { ms } = timed(() => {
        git('worktree', 'add', '-q', '-b', `cow${slugs}`, path, 'main');
        run('cp', ['-R', '--reflink=auto', join(repo, 'node_modules'), join(path, 'node_modules')]);
      });
      return { ms, path };
    },
    ready: () => {
      // The same steps as ours, by hand: add, copy, and the index refresh in the next second (GIT.md trap).
      const path = join(trees, `ready${++slugs}`);
      const { ms } = timed(() => {
        git('worktree', 'add', '-q', '-b', `ready${slugs}`, path, 'main');
        const checkedOut = Date.now();
        run('cp', ['-R', '--reflink=auto', join(repo, 'node_modules'), join(path, 'node_modules')]);
        const wait = (Math.floor(checkedOut / 1000) + 1) * 1000 + 20 - Date.now();
        if (wait > 0) spawnSync('sleep', [(wait / 1000).toFixed(3)]);
        run('git', ['update-index', '-q', '--refresh'], { cwd: path });
      });
      return { ms, path };
    },
    plain: () => {
      const path = join(trees, `plain${++slugs}`);
      const { ms } = timed(() => {
        git('worktree', 'add', '-q', '-b', `plain${slugs}`, path, 'main');
        run('cp', ['-R', '--reflink=never', join(repo, 'node_modules'), join(path, 'node_modules')]);
      });
      return { ms, path };
    },
  };
  const times = { ours: [], cow: [], ready: [], plain: [] };
  const disk = { ours: [], cow: [], ready: [], plain: [] };
  const removal = { ours: [], git: [] };
  const statusAfter = { ours: [], cow: [], ready: [] };

  let lastOurs;
  for (let round = 0; round <= ROUNDS; round++) {
    const order = round % 2 ? ['plain', 'ready', 'cow', 'ours'] : ['ours', 'cow', 'ready', 'plain'];
    for (const name of order) {
      const before = usedBytes();
      const r = methods[name]();
      const grew = usedBytes() - before;
      const statusMs = name === 'plain' ? 0 : firstStatus(r.path);
      if (round > 0) {
        times[name].push(r.ms);
        disk[name].push(grew);
        if (name !== 'plain') statusAfter[name].push(statusMs);
      }
      if (name === 'ours') {
        lastOurs = r.detail;
        if (process.env.BENCH_VERBOSE) console.log(`  ours: ${sec(r.ms)} (inside the CLI ${sec(r.detail.ms)}, checkout ${sec(r.detail.checkoutMs)}, hydration ${sec(r.detail.hydration.ms)})`);
      } else if (process.env.BENCH_VERBOSE) console.log(`  ${name}: ${sec(r.ms)}`);
      // Removal, timed: ours with its safety checks, git's forced remove for the others.
      if (name === 'ours') {
        const { ms } = timed(() => cli('task', 'worktree', 'remove', r.slug));
        if (round > 0) removal.ours.push(ms);
        waitForTrash();
      } else {
        const { ms } = timed(() => git('worktree', 'remove', '--force', r.path));
        if (round > 0 && name === 'cow') removal.git.push(ms);
      }
      // Let the filesystem finish freeing the deleted inodes before the next measurement.
      execFileSync('sync');
      spawnSync('sleep', [String(SETTLE_S)]);
    }
  }
  // Disk of the checkout alone, to tell it apart from node_modules.
  let checkoutOnly = 0;
  if (mounted) {
    const before = usedBytes();
    git('worktree', 'add', '-q', '-b', 'checkout-only', join(trees, 'checkout-only'), 'main');
    checkoutOnly = usedBytes() - before;
    git('worktree', 'remove', '--force', join(trees, 'checkout-only'));
  }
  const rows = [];
  const row = (what, xs, extra = '') => rows.push([what, sec(min(xs)), sec(median(xs)), extra]);
  const diskOf = (name) => (mounted ? `+${(median(disk[name]) / MB).toFixed(0)} MB` : '');
  row('codex-agent task worktree add (checkout + hydration)', times.ours, diskOf('ours'));
  row('by hand: git worktree add + cp -R --reflink=auto', times.cow, diskOf('cow'));
  row('by hand, the same steps: + git update-index --refresh', times.ready, diskOf('ready'));
  row('by hand: git worktree add + cp -R --reflink=never', times.plain, diskOf('plain'));
  const msRow = (what, xs) => rows.push([what, `${min(xs).toFixed(0)} ms`, `${median(xs).toFixed(0)} ms`, '']);
  msRow('first git status in the new worktree: made by codex-agent', statusAfter.ours);
  msRow('first git status in the new worktree: by hand, no refresh', statusAfter.cow);
  msRow('first git status in the new worktree: by hand, refreshed', statusAfter.ready);
  row('codex-agent task worktree remove (safety checks + trash)', removal.ours);
  row('git worktree remove --force', removal.git);
  const pct = (a, b) => {
    const v = (a / b - 1) * 100;
    return `${v >= 0 ? '+' : ''}${v.toFixed(1)}%`;
  };

  // --- 3. status of 20 worktrees --------------------------------------------------------------------
  const statusSlugs = [];
  for (let i = 0; i < STATUS_WORKTREES; i++) {
    const slug = `s${i}`;
    cli('task', 'add', `status ${slug}`, '--slug', slug, '--base', 'main');
    cli('task', 'worktree', 'add', slug, '--no-hydrate');
    statusSlugs.push(slug);
    const wt = join(trees, slug);
    // Some work in progress, as agents leave it.
    if (i % 2 === 0) writeFileSync(join(wt, 'src', 'module1', 'file1.ts'), `export const changed = ${i};\n`);
    if (i % 3 === 0) writeFileSync(join(wt, `notes-${i}.md`), 'todo\n');
    if (i % 4 === 0) {
      run('git', ['commit', '-q', '-am', `work ${i}`], { cwd: wt, allowFailure: true });
    }
  }
  const { Registry } = await import(pathToFileURL(join(ROOT, 'dist', 'core', 'registry', 'registry.js')).href);
  const { statusOfTasks } = await import(pathToFileURL(join(ROOT, 'dist', 'core', 'git', 'worktree-status.js')).href);
  const registry = new Registry(join(env.XDG_DATA_HOME, 'codex-agents', 'tasks.json'));
  const tasks = (await registry.read()).tasks.filter((t) => statusSlugs.includes(t.slug));
  const statusTimes = {};
  const levels = [1, 2, 4, Math.max(2, availableParallelism())].filter((v, i, a) => a.indexOf(v) === i);
  for (let r = 0; r <= STATUS_ROUNDS; r++) {
    for (const level of levels) {
      const t1 = now();
      await statusOfTasks(tasks, { concurrency: level });
      if (r > 0) (statusTimes[level] ??= []).push(now() - t1);
    }
  }
  for (const level of levels) row(`status of ${STATUS_WORKTREES} worktrees, ${level === 1 ? 'sequential' : `${level} at a time${level === Math.max(2, availableParallelism()) ? ' (default)' : ''}`}`, statusTimes[level]);
  const cliStatus = [];
  for (let r = 0; r < STATUS_ROUNDS; r++) cliStatus.push(timed(() => cli('status')).ms);
  row(`codex-agent status (whole command, ${STATUS_WORKTREES} worktrees)`, cliStatus);

  // --- report -----------------------------------------------------------------------------------------
  const header = ['step', `min of ${ROUNDS}`, 'median', mounted ? 'disk (median)' : ''];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (cells) => `| ${cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join(' | ')} |`;
  console.log(line(header));
  console.log(`|${widths.map((w, i) => (i === 0 ? ':' : '-') + '-'.repeat(w) + (i === 0 ? '-' : ':')).join('|')}|`);
  for (const r of rows) console.log(line(r));
  const h = lastOurs.hydration;
  console.log(`\nhydration: ${h.method}, ${h.files} files, ${(h.bytes / MB).toFixed(0)} MB in ${sec(h.ms)}; checkout ${sec(lastOurs.checkoutMs)} (side by side); whole add ${sec(lastOurs.ms)} inside the CLI`);
  console.log(`codex-agent against the same steps by hand (add + cp + refresh): ${pct(median(times.ours), median(times.ready))} (medians), ${pct(min(times.ours), min(times.ready))} (minimums); target <= 15%`);
  console.log(`codex-agent against add + cp alone (no refresh, so status stays slow): ${pct(median(times.ours), median(times.cow))} (medians), ${pct(min(times.ours), min(times.cow))} (minimums)`);
  console.log(`against git worktree add + cp --reflink=never: ${(median(times.plain) / median(times.ours)).toFixed(2)}x the time of ours`);
  if (mounted) console.log(`disk: the checkout of the tracked files alone takes ${(checkoutOnly / MB).toFixed(0)} MB; node_modules adds ${((median(disk.ours) - checkoutOnly) / MB).toFixed(0)} MB hydrated by codex-agent, ${((median(disk.plain) - checkoutOnly) / MB).toFixed(0)} MB copied without reflink`);
} finally {
  cleanup();
}
