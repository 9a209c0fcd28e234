// Validation benchmark (`npm run bench:validate`, which builds first).
//
// The validator's own overhead: `codex-agent task validate <slug> --no-review` (the whole CLI:
// start-up, config, the checks in the task's worktree with their output streamed and logged, the
// policies on the diff, the verdict stored in SQLite, the task moved) against running the same
// check commands by hand (spawned one after another in the same worktree, output read and
// dropped), measured in the same run, interleaved, REPS times each: median wall times and ratio.
// Target (issue 7): ours ≤ 1.1 × by hand + 150 ms.
import { execFileSync, spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const BIN = join(ROOT, 'dist', 'src', 'bin.js');
const REPS = Number(process.env.BENCH_REPS ?? 7);
const TARGET_RATIO = 1.1;
const TARGET_EXTRA_MS = 150;

// Checks like a small project's: a CPU-bound "typecheck", a waiting "test", a loud "lint".
const CHECKS = [
  { name: 'typecheck', run: [process.execPath, '-e', 'let x = 0; for (let i = 0; i < 3e8; i++) x += i; console.log("ok", x > 0)'] },
  { name: 'test', run: ['sh', '-c', 'sleep 0.4; echo "12 tests passed"'] },
  { name: 'lint', run: [process.execPath, '-e', 'for (let i = 0; i < 20000; i++) console.log(`src/file${i % 97}.ts:${i}: note: something to look at`)'] },
];

const dir = realpathSync(mkdtempSync(join(tmpdir(), 'codex-agent-bench-validate-')));
const env = {
  PATH: process.env.PATH,
  HOME: join(dir, 'home'),
  XDG_CONFIG_HOME: join(dir, 'config'),
  XDG_DATA_HOME: join(dir, 'data'),
  XDG_STATE_HOME: join(dir, 'state'),
  GIT_CONFIG_GLOBAL: join(dir, 'home', '.gitconfig'),
  GIT_AUTHOR_NAME: 'Bench', GIT_AUTHOR_EMAIL: 'bench@example.invalid', GIT_COMMITTER_NAME: 'Bench', GIT_COMMITTER_EMAIL: 'bench@example.invalid',
  NO_COLOR: '1',
};
mkdirSync(env.HOME, { recursive: true });
writeFileSync(env.GIT_CONFIG_GLOBAL, '[init]\n\tdefaultBranch = main\n');

const repo = join(dir, 'app');
const sh = (cmd, args, cwd = repo) => execFileSync(cmd, args, { cwd, env, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
mkdirSync(join(repo, 'src'), { recursive: true });
sh('git', ['init', '-q', '-b', 'main']);
for (let i = 0; i < 200; i++) writeFileSync(join(repo, 'src', `file${i}.ts`), `export const v${i} = ${i};\n`.repeat(20));
mkdirSync(join(repo, '.codex-agent'));
const toml = (v) => JSON.stringify(v);
writeFileSync(
  join(repo, '.codex-agent', 'config.toml'),
  `[roles]\nworker = "bench"\n\n[agents.bench]\nkind = "command"\ncommand = "sh"\nargs = ["-c", "cat >/dev/null; for i in 1 2 3 4 5; do echo \\"export const added$i = $i;\\" >> src/file$i.ts; done; echo edited"]\n\n` +
    CHECKS.map((c) => `[[validate.checks]]\nname = ${toml(c.name)}\nrun = ${toml(c.run)}\n`).join('\n'),
);
sh('git', ['add', '.']);
sh('git', ['commit', '-qm', 'initial']);

const cli = (args) => sh(process.execPath, [BIN, ...args]);
cli(['task', 'add', 'Bench task', '--goal', 'Add five constants.']);
cli(['task', 'run', 'bench-task']);
const worktree = JSON.parse(cli(['task', 'show', 'bench-task', '--json'])).worktree;

/** Runs argv to completion, reading and dropping its output as a terminal would take it. */
function spawnDrained(argv, cwd) {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(argv[0], argv.slice(1), { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
    child.stdout.resume();
    child.stderr.resume();
    child.on('error', reject);
    child.on('close', (code) => resolvePromise(code));
  });
}

async function byHand() {
  const start = performance.now();
  for (const check of CHECKS) {
    const code = await spawnDrained(check.run, worktree);
    if (code !== 0) throw new Error(`${check.name} failed by hand`);
  }
  return performance.now() - start;
}

async function ours() {
  const start = performance.now();
  const code = await spawnDrained([process.execPath, BIN, 'task', 'validate', 'bench-task', '--no-review'], repo);
  if (code !== 0) throw new Error(`task validate exited ${code}`);
  return performance.now() - start;
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
try {
  await byHand();
  await ours();
  const base = [];
  const mine = [];
  for (let i = 0; i < REPS; i++) {
    base.push(await byHand());
    mine.push(await ours());
  }
  const b = median(base);
  const o = median(mine);
  const limit = b * TARGET_RATIO + TARGET_EXTRA_MS;
  const rows = [
    ['checks by hand (baseline)', `${b.toFixed(0)} ms`],
    ['task validate --no-review', `${o.toFixed(0)} ms`],
    ['ratio', `${(o / b).toFixed(3)}×`],
    ['overhead', `${(o - b).toFixed(0)} ms`],
    ['target', `≤ ${limit.toFixed(0)} ms (${TARGET_RATIO}× + ${TARGET_EXTRA_MS} ms)`],
    ['result', o <= limit ? 'PASS' : 'FAIL'],
  ];
  console.log(`validate: ${CHECKS.length} checks (${CHECKS.map((c) => c.name).join(', ')}), median of ${REPS}, interleaved`);
  for (const [k, v] of rows) console.log(`  ${k.padEnd(28)} ${v}`);
  process.exitCode = o <= limit ? 0 : 1;
} finally {
  rmSync(dir, { recursive: true, force: true });
}
