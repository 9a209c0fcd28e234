import type { AgentProfile } from '../config/schema.js';
import { CodexAgentError } from '../errors.js';
import type { StreamParser } from './adapter.js';
import type { AgentEvent, CommandStatus, FileChange, TodoItem } from './events.js';
import { outputTail } from './events.js';
import { assertPrompt, type AgentInvocation, type AgentRunOptions } from './invocation.js';
import { asArray, asNumber, asObject, asString, type Failure, JsonLineParser, type JsonObject, type Reported } from './line-parser.js';

/**
 * The OpenAI Codex CLI (`codex exec --json`, checked against codex-cli 0.169.0; see
 * shared/agents/codex.md and the fixtures beside it).
 */

/** The sandbox every run gets: the worktree is writable, `.git` stays read-only (we commit afterwards). */
export const CODEX_SANDBOX = 'workspace-write';

/**
 * The command line of one Codex run:
 * `codex exec --json -s workspace-write -C <cwd> [-m model] [...args] [-o file] -- <prompt>`, or to
 * resume `codex exec -C <cwd> resume --json -c sandbox_mode="workspace-write" […] -- <thread> <prompt>`.
 *
 * `--` ends the options (clap): without it a prompt starting with "-" (a markdown list) is an
 * unknown option (exit 2), and a prompt that is exactly "resume" or "review" would pick a
 * subcommand. `resume` takes neither `-s` (hence `-c sandbox_mode=…`) nor `-C` after it (exit 2),
 * so `-C` goes before it. Checked against codex-cli 0.169.0. Stdin must be closed.
 */
export function buildCodexInvocation(profile: AgentProfile, options: AgentRunOptions): AgentInvocation {
  assertPrompt(options.prompt);
  if (options.prompt.trim() === '-') {
    throw new CodexAgentError('invalid-value', 'A Codex prompt cannot be "-": Codex reads the prompt from stdin then.', {
      hint: 'Give the task a real goal.',
    });
  }
  const model = options.model ?? profile.model;
  const common = [...(model ? ['-m', model] : []), ...profile.args, ...(options.outputFile ? ['-o', options.outputFile] : [])];
  const args = options.resumeSessionId
    ? ['exec', '-C', options.cwd, 'resume', '--json', '-c', `sandbox_mode="${CODEX_SANDBOX}"`, ...common, '--', options.resumeSessionId, options.prompt]
    : ['exec', '--json', '-s', CODEX_SANDBOX, '-C', options.cwd, ...common, '--', options.prompt];
  return { command: profile.command ?? 'codex', args, env: {} };
}

/**
 * Codex error messages that mean the model API or its transport failed (codex-rs `CodexErr`): HTTP
 * 5xx ("high demand"), broken or failed SSE streams, other HTTP statuses, retries exhausted,
 * connection failures, usage limits, and a missing API key variable. All are infrastructure: worth a
 * retry and a fallback profile, not the task's fault.
 */
const API_ERROR_PATTERNS: readonly RegExp[] = [
  /experiencing high demand/i,
  /stream disconnected/i,
  /response\.failed/i,
  /unexpected status/i,
  /exceeded retry limit/i,
  /connection failed/i,
  /error while reading the server response/i,
  /reconnecting/i,
  /at capacity/i,
  /usage limit|quota exceeded|rate limit/i,
  /missing environment variable/i,
];

/** A Codex failure message as a failure: `api_error` (retryable) for infrastructure, else `agent_error`. */
export function classifyCodexError(message: string): Failure {
  if (API_ERROR_PATTERNS.some((pattern) => pattern.test(message))) {
    return { ok: false, reason: 'api_error', message, retryable: true };
  }
  return { ok: false, reason: 'agent_error', message, retryable: false };
}

const COMMAND_STATUSES: ReadonlySet<string> = new Set(['in_progress', 'completed', 'failed', 'declined']);
const FILE_CHANGE_KINDS: ReadonlySet<string> = new Set(['add', 'update', 'delete']);
/** Items we know and keep only as `raw` (no normalized event fits them), once they complete. */
const RAW_ITEM_TYPES: ReadonlySet<string> = new Set(['mcp_tool_call', 'web_search', 'collab_tool_call', 'plan']);

