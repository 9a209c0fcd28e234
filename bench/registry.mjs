// Registry benchmark (`npm run bench:registry`, which builds first).
//
// 1. `codex-agent task list --json` on registries of 1,000 and 10,000 tasks, against `node -e 0`
//    measured in the same run, interleaved, REPS times each: median and p90 wall time, and the
//    ratio. Target (issue "Foundation"): 1,000 tasks within 2x of `node -e 0`.
// 2. WRITERS concurrent `codex-agent task add` processes (the real CLI) on one registry: total
//    wall time, and how many of the WRITERS tasks were kept (must be all of them).
//
// Everything runs in a temp directory: its own XDG dirs and HOME, and a temp git repo that the
// tasks belong to. Exits 1 when an update was lost or a command failed.
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const BIN = join(ROOT, 'dist', 'src', 'bin.js');
const REPS = Number(process.env.BENCH_REPS ?? 20);
const WARMUP = 3;
const SIZES = [1_000, 10_000];
const WRITERS = 20;
const TARGET_RATIO = 2;

const dir = realpathSync(mkdtempSync(join(tmpdir(), 'codex-agent-bench-')));
const home = join(dir, 'home');
mkdirSync(home, { recursive: true });
writeFileSync(join(home, '.gitconfig'), '[init]\n\tdefaultBranch = main\n[user]\n\tname = Bench\n\temail = bench@example.invalid\n');
const env = {
  PATH: process.env.PATH,
  HOME: home,
  XDG_CONFIG_HOME: join(dir, 'config'),
  XDG_DATA_HOME: join(dir, 'data'),
  XDG_STATE_HOME: join(dir, 'state'),
  GIT_CONFIG_GLOBAL: join(home, '.gitconfig'),
  GIT_CONFIG_NOSYSTEM: '1',
  NO_COLOR: '1',
};
const registryFile = join(dir, 'data', 'codex-agents', 'tasks.json');

function makeRepo(name) {
  const path = join(dir, name);
  mkdirSync(path, { recursive: true });
  execFileSync('git', ['init', '-q', '-b', 'main'], { cwd: path, env });
  writeFileSync(join(path, 'README.md'), `# ${name}\n`);
  execFileSync('git', ['add', '.'], { cwd: path, env });
  execFileSync('git', ['commit', '-q', '-m', 'initial'], { cwd: path, env });
  return path;
}

/** A registry of `count` tasks in the current format (version 1), all of them in `repo`. */
function writeRegistry(repo, count) {
  const now = new Date().toISOString();
  const statuses = ['todo', 'ready', 'running', 'review', 'done'];
  const tasks = Array.from({ length: count }, (_, i) => ({
    slug: `task-${i}`,
    repo,
    title: `Task ${i}: make the widget ${i % 7 === 0 ? 'faster' : 'nicer'}`,
    goal: `Change module ${i} so that it does what its tests say.`,
    goalFile: null,
    deps: i % 5 === 0 || i === 0 ? [] : [`task-${i - 1}`],
    priority: ['low', 'normal', 'high', 'urgent'][i % 4],
    labels: i % 3 === 0 ? ['ui', 'perf'] : ['core'],
    owner: null,
    files: [`src/module-${i}/**`],
    agent: null,
    base: 'main',
    branch: `codex/task-${i}`,
    worktree: null,
    status: statuses[i % statuses.length],
    statusReason: 'bench',
    retries: null,
    timeouts: null,
    createdAt: now,
    updatedAt: now,
  }));
  mkdirSync(dirname(registryFile), { recursive: true, mode: 0o700 });
  writeFileSync(registryFile, `${JSON.stringify({ version: 1, tasks }, null, 2)}\n`, { mode: 0o600 });
}

function timeRun(args, cwd) {
  const started = process.hrtime.bigint();
  const result = spawnSync(process.execPath, args, { cwd, env, stdio: ['ignore', 'pipe', 'pipe'], maxBuffer: 1 << 30 });
  const ms = Number(process.hrtime.bigint() - started) / 1e6;
  if (result.status !== 0) throw new Error(`node ${args.join(' ')} exited ${result.status}: ${result.stderr}`);
  return { ms, stdout: result.stdout };
}

function quantile(sorted, q) {
  return sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)];
}

function stats(samples) {
  const sorted = [...samples].sort((a, b) => a - b);
  return { median: quantile(sorted, 0.5), p90: quantile(sorted, 0.9) };
}

