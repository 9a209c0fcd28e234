// npm run bench:tui — the live dashboard under load, measured against its floor in the same run.
// 200 tasks (20 running) and 20 synthetic agents writing events at a realistic rate (one every
// 200–600 ms each, through the runner's own EventBatcher into a real state.db, from another
// process) while `codex-agent status --tui` runs in a real tmux pane (200×50):
//  - event-to-screen latency: a marker event is stored, the pane is polled until it shows it;
//  - CPU of the dashboard process while the agents stream and while nothing happens (/proc stat);
//  - peak memory (VmHWM);
//  - frame render time: the same App on the same live feed, rendered in-process (Ink's onRender);
//  - the floor: the same events printed straight to a second pane by a plain Node loop.
// Targets (issue 8): p95 < 150 ms, idle < 1% of a core, frame < 16 ms, memory < 200 MB.
import { execFileSync, fork } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, connect } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { Writable } from 'node:stream';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const dist = (p) => join(root, 'dist', p);
const BIN = dist('src/bin.js');
const TASKS = 200;
const AGENTS = 20;
const MARKERS = 25;
const BUSY_MS = 15_000;
const IDLE_MS = 10_000;
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const pct = (xs, p) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor((xs.length * p) / 100))];
const CLK_TCK = 100;

// ---- child modes ------------------------------------------------------------------------------
if (process.argv[2] === '--agents') await agentsMode(process.argv[3]);
else if (process.argv[2] === '--floor') await floorMode(process.argv[3]);
else await main();

/** 20 agents writing events into state.db (as the runner does); markers on request from the parent. */
async function agentsMode(stateDb) {
  const { StateStore } = await import(dist('core/store/state-store.js'));
  const { EventBatcher } = await import(dist('core/store/event-batcher.js'));
  const store = StateStore.open(stateDb);
  const batcher = new EventBatcher(store);
  const runs = JSON.parse(process.env.BENCH_RUNS);
  let n = 0;
  const emit = (runId, event) => {
    batcher.push(runId, { ts: event.ts, type: event.type, data: event });
    process.send?.({ event: { runId, ...event } });
  };
  const timers = runs.map((runId, i) => {
    const tick = () => {
      const ts = Date.now();
      const k = n++ % 4;
      if (k === 0) emit(runId, { type: 'command', id: `c${n}`, phase: 'finished', command: `npm test -- part-${n}`, exitCode: 0, status: 'completed', ts });
      else if (k === 1) emit(runId, { type: 'message', text: `Looked at module ${n} of agent ${i}`, ts });
      else if (k === 2) emit(runId, { type: 'file_change', changes: [{ path: `src/file-${n}.ts`, kind: 'update' }], ts });
      else emit(runId, { type: 'todo', items: [{ text: 'Inspect', status: 'completed' }, { text: `Change ${n}`, status: 'in_progress' }, { text: 'Test', status: 'pending' }], ts });
      timers[i] = setTimeout(tick, 200 + Math.random() * 400);
    };
    return setTimeout(tick, Math.random() * 400);
  });
  process.on('message', (m) => {
    if (m.mark) {
      emit(m.runId, { type: 'message', text: m.mark, ts: Date.now() });
      batcher.flush(); // the marker's clock starts when it is stored
      process.send({ stored: m.mark, at: Date.now() });
    }
    if (m.stop) {
      timers.forEach(clearTimeout);
      batcher.flush();
      store.close();
      process.exit(0);
    }
  });
}

/** The floor: every event printed as one line, straight to the terminal. */
async function floorMode(socketPath) {
  const socket = connect(socketPath);
  let buffer = '';
  socket.setEncoding('utf8').on('data', (chunk) => {
    buffer += chunk;
    let nl;
    while ((nl = buffer.indexOf('\n')) >= 0) {
      const e = JSON.parse(buffer.slice(0, nl));
      buffer = buffer.slice(nl + 1);
      process.stdout.write(`${new Date(e.ts).toTimeString().slice(0, 8)} run ${e.runId} ${e.type} ${e.text ?? e.command ?? ''}\n`);
    }
  });
  await new Promise((r) => socket.on('close', r));
}

