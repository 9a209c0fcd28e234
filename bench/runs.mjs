// npm run bench:runs — the cost of following an agent, measured against its floor in the same run.
//  1. Event ingestion: a synthetic stream of 100,000 Codex JSONL events, normalized by the Codex
//     adapter and stored through the event batcher and writer into a real state.db (redaction
//     included, rows committed and read back), against a plain JSON.parse of the same lines.
//     Target: >= 50% of the floor's rate. For reference, the same with nothing stored (each batch
//     serialized and dropped): the part of the gap that is the stored format itself; and the
//     run's raw log of the same lines, which the runner writes beside the events.
//  2. Runner overhead: `codex-agent task run` (worktree, prompt, the real codex, commit) against
//     `codex exec` run by hand on the same scripted scenario. Target: <= 1.2x. Needs the real codex
//     (.ci/install-agents.sh); skipped with the reason otherwise.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync, mkdirSync, copyFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const dist = (p) => join(root, 'dist', p);
const distBench = (p) => join(root, 'dist-bench', p);
const { createCodexParser } = await import(dist('core/agents/codex.js'));
const { StateStore } = await import(dist('core/store/state-store.js'));
const { EventBatcher } = await import(dist('core/store/event-batcher.js'));
const { EventWriter } = await import(dist('core/store/event-writer.js'));
const { toBatchRows } = await import(dist('core/store/event-batches.js'));
const { makeRedactor, secretsFromEnv } = await import(dist('core/redact.js'));
const { RawLog } = await import(dist('core/runs/raw-log.js'));

const EVENTS = 100_000;
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

function syntheticStream(n) {
  const lines = [JSON.stringify({ type: 'thread.started', thread_id: '01a1ff98-5105-79e3-983c-1ce29771a7ff' }), JSON.stringify({ type: 'turn.started' })];
  const todo = (done) => ({ id: 'item_1', type: 'todo_list', items: ['Inspect the repository', 'Change the code', 'Run the tests'].map((text, i) => ({ text, completed: i < done })) });
  lines.push(JSON.stringify({ type: 'item.started', item: todo(0) }));
  for (let i = 0; lines.length < n - 1; i++) {
    const id = `item_${i + 2}`;
    const output = `src/file${i % 97}.ts:${i % 300}: ok\n`.repeat(1 + (i % 6));
    switch (i % 5) {
      case 0:
        lines.push(JSON.stringify({ type: 'item.started', item: { id, type: 'command_execution', command: `/bin/bash -c 'npm test -- --grep case${i}'`, aggregated_output: '', exit_code: null, status: 'in_progress' } }));
        break;
      case 1:
        lines.push(JSON.stringify({ type: 'item.completed', item: { id, type: 'command_execution', command: `/bin/bash -c 'npm test -- --grep case${i}'`, aggregated_output: output, exit_code: i % 11 === 0 ? 1 : 0, status: 'completed' } }));
        break;
      case 2:
        lines.push(JSON.stringify({ type: 'item.completed', item: { id, type: 'reasoning', text: `**Thinking about step ${i}**\n\nThe next change goes into src/file${i % 97}.ts.` } }));
        break;
      case 3:
        lines.push(JSON.stringify({ type: 'item.completed', item: { id, type: 'file_change', changes: [{ path: `/home/dev/project/src/file${i % 97}.ts`, kind: 'update' }], status: 'completed' } }));
        break;
      default:
        lines.push(JSON.stringify({ type: 'item.updated', item: todo(i % 4) }));
    }
  }
  lines.push(JSON.stringify({ type: 'turn.completed', usage: { input_tokens: 6000, cached_input_tokens: 1500, cache_write_input_tokens: 0, output_tokens: 240, reasoning_output_tokens: 0 } }));
  return lines;
}

function floor(lines) {
  const t0 = performance.now();
  let n = 0;
  for (const line of lines) if (JSON.parse(line).type) n++;
  return { ms: performance.now() - t0, n };
}

// The lines through the Codex adapter into the batcher, as the runner hands them over; the events' count.
function feed(lines, batcher, runId) {
  const parser = createCodexParser();
  let n = 0;
  const take = (events) => {
    for (const event of events) {
      batcher.push(runId, { ts: event.ts, type: event.type, data: event });
      n++;
    }
  };
  for (const line of lines) take(parser.push(line, Date.now()));
  take(parser.finish({ code: 0, signal: null }, Date.now()));
  return n;
}