/** Baseline and `task list --json`, interleaved so that load on the machine hits both alike. */
function benchList(repo, count) {
  writeRegistry(repo, count);
  const list = [BIN, 'task', 'list', '--json'];
  const listed = JSON.parse(timeRun(list, repo).stdout);
  if (listed.length !== count) throw new Error(`task list --json printed ${listed.length} tasks, expected ${count}`);
  for (let i = 0; i < WARMUP; i++) {
    timeRun(['-e', '0'], repo);
    timeRun(list, repo);
  }
  const baseline = [];
  const ours = [];
  for (let i = 0; i < REPS; i++) {
    baseline.push(timeRun(['-e', '0'], repo).ms);
    ours.push(timeRun(list, repo).ms);
  }
  return { count, baseline: stats(baseline), ours: stats(ours) };
}

function runCli(args, cwd) {
  return new Promise((resolvePromise) => {
    const child = spawn(process.execPath, [BIN, ...args], { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr.setEncoding('utf8').on('data', (d) => (stderr += d));
    child.stdout.resume();
    child.on('close', (code) => resolvePromise({ code, stderr }));
  });
}

/** WRITERS `task add` at once; returns wall time, failures and how many tasks were kept. */
async function benchAdd(repo, existing) {
  if (existing > 0) writeRegistry(repo, existing);
  else rmSync(registryFile, { force: true });
  const started = process.hrtime.bigint();
  const results = await Promise.all(Array.from({ length: WRITERS }, (_, i) => runCli(['task', 'add', `Concurrent task ${i}`, '--slug', `add-${i}`], repo)));
  const ms = Number(process.hrtime.bigint() - started) / 1e6;
  const failed = results.filter((r) => r.code !== 0);
  const tasks = JSON.parse(readFileSync(registryFile, 'utf8')).tasks;
  const kept = tasks.filter((t) => /^add-\d+$/.test(t.slug)).length;
  return { existing, ms, failed, kept, total: tasks.length };
}

const fmt = (ms) => `${ms.toFixed(1)} ms`.padStart(10);
let ok = true;
try {
  const repo = makeRepo('bench-repo');
  console.log(`codex-agent registry benchmark — node ${process.version}, ${cpus().length} CPUs, ${REPS} runs each (after ${WARMUP} warm-up runs)\n`);
  console.log('task list --json (inside the repo) vs node -e 0');
  console.log(`${'tasks'.padStart(7)}  ${'node -e 0 median'.padStart(16)}  ${'p90'.padStart(10)}  ${'task list median'.padStart(16)}  ${'p90'.padStart(10)}  ${'ratio (median)'.padStart(14)}`);
  const lists = [];
  for (const count of SIZES) {
    const r = benchList(repo, count);
    lists.push(r);
    const ratio = r.ours.median / r.baseline.median;
    console.log(`${String(count).padStart(7)}  ${fmt(r.baseline.median).padStart(16)}  ${fmt(r.baseline.p90)}  ${fmt(r.ours.median).padStart(16)}  ${fmt(r.ours.p90)}  ${`${ratio.toFixed(2)}x`.padStart(14)}`);
  }
  const first = lists[0];
  const ratio = first.ours.median / first.baseline.median;
  console.log(`target: ${SIZES[0]} tasks within ${TARGET_RATIO}x of node -e 0 — ${ratio <= TARGET_RATIO ? 'met' : 'MISSED'} (${ratio.toFixed(2)}x)\n`);

  console.log(`${WRITERS} concurrent \`codex-agent task add\` processes`);
  console.log(`${'registry before'.padStart(15)}  ${'wall time'.padStart(10)}  ${'kept'.padStart(8)}  failed`);
  for (const existing of [0, SIZES[0]]) {
    const r = await benchAdd(repo, existing);
    console.log(`${`${existing} tasks`.padStart(15)}  ${fmt(r.ms)}  ${`${r.kept}/${WRITERS}`.padStart(8)}  ${r.failed.length}`);
    if (r.kept !== WRITERS || r.failed.length > 0 || r.total !== existing + WRITERS) {
      ok = false;
      for (const f of r.failed.slice(0, 3)) console.log(`  exit ${f.code}: ${f.stderr.trim()}`);
    }
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
if (!ok) {
  console.log('\nFAILED: some concurrent updates were lost or failed.');
  process.exitCode = 1;
}
