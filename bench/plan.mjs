// Planning benchmark (`npm run bench:plan`, which builds first).
//
// Plans a generated repo of TASKS tasks with EDGES dependency edges and file scopes (globs from a
// pool, so that scopes overlap and waves get split), with the product's planner (`planWaves`:
// topological layers, max_parallel cap, scope-overlap splits, reasons), against a plain Kahn
// topological sort of the same graph (slug → index map, in-degrees, a queue) measured in the same
// run: median and p90 over ROUNDS samples each, and the ratio of the medians.
// Fairness: both sides take the same task objects and are warmed up alike (WARMUP rounds, so both
// are optimized); each sample times BATCH calls of one side in a row, so each side pays for the
// garbage it makes itself rather than for the other's (a forced GC between calls is no better:
// its concurrent sweeping lands on the next call); the sides alternate, swapping order each round.
// Targets (issue "Manager"): within 3x of the plain sort, and under 100 ms.
import { performance } from 'node:perf_hooks';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const { planWaves } = await import(pathToFileURL(join(ROOT, 'dist', 'core', 'plan', 'waves.js')).href);

const TASKS = 10_000;
const EDGES = 30_000;
const MAX_PARALLEL = Number(process.env.BENCH_MAX_PARALLEL ?? 4);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 30);
const WARMUP = Number(process.env.BENCH_WARMUP ?? 10);
const BATCH = Number(process.env.BENCH_BATCH ?? 5);
const TARGET_RATIO = 3;
const TARGET_MS = 100;

// A seeded generator, so every run plans the same graph.
let seed = 0x2f6b1d;
const random = () => {
  // mulberry32
  seed = (seed + 0x6d2b79f5) | 0;
  let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
  t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
};
const pick = (n) => Math.floor(random() * n);

function generate() {
  const tasks = [];
  const PRIORITIES = ['low', 'normal', 'normal', 'high', 'urgent'];
  for (let i = 0; i < TASKS; i++) {
    const files = [];
    const m = pick(400);
    const kind = pick(4);
    if (kind === 0) files.push(`src/mod${m}/**`);
    else if (kind === 1) files.push(`src/mod${m}/*.ts`);
    else if (kind === 2) files.push(`src/mod${m}/index.ts`, `test/mod${m}.test.ts`);
    else files.push(`docs/mod${m}.md`);
    tasks.push({ slug: `task-${i.toString(36)}-${pick(1e6).toString(36)}`, deps: [], priority: PRIORITIES[pick(PRIORITIES.length)], files, status: 'todo' });
  }
  // Edges from a later task to an earlier one (acyclic), mostly to recent tasks, so layers are deep.
  const seen = new Set();
  let edges = 0;
  while (edges < EDGES) {
    const to = 1 + pick(TASKS - 1);
    const from = Math.max(0, to - 1 - pick(Math.min(to, 200)));
    const key = to * TASKS + from;
    if (seen.has(key)) continue;
    seen.add(key);
    tasks[to].deps.push(tasks[from].slug);
    edges++;
  }
  for (const t of tasks) if (t.deps.length === 0) t.status = 'ready';
  return tasks;
}

/** The floor: a plain Kahn topological sort (queue, in-degrees), no caps, scopes or reasons. */
function kahn(tasks) {
  const index = new Map();
  for (let i = 0; i < tasks.length; i++) index.set(tasks[i].slug, i);
  const indegree = new Int32Array(tasks.length);
  const dependents = Array.from({ length: tasks.length }, () => []);
  for (let i = 0; i < tasks.length; i++) {
    for (const dep of tasks[i].deps) {
      const d = index.get(dep);
      if (d === undefined) continue;
      indegree[i]++;
      dependents[d].push(i);
    }
  }
  const queue = [];
  for (let i = 0; i < tasks.length; i++) if (indegree[i] === 0) queue.push(i);
  for (let head = 0; head < queue.length; head++) for (const d of dependents[queue[head]]) if (--indegree[d] === 0) queue.push(d);
  if (queue.length !== tasks.length) throw new Error('cycle');
  return queue.map((i) => tasks[i].slug);
}

const tasks = generate();
/** Milliseconds per call, over BATCH calls in a row. */
const time = (fn) => {
  const start = performance.now();
  for (let i = 0; i < BATCH; i++) fn();
  return (performance.now() - start) / BATCH;
};
const ours = [];
const floor = [];
let plan;
const planOnce = () => (plan = planWaves(tasks, { maxParallel: MAX_PARALLEL }));
const floorOnce = () => kahn(tasks);
// The first call of each, as `manager plan` makes it: unoptimized code, and no glob prepared yet.
const coldStart = performance.now();
planOnce();
const coldPlan = performance.now() - coldStart;
const coldFloorStart = performance.now();
floorOnce();
const coldFloor = performance.now() - coldFloorStart;
for (let r = 0; r < WARMUP + ROUNDS; r++) {
  let a;
  let b;
  if (r % 2 === 0) {
    a = time(planOnce);
    b = time(floorOnce);
  } else {
    b = time(floorOnce);
    a = time(planOnce);
  }
  if (r >= WARMUP) {
    ours.push(a);
    floor.push(b);
  }
}
const stat = (xs) => {
  const s = [...xs].sort((x, y) => x - y);
  return { median: s[Math.floor(s.length / 2)], p90: s[Math.floor(s.length * 0.9)] };
};
const o = stat(ours);
const f = stat(floor);
const ratio = o.median / f.median;
const splits = plan.tasks.filter((t) => t.reason.startsWith('split')).length;
const capped = plan.tasks.filter((t) => t.reason.startsWith('capped')).length;
console.log(`planning ${TASKS.toLocaleString('en')} tasks, ${EDGES.toLocaleString('en')} edges, max_parallel ${MAX_PARALLEL}: ${plan.waves.length} waves, ${splits} split by file scope, ${capped} capped (node ${process.version}; ${ROUNDS} samples of ${BATCH} calls per side after ${WARMUP} warm-up rounds)`);
console.log('');
console.log('| what | median | p90 |');
console.log('|---|---|---|');
console.log(`| manager plan (planWaves) | ${o.median.toFixed(1)} ms | ${o.p90.toFixed(1)} ms |`);
console.log(`| plain Kahn topological sort (floor) | ${f.median.toFixed(1)} ms | ${f.p90.toFixed(1)} ms |`);
console.log(`| ratio | ${ratio.toFixed(2)}x | |`);
console.log('');
console.log(`first call of each (cold): planWaves ${coldPlan.toFixed(1)} ms, Kahn ${coldFloor.toFixed(1)} ms`);
console.log('');
const ok = ratio <= TARGET_RATIO && o.median < TARGET_MS;
console.log(`target: within ${TARGET_RATIO}x of the floor and under ${TARGET_MS} ms — ${ok ? 'met' : 'NOT met'}`);
