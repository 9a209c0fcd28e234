import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import type { AgentEvent, TodoItem } from '../agents/events.js';
import { buildAgentInvocation, createStreamParser, type Outcome, type ProcessAgentKind } from '../agents/adapter.js';
import { agentEnvironment } from '../agents/env.js';
import type { AgentProfile } from '../config/schema.js';
import type { Redactor } from '../redact.js';
import { RawLog } from './raw-log.js';
import type { EventBatcher } from '../store/event-batcher.js';
import type { StateStore } from '../store/state-store.js';
import type { Task } from '../task.js';
import { startAgentProcess, type AgentExit } from './agent-process.js';
import type { RunnerListener } from './runner-events.js';

/** One agent process working on a task: the input. */
export interface AttemptInput {
  task: Task;
  worktree: string;
  runId: number;
  profileName: string;
  profile: AgentProfile;
  prompt: string;
  resumeSessionId?: string;
  timeoutMs: number;
  graceMs: number;
  signal?: AbortSignal;
  store: StateStore;
  batcher: EventBatcher;
  redact: Redactor;
  /** Our environment, from which the agent's allow-listed one is taken. */
  env: NodeJS.ProcessEnv;
  logFile: string;
  emit: RunnerListener;
}

/** What came of it. */
export interface AttemptResult {
  outcome: Outcome;
  exit: AgentExit;
  sessionId?: string;
  /** The agent's last message (its summary), when it gave one. */
  lastMessage?: string;
  question?: string;
  todo?: TodoItem[];
  /** The executable could not be started at all. */
  notStarted: boolean;
}

const EXECUTION_EVENTS: ReadonlySet<AgentEvent['type']> = new Set(['command', 'file_change']);

/** Runs one attempt: spawns the agent, turns its stream into events, stores and emits them. */
export async function runAttempt(input: AttemptInput): Promise<AttemptResult> {
  const { task, runId, store, batcher, redact, emit } = input;
  mkdirSync(dirname(input.logFile), { recursive: true, mode: 0o700 });
  // The prompt file ({prompt_file}) and Codex's last-message file hold unredacted text: they live
  // in a private temp folder for the length of the run, never beside the logs (SEC-1).
  const scratch = mkdtempSync(join(tmpdir(), 'codex-agent-run-'));
  const promptFile = join(scratch, 'prompt.md');
  writeFileSync(promptFile, input.prompt, { mode: 0o600 });
  let invocation;
  try {
    invocation = buildAgentInvocation(input.profile, {
      prompt: input.prompt,
      cwd: input.worktree,
      resumeSessionId: input.resumeSessionId,
      outputFile: join(scratch, 'last-message.txt'),
      promptFile,
    });
  } catch (err) {
    rmSync(scratch, { recursive: true, force: true });
    throw err;
  }
  const parser = createStreamParser(input.profile.kind as ProcessAgentKind);
  const rawLog = new RawLog(input.logFile, redact);
  const log = (record: object) => rawLog.write(record);
  log({ ts: Date.now(), kind: 'start', command: invocation.command, args: invocation.args.map((a) => (a === input.prompt ? '<prompt>' : a)) });

  let sessionId: string | undefined = input.resumeSessionId;
  let storedSession: string | undefined;
  // A resumed session keeps its id: record it on this run even before the agent confirms it.
  if (sessionId) {
    store.updateRun(runId, { sessionId });
    storedSession = sessionId;
  }
  let lastMessage: string | undefined;
  let question: string | undefined;
  let todo: TodoItem[] | undefined;
  let phase = 'planning';

  const handle = (events: AgentEvent[]) => {
    for (const event of events) {
      batcher.push(runId, { ts: event.ts, type: event.type, data: event });
      if (event.type === 'started' && event.sessionId && event.sessionId !== storedSession) {
        sessionId = event.sessionId;
        storedSession = sessionId;
        store.updateRun(runId, { sessionId });
      } else if (event.type === 'message') lastMessage = event.text;
      else if (event.type === 'usage') store.updateRun(runId, { usage: { ...event, type: undefined, ts: undefined } });
      else if (event.type === 'question') question = event.text;
      else if (event.type === 'todo') todo = event.items;
      else if (event.type === 'finished' && event.summary) lastMessage = event.summary;
      if (phase === 'planning' && EXECUTION_EVENTS.has(event.type)) {
        phase = 'execution';
        store.updateRun(runId, { phase: 'execution' });
        emit({ type: 'phase', slug: task.slug, runId, phase: 'execution' });
      }
      emit({ type: 'agent', slug: task.slug, runId, event });
    }
  };

  const agent = startAgentProcess({
    command: invocation.command,
    args: invocation.args,
    cwd: input.worktree,
    env: { ...agentEnvironment(input.profile.kind, input.profile.env, input.env), ...invocation.env },
    input: invocation.stdin,
    timeoutMs: input.timeoutMs,
    graceMs: input.graceMs,
    signal: input.signal,
    onStdoutLine: (line) => {
      const ts = Date.now();
      const events = parser.push(line, ts);
      rawLog.writeLine(ts, 'stdout', line, parser.lastLineWasJson === true);
      handle(events);
    },
    onStderrLine: (line) => rawLog.writeLine(Date.now(), 'stderr', line, false),
  });
  if (agent.pid !== undefined) store.updateRun(runId, { pid: agent.pid, pgid: agent.pgid ?? null, procStartTime: agent.startTime ?? null });

  const exit = await agent.done.finally(() => rmSync(scratch, { recursive: true, force: true }));
  log({ ts: Date.now(), kind: 'exit', code: exit.code, signal: exit.signal, timedOut: exit.timedOut, cancelled: exit.cancelled, spawnError: exit.spawnError?.code });
  rawLog.flush();
  handle(parser.finish({ code: exit.code, signal: exit.signal, timedOut: exit.timedOut, cancelled: exit.cancelled }, Date.now()));
  batcher.flush();

  let outcome = parser.outcome();
  if (exit.spawnError) {
    outcome = {
      ok: false,
      reason: 'exit_code',
      message: `could not start ${invocation.command}: ${exit.spawnError.code === 'ENOENT' ? 'not found on PATH' : exit.spawnError.message}`,
      retryable: false,
    };
  } else if (!outcome.ok && exit.stderrTail && !outcome.message.includes(exit.stderrTail.split('\n').pop() ?? '')) {
    outcome = { ...outcome, message: `${outcome.message}\n${exit.stderrTail.split('\n').slice(-5).join('\n')}` };
  }
  if (outcome.ok && outcome.summary) lastMessage = outcome.summary;
  return { outcome, exit, sessionId: sessionId ?? outcome.sessionId, lastMessage, question, todo, notStarted: Boolean(exit.spawnError) };
}