// As the runner does it (core/runs/runner.ts, attempt.ts): a batcher over an EventWriter, which
// stores from its own thread once events come in bursts. The clock runs from before the writer
// exists until batcher.close() has waited for the last row to be committed.
function ours(lines, dir) {
  const store = StateStore.open(join(dir, `state-${Math.random().toString(36).slice(2)}.db`), { redact: makeRedactor({ secrets: secretsFromEnv(process.env) }) });
  const runId = store.createRun({ repo: '/bench/repo', slug: 'bench', profile: 'codex', kind: 'codex', phase: 'execution', startedAt: Date.now() });
  const t0 = performance.now();
  const batcher = new EventBatcher(new EventWriter(store));
  const n = feed(lines, batcher, runId);
  batcher.close();
  const ms = performance.now() - t0;
  // Read back through the store: every event is there, in order, with its own id.
  const events = store.eventsOf(runId);
  const stored = events.every((e, i) => i === 0 || e.id === events[i - 1].id + 1) ? events.length : -1;
  store.close();
  return { ms, n, stored };
}

// The same reading thread's work with nothing stored: each batch is serialized as the writer does
// it and dropped. What no store can beat: the gap to the floor is the format itself.
function serializedOnly(lines) {
  const t0 = performance.now();
  const batcher = new EventBatcher({ appendEvents: (runId, events) => toBatchRows(runId, events) });
  feed(lines, batcher, 1);
  batcher.close();
  return performance.now() - t0;
}

// What the runner also does with every line, apart from its events: the run's raw log (redacted,
// appended once per chunk of output — here every 400 lines).
function rawLog(lines, dir) {
  const file = join(dir, `raw-${Math.random().toString(36).slice(2)}.jsonl`);
  const log = new RawLog(file, makeRedactor({ secrets: secretsFromEnv(process.env) }));
  const t0 = performance.now();
  for (let i = 0; i < lines.length; i++) {
    log.writeLine(Date.now(), 'stdout', lines[i], true);
    if (i % 400 === 399) log.flush();
  }
  log.flush();
  const ms = performance.now() - t0;
  rmSync(file);
  return ms;
}

const fmt = (x) => Math.round(x).toLocaleString('en-US');
const dir = mkdtempSync(join(tmpdir(), 'codex-agent-bench-runs-'));
try {
  console.log(`Event ingestion: ${EVENTS.toLocaleString('en-US')} synthetic Codex events (node ${process.version})`);
  const lines = syntheticStream(EVENTS);
  const floors = [];
  const runs = [];
  const unstored = [];
  const logged = [];
  // Nine rounds, each of the three in turn, so that load on a shared machine hits them alike.
  for (let round = 0; round < 9; round++) {
    floors.push(floor(lines).ms);
    runs.push(ours(lines, dir));
    unstored.push(serializedOnly(lines));
    logged.push(rawLog(lines, dir));
  }
  const floorMs = median(floors);
  const oursMs = median(runs.map((r) => r.ms));
  const unstoredMs = median(unstored);
  const loggedMs = median(logged);
  const rate = (ms) => (lines.length / ms) * 1000;
  console.log(`  floor  JSON.parse only              ${fmt(floorMs).padStart(6)} ms   ${fmt(rate(floorMs)).padStart(10)} lines/s`);
  console.log(`  ours   parse + normalize + store    ${fmt(oursMs).padStart(6)} ms   ${fmt(rate(oursMs)).padStart(10)} lines/s   (${runs[0].n} events, ${runs[0].stored} stored)`);
  console.log(`  (ref)  the same, nothing stored     ${fmt(unstoredMs).padStart(6)} ms   ${fmt(rate(unstoredMs)).padStart(10)} lines/s   (batches serialized and dropped)`);
  console.log(`  (ref)  the raw log of the lines      ${fmt(loggedMs).padStart(6)} ms   ${fmt(rate(loggedMs)).padStart(10)} lines/s   (written by the runner too; not in ours)`);
  console.log(`         rounds: floor ${floors.map(fmt).join(', ')} ms; ours ${runs.map((r) => fmt(r.ms)).join(', ')} ms`);
  console.log(`  ratio  ours/floor rate = ${(floorMs / oursMs).toFixed(2)}   (target >= 0.50); nothing stored: ${(floorMs / unstoredMs).toFixed(2)}`);

  console.log('\nRunner overhead: `codex-agent task run` vs `codex exec` by hand, same scripted scenario');
  await runnerOverhead();
} finally {
  rmSync(dir, { recursive: true, force: true });
}

