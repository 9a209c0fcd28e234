import { appendFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { buildAgentInvocation, createStreamParser, type ProcessAgentKind } from '../agents/adapter.js';
import { agentEnvironment } from '../agents/env.js';
import type { AgentEvent } from '../agents/events.js';
import { extractJson, structuredReply } from '../agents/openai.js';
import type { AgentProfile } from '../config/schema.js';
import type { Redactor } from '../redact.js';
import { startAgentProcess } from '../runs/agent-process.js';
import type { StateStore } from '../store/state-store.js';
import { reviewFromReply, reviewReplySchema, type ReviewResult } from './verdict.js';

/** The validator agent's review (role `validator`), by any agent kind. It never throws for the agent's failures. */
export interface ReviewInput {
  profileName: string;
  profile: AgentProfile;
  prompt: string;
  worktree: string;
  env: NodeJS.ProcessEnv;
  timeoutMs: number;
  graceMs: number;
  signal?: AbortSignal;
  store: StateStore;
  runId: number;
  logFile: string;
  redact: Redactor;
  onAgentEvent?: (event: AgentEvent) => void;
}

const SYSTEM = 'You are the validator of an AI coding agent\'s work: a careful senior reviewer who decides whether a change is ready to merge.';

/** Asks the reviewer; a failure to get a valid verdict is a review with status `error`, never a pass. */
export async function runReview(input: ReviewInput): Promise<ReviewResult> {
  const meta = { profile: input.profileName, kind: input.profile.kind };
  if (input.profile.kind === 'openai') {
    try {
      const reply = await structuredReply({
        profile: input.profile, env: input.env, system: SYSTEM, user: input.prompt, schema: reviewReplySchema, schemaName: 'verdict', timeoutMs: input.timeoutMs, signal: input.signal,
      });
      if (reply.usage) input.store.updateRun(input.runId, { usage: reply.usage });
      return reviewFromReply(reply.value, { ...meta, attempts: reply.attempts });
    } catch (err) {
      return { status: 'error', summary: err instanceof Error ? err.message.split('\n')[0]! : String(err), findings: [], ...meta };
    }
  }
  return cliReview(input, meta);
}

/** A free-text agent: asked to end with a ```json block; one more try, in the same session, when it does not. */
async function cliReview(input: ReviewInput, meta: { profile: string; kind: string }): Promise<ReviewResult> {
  let prompt = input.prompt;
  let resume: string | undefined;
  let problem = '';
  for (let attempt = 1; attempt <= 2; attempt++) {
    const reply = await askOnce(input, prompt, resume);
    if (!reply.ok) return { status: 'error', summary: reply.error, findings: [], ...meta, attempts: attempt };
    try {
      const parsed = reviewReplySchema.safeParse(extractJson(reply.text));
      if (parsed.success) return reviewFromReply(parsed.data, { ...meta, attempts: attempt });
      problem = parsed.error.issues.slice(0, 5).map((i) => `${i.path.join('.') || '(reply)'}: ${i.message}`).join('; ');
    } catch (err) {
      problem = (err as Error).message;
    }
    const again = `Your reply did not end with a valid JSON verdict (${problem}). Reply again, ending with the \`\`\`json block in the shape given before.`;
    resume = reply.sessionId;
    prompt = resume ? again : `${input.prompt}\n\n${again}`;
  }
  return { status: 'error', summary: `the reviewer's reply held no valid JSON verdict after 2 tries: ${problem}`, findings: [], ...meta, attempts: 2 };
}

type Reply = { ok: true; text: string; sessionId?: string } | { ok: false; error: string };

async function askOnce(input: ReviewInput, prompt: string, resumeSessionId: string | undefined): Promise<Reply> {
  const kind = input.profile.kind as ProcessAgentKind;
  mkdirSync(dirname(input.logFile), { recursive: true, mode: 0o700 });
  const log = (record: object) => appendFileSync(input.logFile, `${input.redact(JSON.stringify(record))}\n`, { mode: 0o600 });
  // The prompt holds the diff unredacted: a private temp folder for the length of the run (SEC-1).
  const scratch = mkdtempSync(join(tmpdir(), 'codex-agent-review-'));
  const promptFile = join(scratch, 'prompt.md');
  writeFileSync(promptFile, prompt, { mode: 0o600 });
  try {
    const invocation = buildAgentInvocation(input.profile, { prompt, cwd: input.worktree, resumeSessionId, promptFile, outputFile: join(scratch, 'last-message.txt') });
    const parser = createStreamParser(kind);
    const events: AgentEvent[] = [];
    let sessionId = resumeSessionId;
    let text = '';
    const handle = (batch: AgentEvent[]) => {
      for (const event of batch) {
        events.push(event);
        if (event.type === 'started' && event.sessionId) sessionId = event.sessionId;
        else if (event.type === 'message') text = kind === 'command' ? `${text}${event.text}\n` : event.text;
        input.onAgentEvent?.(event);
      }
    };
    log({ ts: Date.now(), kind: 'start', command: invocation.command, args: invocation.args.map((a) => (a === prompt ? '<prompt>' : a)) });
    const proc = startAgentProcess({
      command: invocation.command, args: invocation.args, cwd: input.worktree,
      env: { ...agentEnvironment(input.profile.kind, input.profile.env, input.env), ...invocation.env },
      input: invocation.stdin, timeoutMs: input.timeoutMs, graceMs: input.graceMs, signal: input.signal,
      onStdoutLine: (line) => {
        log({ ts: Date.now(), stream: 'stdout', line });
        handle(parser.push(line, Date.now()));
      },
      onStderrLine: (line) => log({ ts: Date.now(), stream: 'stderr', line }),
    });
    if (proc.pid !== undefined) input.store.updateRun(input.runId, { pid: proc.pid, pgid: proc.pgid ?? null, procStartTime: proc.startTime ?? null });
    const exit = await proc.done;
    log({ ts: Date.now(), kind: 'exit', code: exit.code, signal: exit.signal, timedOut: exit.timedOut });
    handle(parser.finish({ code: exit.code, signal: exit.signal, timedOut: exit.timedOut, cancelled: exit.cancelled }, Date.now()));
    input.store.appendEvents(input.runId, events.map((e) => ({ ts: e.ts, type: e.type, data: e })));
    if (sessionId) input.store.updateRun(input.runId, { sessionId });
    if (exit.spawnError) return { ok: false, error: `could not start ${invocation.command}: ${exit.spawnError.code === 'ENOENT' ? 'not found on PATH' : exit.spawnError.message}` };
    const outcome = parser.outcome();
    if (!outcome.ok) return { ok: false, error: `the reviewer failed: ${outcome.message.split('\n')[0]}` };
    return { ok: true, text: kind === 'command' ? text : (outcome.summary ?? text), sessionId: sessionId ?? outcome.sessionId };
  } catch (err) {
    return { ok: false, error: err instanceof Error ? err.message : String(err) };
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}