/**
 * A todo_list item as a todo list. Codex's plan tool knows pending / in_progress / completed, but
 * `exec --json` reports only `completed: true|false`, so every unfinished step is `pending`: we do not
 * guess which one the agent is working on (the dashboard can show "next" as the first pending one).
 */
function todoItems(item: JsonObject): TodoItem[] {
  // Plain loops: these run for every line of a chatty agent (issue 4).
  const items: TodoItem[] = [];
  for (const entry of asArray(item.items)) {
    const todo = asObject(entry);
    const text = asString(todo?.text);
    if (todo && text !== undefined) items.push({ text, status: todo.completed === true ? 'completed' : 'pending' });
  }
  return items;
}

function sameTodos(a: readonly TodoItem[] | undefined, b: readonly TodoItem[]): boolean {
  if (!a || a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i]!.text !== b[i]!.text || a[i]!.status !== b[i]!.status) return false;
  return true;
}

function fileChanges(item: JsonObject): FileChange[] {
  const changes: FileChange[] = [];
  for (const entry of asArray(item.changes)) {
    const change = asObject(entry);
    const path = asString(change?.path);
    const kind = asString(change?.kind);
    if (path !== undefined && kind !== undefined && FILE_CHANGE_KINDS.has(kind)) changes.push({ path, kind: kind as FileChange['kind'] });
  }
  return changes;
}

/** The questions of a `request_user_input` event or item, one per line. */
function questionText(source: JsonObject): string | undefined {
  const lines = asArray(source.questions).flatMap((entry) => {
    const question = asObject(entry);
    const text = asString(question?.question) ?? asString(question?.header);
    return text ? [text] : [];
  });
  return lines.length ? lines.join('\n') : undefined;
}

class CodexParser extends JsonLineParser {
  protected readonly source = 'codex' as const;
  protected readonly name = 'codex';
  private lastMessage: string | undefined;
  private turnCompleted = false;
  private turnFailure: string | undefined;
  private lastError: string | undefined;
  private lastTodos: TodoItem[] | undefined;
  private askedQuestions = new Set<string>();

  protected handle(event: JsonObject & { type: string }, ts: number): AgentEvent[] {
    // The item events first: almost every line is one (cases are compared in order).
    switch (event.type) {
      case 'item.completed':
        return this.itemEvent('completed', event, ts);
      case 'item.started':
        return this.itemEvent('started', event, ts);
      case 'item.updated':
        return this.itemEvent('updated', event, ts);
      case 'thread.started': {
        this.sessionId = asString(event.thread_id) ?? this.sessionId;
        return [{ type: 'started', ts, ...(this.sessionId !== undefined ? { sessionId: this.sessionId } : {}) }];
      }
      case 'turn.started':
      case 'item.plan.delta':
        return [];
      case 'turn.completed':
        this.turnCompleted = true;
        return this.usage(asObject(event.usage), ts);
      case 'turn.failed':
        this.turnFailure = asString(asObject(event.error)?.message) ?? 'the turn failed';
        return [];
      case 'error': {
        // Not always fatal ("Reconnecting... 1/5"): the turn's fate comes from turn.failed or the exit.
        const message = asString(event.message) ?? 'unknown error';
        this.lastError = message;
        return [{ type: 'warning', ts, message }];
      }
      case 'request_user_input':
        return this.question(event, asString(event.call_id) ?? asString(event.id), ts);
      default:
        return [{ type: 'raw', ts, source: this.source, data: event }];
    }
  }

  private itemEvent(phase: 'started' | 'updated' | 'completed', event: JsonObject, ts: number): AgentEvent[] {
    const item = asObject(event.item);
    return item ? this.item(phase, item, event, ts) : [{ type: 'raw', ts, source: this.source, data: event }];
  }