async function runnerOverhead() {
  const { locateCodex, withAgentsOnPath } = await import(distBench('test/agent-env/agent-binaries.js'));
  const codex = locateCodex();
  if (!codex.available) {
    console.log(`  skipped: ${codex.reason}`);
    return;
  }
  // The launcher is plain JS beside the compiled loopback module.
  copyFileSync(join(root, 'test', 'agent-env', 'netns-run.mjs'), distBench('test/agent-env/netns-run.mjs'));
  const { probeIsolation, routeTo } = await import(distBench('test/agent-env/loopback.js'));
  const { makeCodexHome } = await import(distBench('test/agent-env/agent-home.js'));
  const { runAgent } = await import(distBench('test/agent-env/run-agent.js'));
  const { makeScratchRepo } = await import(distBench('test/agent-env/scratch-repo.js'));
  const { startResponsesServer } = await import(distBench('test/servers/responses-server.js'));
  const { plan, exec, writeFile, finish } = await import(distBench('test/servers/scenario.js'));
  const isolation = probeIsolation();
  console.log(`  network: ${isolation.reason}`);
  const PLAN = ['Inspect the repository', 'Create hello.txt', 'Verify and report'];
  const server = await startResponsesServer([plan(PLAN), exec('ls'), writeFile('hello.txt', 'Hello!\n'), plan(PLAN, { done: 'all' }), finish('Created hello.txt.')]);
  const route = routeTo(server, isolation);
  const bin = join(root, 'dist', 'src', 'bin.js');
  const byHand = [];
  const ourRuns = [];
  // Rounds alternate (by hand, ours) so load on a shared machine hits both alike.
  const ROUNDS = 11;
  try {
    for (let round = 0; round < ROUNDS; round++) {
      // By hand: codex exec in a fresh checkout.
      const a = makeScratchRepo('bench-runs-hand-');
      const homeA = makeCodexHome(a.dir, route.port);
      const hand = await runAgent({ command: 'codex', args: ['exec', '--json', '-s', 'workspace-write', '-C', a.repo, '--', 'Create hello.txt'], cwd: a.repo, env: withAgentsOnPath(homeA.env, codex), route });
      if (hand.code !== 0) throw new Error(`codex exec failed: ${hand.stderr}`);
      byHand.push(hand.durationMs);
      a.remove();

      // Ours: the task already exists; `task run` creates the worktree, builds the prompt, runs codex, commits.
      const b = makeScratchRepo('bench-runs-ours-');
      const homeB = makeCodexHome(b.dir, route.port);
      const env = withAgentsOnPath(homeB.env, codex);
      mkdirSync(join(b.repo, '.codex-agent'), { recursive: true });
      writeFileSync(join(b.repo, '.codex-agent', 'config.local.toml'), '[agents.codex]\nenv = ["SCRIPTED_API_KEY"]\n');
      execFileSync(process.execPath, [bin, 'task', 'add', 'Say hello', '--goal', 'Create hello.txt'], { cwd: b.repo, env, stdio: 'ignore' });
      const run = await runAgent({ command: process.execPath, args: [bin, 'task', 'run', 'say-hello'], cwd: b.repo, env, route });
      if (run.code !== 0) throw new Error(`task run failed: ${run.stderr}`);
      ourRuns.push(run.durationMs);
      b.remove();
    }
  } finally {
    await server.close();
  }
  const hand = median(byHand);
  const oursMs = median(ourRuns);
  // The minimum is the best estimate of the cost on a noisy machine (GIT.md); the median is shown too.
  const handBest = Math.min(...byHand);
  const oursBest = Math.min(...ourRuns);
  console.log(`  floor  codex exec by hand        median ${fmt(hand).padStart(5)} ms   best ${fmt(handBest).padStart(5)} ms   (${byHand.join(', ')})`);
  console.log(`  ours   codex-agent task run      median ${fmt(oursMs).padStart(5)} ms   best ${fmt(oursBest).padStart(5)} ms   (${ourRuns.join(', ')})`);
  console.log(`  ratio  ours/floor = ${(oursMs / hand).toFixed(2)} (medians), ${(oursBest / handBest).toFixed(2)} (best); overhead ${fmt(oursBest - handBest)} ms   (target <= 1.20)`);
}