// ---- the benchmark ------------------------------------------------------------------------------
function cpuTicks(pid) {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return Number(fields[11]) + Number(fields[12]); // utime + stime (fields 14, 15)
}
function peakRssMb(pid) {
  const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Number(m[1]) / 1024 : NaN;
}
async function cpuShare(pid, ms) {
  const t0 = cpuTicks(pid);
  const w0 = Date.now();
  await sleep(ms);
  return ((cpuTicks(pid) - t0) / CLK_TCK) / ((Date.now() - w0) / 1000) * 100;
}

async function main() {
  process.env.NODE_ENV ??= 'production'; // as `status --tui` sets it
  // The frame times below are measured in this process: with the young generation the dashboard has.
  (await import(dist('ui/young-generation.js'))).capYoungGeneration();
  // …and with the frame output the dashboard installs (runDashboard).
  if (!(await (await import(dist('ui/frame-output.js'))).installFrameOutput())) console.warn('frame output not installed: Ink is not the version it was checked against');
  const dir = realpathSync(mkdtempSync(join(tmpdir(), 'codex-agent-bench-tui-')));
  const socketName = `bench-tui-${process.pid}`;
  const env = { ...process.env, HOME: join(dir, 'home'), XDG_CONFIG_HOME: join(dir, 'config'), XDG_DATA_HOME: join(dir, 'data'), XDG_STATE_HOME: join(dir, 'state'), TERM: 'xterm-256color', GIT_CONFIG_NOSYSTEM: '1' };
  const tmux = (...args) => execFileSync('tmux', ['-L', socketName, '-f', '/dev/null', ...args], { encoding: 'utf8', env });
  let agents;
  try {
    mkdirSync(env.HOME, { recursive: true });
    const repo = join(dir, 'app');
    mkdirSync(repo);
    const git = (...a) => execFileSync('git', a, { cwd: repo, env: { ...env, GIT_AUTHOR_NAME: 'b', GIT_AUTHOR_EMAIL: 'b@x', GIT_COMMITTER_NAME: 'b', GIT_COMMITTER_EMAIL: 'b@x' } });
    git('init', '-q', '-b', 'main');
    git('commit', '-q', '--allow-empty', '-m', 'init');

    // 200 tasks: 20 running, 30 in review, the rest done; 20 runs in state.db.
    const { Registry } = await import(dist('core/registry/registry.js'));
    const { addTask } = await import(dist('core/registry/task-ops.js'));
    const { StateStore } = await import(dist('core/store/state-store.js'));
    const registryFile = join(env.XDG_DATA_HOME, 'codex-agents', 'tasks.json');
    const stateDb = join(env.XDG_DATA_HOME, 'codex-agents', 'state.db');
    const slug = (i) => `task-${String(i).padStart(3, '0')}`;
    await new Registry(registryFile).update((r) => {
      for (let i = 0; i < TASKS; i++) {
        const t = addTask(r, { repo, title: `Benchmark task ${i}`, slug: slug(i), goal: 'x', base: 'main', branchPattern: 'codex/{slug}', knownAgents: ['codex'] }, new Date().toISOString());
        t.status = i < AGENTS ? 'running' : i < AGENTS + 30 ? 'review' : 'done';
      }
    });
    const store = StateStore.open(stateDb);
    const runs = [];
    // The runs belong to this (live) process, as a runner's do: the dashboard's start-up reconcile leaves them alone.
    const { ownerId } = await import(dist('core/runs/stop.js'));
    const { processStartTime } = await import(dist('core/runs/proc.js'));
    const owner = ownerId(process.pid, processStartTime(process.pid));
    for (let i = 0; i < AGENTS; i++) {
      const id = store.createRun({ repo, slug: slug(i), profile: 'codex', kind: 'codex', phase: 'execution', startedAt: Date.now() });
      store.updateRun(id, { owner });
      runs.push(id);
    }
    store.close();

    // The events go to the floor too, through a socket.
    const floorClients = new Set();
    const socketPath = join(dir, 'floor.sock');
    const server = createServer((s) => floorClients.add(s.on('close', () => floorClients.delete(s)).on('error', () => undefined)));
    await new Promise((r) => server.listen(socketPath, r));

    const startAgents = () => {
      const child = fork(fileURLToPath(import.meta.url), ['--agents', stateDb], { env: { ...env, BENCH_RUNS: JSON.stringify(runs) }, stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
      child.on('message', (m) => {
        if (m.event) for (const c of floorClients) c.write(`${JSON.stringify(m.event)}\n`);
      });
      return child;
    };
    const markOnce = async (child, target, pane, i, paneCheck) => {
      const mark = `MARK${i}x${Math.random().toString(36).slice(2, 6)}`;
      const stored = new Promise((r) => child.on('message', function on(m) { if (m.stored === mark) { child.off('message', on); r(m.at); } }));
      child.send({ mark, runId: target });
      if (paneCheck) for (const c of floorClients) c.write(`${JSON.stringify({ runId: target, type: 'message', text: mark, ts: Date.now() })}\n`);
      const t0 = await stored;
      const deadline = t0 + 5000;
      while (Date.now() < deadline) {
        if (tmux('capture-pane', '-p', '-t', pane).includes(mark)) return Date.now() - t0;
        await sleep(5);
      }
      return NaN;
    };

    // ---- the dashboard in a tmux pane ----
    writeFileSync(join(dir, 'dash.sh'), `cd '${repo}' && exec '${process.execPath}' '${BIN}' status --tui\n`);
    tmux('new-session', '-d', '-s', 'dash', '-x', '200', '-y', '50', 'sh', join(dir, 'dash.sh'));
    const started = Date.now();
    while (!tmux('capture-pane', '-p', '-t', 'dash').includes(slug(0))) {
      if (Date.now() - started > 20_000) throw new Error('the dashboard did not start');
      await sleep(50);
    }
    const startupMs = Date.now() - started;
    const dashPid = Number(tmux('display-message', '-p', '-t', 'dash', '#{pane_pid}').trim());

    agents = startAgents();
    await sleep(1000);
    const busyCpu = cpuShare(dashPid, BUSY_MS);
    const latencies = [];
    for (let i = 0; i < MARKERS; i++) {
      latencies.push(await markOnce(agents, runs[0], 'dash', i, false)); // the selected task: its detail pane shows the event tail
      await sleep(300);
    }
    const busy = await busyCpu;
    agents.send({ stop: true });
    await new Promise((r) => agents.on('exit', r));
    agents = undefined;
    await sleep(1500);
    const idleRunning = await cpuShare(dashPid, IDLE_MS); // 20 tasks still running: their clocks tick
    await new Registry(registryFile).update((r) => {
      for (const t of r.tasks) if (t.status === 'running') t.status = 'review';
    });
    await sleep(1500);
    const idle = await cpuShare(dashPid, IDLE_MS); // nothing happening
    const rss = peakRssMb(dashPid);
    tmux('send-keys', '-t', 'dash', 'q');

    // ---- frame render time: the same App on the same live feed, in-process ----
    const { DashboardFeed } = await import(dist('core/dashboard/feed.js'));
    const { createDashboardStore, applySnapshot } = await import(dist('ui/store.js'));
    const { App } = await import(dist('ui/App.js'));
    const { render } = await import('ink');
    const React = await import('react');
    await new Registry(registryFile).update((r) => {
      for (const t of r.tasks.slice(0, AGENTS)) t.status = 'running';
    });
    const feed = new DashboardFeed({ registryFile, stateDb, repo });
    const uiStore = createDashboardStore({ scope: 'app', maxParallel: 4 });
    feed.subscribe((s) => applySnapshot(uiStore, s));
    await feed.start();
    const sink = Object.assign(new Writable({ write: (_c, _e, cb) => cb() }), { columns: 200, rows: 51, isTTY: false });
    const renderTimes = [];
    agents = startAgents();
    const ink = render(React.createElement(App, { store: uiStore, actions: new Proxy({}, { get: () => () => undefined }), width: 200, height: 50 }), { stdout: sink, stdin: Object.assign(new (await import('node:stream')).PassThrough(), { isTTY: true, setRawMode() {}, ref() {}, unref() {} }), patchConsole: false, maxFps: 20, onRender: ({ renderTime }) => renderTimes.push(renderTime) });
    await sleep(8000);
    ink.unmount();
    await feed.close();
    agents.send({ stop: true });
    await new Promise((r) => agents.on('exit', r));
    agents = undefined;

    // ---- the floor: the same events, printed by a plain Node loop ----
    tmux('new-session', '-d', '-s', 'floor', '-x', '200', '-y', '50', process.execPath, fileURLToPath(import.meta.url), '--floor', socketPath);
    while (floorClients.size === 0) await sleep(20);
    const floorPid = Number(tmux('display-message', '-p', '-t', 'floor', '#{pane_pid}').trim());
    agents = startAgents();
    await sleep(1000);
    const floorBusyCpu = cpuShare(floorPid, BUSY_MS);
    const floorLatencies = [];
    for (let i = 0; i < MARKERS; i++) {
      floorLatencies.push(await markOnce(agents, runs[i % AGENTS], 'floor', i, true));
      await sleep(300);
    }
    const floorBusy = await floorBusyCpu;
    agents.send({ stop: true });
    await new Promise((r) => agents.on('exit', r));
    agents = undefined;
    await sleep(1000);
    const floorIdle = await cpuShare(floorPid, IDLE_MS / 2);
    const floorRss = peakRssMb(floorPid);
    for (const c of floorClients) c.end();
    server.close();

    const ok = (xs) => xs.filter((x) => Number.isFinite(x));
    const f1 = (x) => (Number.isFinite(x) ? x.toFixed(1) : 'n/a');
    const rows = [
      ['', 'dashboard', 'floor (plain Node loop)', 'target'],
      ['event → screen p50 (ms)', f1(pct(ok(latencies), 50)), f1(pct(ok(floorLatencies), 50)), ''],
      ['event → screen p95 (ms)', f1(pct(ok(latencies), 95)), f1(pct(ok(floorLatencies), 95)), '< 150'],
      ['markers seen', `${ok(latencies).length}/${MARKERS}`, `${ok(floorLatencies).length}/${MARKERS}`, ''],
      ['frame render p50 / p95 (ms)', `${f1(pct(renderTimes, 50))} / ${f1(pct(renderTimes, 95))} (${renderTimes.length} frames)`, '-', '< 16'],
      ['CPU, 20 agents streaming (% of a core)', f1(busy), f1(floorBusy), ''],
      ['CPU, agents quiet, 20 tasks running (%)', f1(idleRunning), '-', ''],
      ['CPU, idle: nothing happening (% of a core)', f1(idle), f1(floorIdle), '< 1'],
      ['peak memory (MB)', f1(rss), f1(floorRss), '< 200'],
      ['start-up to first screen (ms)', String(startupMs), '-', ''],
    ];
    const widths = rows[0].map((_, c) => Math.max(...rows.map((r) => r[c].length)));
    console.log(`\nbench:tui — ${TASKS} tasks, ${AGENTS} agents streaming, tmux pane 200×50, ${MARKERS} markers (latency from the marker's commit to state.db; the runner's EventBatcher adds up to 100 ms before that)\n`);
    for (const r of rows) console.log(r.map((v, c) => v.padEnd(widths[c])).join('  '));
  } finally {
    agents?.kill();
    try {
      tmux('kill-server');
    } catch {
      // not running
    }
    rmSync(dir, { recursive: true, force: true });
  }
}