  private item(phase: 'started' | 'updated' | 'completed', item: JsonObject, event: JsonObject, ts: number): AgentEvent[] {
    // Builds up to 0.43 said `item_type` and `assistant_message`.
    const type = asString(item.type) ?? asString(item.item_type) ?? '';
    const id = asString(item.id) ?? '';
    const done = phase === 'completed';
    switch (type) {
      case 'command_execution':
        return this.command(phase, id, item, ts);
      case 'todo_list': {
        const items = todoItems(item);
        if (sameTodos(this.lastTodos, items)) return [];
        this.lastTodos = items;
        return [{ type: 'todo', ts, items }];
      }
      case 'agent_message':
      case 'assistant_message': {
        const text = asString(item.text);
        if (!done || text === undefined) return [];
        this.lastMessage = text;
        return [{ type: 'message', ts, text }];
      }
      case 'reasoning': {
        const text = asString(item.text);
        return done && text ? [{ type: 'reasoning', ts, text }] : [];
      }
      case 'file_change': {
        if (!done) return [];
        const changes = fileChanges(item);
        if (item.status === 'completed' && changes.length) return [{ type: 'file_change', ts, changes }];
        if (item.status === 'failed') {
          return [{ type: 'warning', ts, message: `A patch could not be applied: ${changes.map((c) => c.path).join(', ') || 'no files'}.` }];
        }
        return [];
      }
      case 'error': {
        const message = asString(item.message);
        return done && message ? [{ type: 'warning', ts, message }] : [];
      }
      case 'request_user_input':
        return this.question(item, id, ts);
      default:
        if (RAW_ITEM_TYPES.has(type) && !done) return [];
        return [{ type: 'raw', ts, source: this.source, data: event }];
    }
  }

  private command(phase: 'started' | 'updated' | 'completed', id: string, item: JsonObject, ts: number): AgentEvent[] {
    const command = asString(item.command) ?? '';
    if (phase === 'started') return [{ type: 'command', ts, id, phase: 'started', command, status: 'in_progress' }];
    if (phase === 'updated') return [];
    const status = asString(item.status);
    const exitCode = asNumber(item.exit_code) ?? null;
    return [{
      type: 'command', ts, id, phase: 'finished', command, exitCode,
      outputTail: outputTail(asString(item.aggregated_output) ?? ''),
      status: status !== undefined && COMMAND_STATUSES.has(status) ? (status as CommandStatus) : exitCode === 0 ? 'completed' : 'failed',
    }];
  }

  private question(source: JsonObject, id: string | undefined, ts: number): AgentEvent[] {
    const text = questionText(source);
    if (!text || (id !== undefined && this.askedQuestions.has(id))) return [];
    if (id !== undefined) this.askedQuestions.add(id);
    return [{ type: 'question', ts, text }];
  }

  /** `usage` is cumulative over the whole thread, earlier runs of a resumed thread included. */
  private usage(usage: JsonObject | undefined, ts: number): AgentEvent[] {
    if (!usage) return [];
    const cached = asNumber(usage.cached_input_tokens);
    const reasoning = asNumber(usage.reasoning_output_tokens);
    return [{
      type: 'usage', ts, scope: 'thread',
      inputTokens: asNumber(usage.input_tokens) ?? 0,
      outputTokens: asNumber(usage.output_tokens) ?? 0,
      ...(cached !== undefined ? { cachedInputTokens: cached } : {}),
      ...(reasoning !== undefined ? { reasoningTokens: reasoning } : {}),
    }];
  }

  protected reported(): { reported: Reported | undefined; unreported: Failure | undefined } {
    const lastError = this.lastError === undefined ? undefined : classifyCodexError(this.lastError);
    const unreported = lastError?.reason === 'api_error' ? lastError : undefined;
    if (this.turnFailure !== undefined) return { reported: classifyCodexError(this.turnFailure), unreported };
    if (this.turnCompleted) {
      return { reported: { ok: true, ...(this.lastMessage !== undefined ? { summary: this.lastMessage } : {}) }, unreported };
    }
    return { reported: undefined, unreported };
  }
}

/** A parser for one `codex exec --json` run. */
export function createCodexParser(): StreamParser {
  return new CodexParser();
}
