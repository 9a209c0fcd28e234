import type { AgentProfile } from '../config/schema.js';
import type { StreamParser } from './adapter.js';
import { classifyClaudeResult, permissionDenialWarnings, resultUsage } from './claude-result.js';
import { ClaudeTodoList, TODO_TOOLS } from './claude-todos.js';
import type { AgentEvent, CommandStatus } from './events.js';
import { outputTail } from './events.js';
import { assertPrompt, type AgentInvocation, type AgentRunOptions } from './invocation.js';
import { asArray, asNumber, asObject, asString, type Failure, JsonLineParser, type JsonObject, type Reported } from './line-parser.js';

/**
 * Claude Code (`claude -p --output-format stream-json --verbose`, checked against 2.1.330; see
 * shared/agents/claude.md and the fixtures beside it).
 */

/** The permission mode when the profile names none: edits are accepted, other tools need an allow rule. */
export const CLAUDE_DEFAULT_PERMISSION_MODE = 'acceptEdits';

/**
 * Variables the runner sets for every Claude run. Only one: many agents updating the one installed
 * binary in place while the others run from it is a hazard. The todo tools are left at Claude's
 * default (the adapter reads both TodoWrite and the Task* tools).
 */
export const CLAUDE_ENV: Readonly<Record<string, string>> = { DISABLE_AUTOUPDATER: '1' };

/**
 * The command line of one Claude run: `claude -p --output-format stream-json --verbose
 * --permission-mode <mode> [--model m] [--resume id] [...args] -- <prompt>`.
 *
 * `--` ends the options (commander): a prompt starting with "-" is otherwise an unknown option (exit
 * 1), and variadic options a profile may add (`--allowedTools A B`, `--add-dir`) would swallow the
 * prompt. After `--` a prompt that is exactly a subcommand name ("update") stays a prompt. Checked
 * against Claude Code 2.1.330. Stdin must be closed (/dev/null); the runner sets the cwd.
 */
export function buildClaudeInvocation(profile: AgentProfile, options: AgentRunOptions): AgentInvocation {
  assertPrompt(options.prompt);
  const model = options.model ?? profile.model;
  const args = [
    '-p', '--output-format', 'stream-json', '--verbose',
    '--permission-mode', profile.permission_mode ?? CLAUDE_DEFAULT_PERMISSION_MODE,
    ...(model ? ['--model', model] : []),
    ...(options.resumeSessionId ? ['--resume', options.resumeSessionId] : []),
    ...profile.args,
    '--', options.prompt,
  ];
  return { command: profile.command ?? 'claude', args, env: { ...CLAUDE_ENV } };
}

/** Tools whose successful call changed one file, and where their input names it. */
const FILE_TOOLS: Readonly<Record<string, string>> = { Write: 'file_path', Edit: 'file_path', MultiEdit: 'file_path', NotebookEdit: 'notebook_path' };

/** System subtypes that carry nothing for the normalized stream. */
const QUIET_SYSTEM_SUBTYPES: ReadonlySet<string> = new Set(['status', 'compact_boundary', 'hook_started', 'hook_progress', 'hook_response']);

interface PendingTool {
  name: string;
  input: JsonObject;
  /** Called by a subagent (Task/Agent tool), not by the main agent. */
  subagent: boolean;
}

/** A tool_result's content as text (a string, or text blocks). */
function resultText(content: unknown): string {
  if (typeof content === 'string') return content;
  return asArray(content).map((block) => asString(asObject(block)?.text) ?? '').join('\n');
}

class ClaudeParser extends JsonLineParser {
  protected readonly source = 'claude' as const;
  protected readonly name = 'claude';
  private readonly tools = new Map<string, PendingTool>();
  private readonly todos = new ClaudeTodoList();
  private readonly denied = new Set<string>();
  private resultEvent: JsonObject | undefined;
  private apiError: Failure | undefined;
  private lastMessage: string | undefined;

  protected handle(event: JsonObject & { type: string }, ts: number): AgentEvent[] {
    switch (event.type) {
      case 'system':
        return this.system(event, ts);
      case 'assistant':
        return this.assistant(event, ts);
      case 'user':
        return this.user(event, ts);
      case 'result':
        return this.resultLine(event, ts);
      case 'stream_event': // partial messages (--include-partial-messages): the whole blocks follow anyway
        return [];
      default:
        return [{ type: 'raw', ts, source: this.source, data: event }];
    }
  }

  private system(event: JsonObject, ts: number): AgentEvent[] {
    const subtype = asString(event.subtype) ?? '';
    if (subtype === 'init') {
      const sessionId = asString(event.session_id);
      if (sessionId !== undefined && sessionId === this.sessionId) return [];
      this.sessionId = sessionId ?? this.sessionId;
      const model = asString(event.model);
      return [{ type: 'started', ts, ...(sessionId !== undefined ? { sessionId } : {}), ...(model !== undefined ? { model } : {}) }];
    }
    if (subtype === 'api_retry') {
      const status = asNumber(event.error_status);
      const attempt = asNumber(event.attempt);
      const max = asNumber(event.max_retries);
      const error = asString(event.error);
      return [{
        type: 'warning', ts,
        message: `API request failed${status !== undefined ? ` (${status})` : ''}${error ? `: ${error}` : ''}; retrying${attempt !== undefined ? ` (${attempt}${max !== undefined ? `/${max}` : ''})` : ''}.`,
      }];
    }
    if (subtype === 'permission_denied') {
      const id = asString(event.tool_use_id);
      if (id !== undefined) this.denied.add(id);
      return [{ type: 'warning', ts, message: asString(event.message) ?? `${asString(event.tool_name) ?? 'A tool'} was not permitted.` }];
    }
    if (QUIET_SYSTEM_SUBTYPES.has(subtype)) return [];
    return [{ type: 'raw', ts, source: this.source, data: event }];
  }

  private assistant(event: JsonObject, ts: number): AgentEvent[] {
    const message = asObject(event.message);
    const blocks = asArray(message?.content);
    if (event.error !== undefined || event.is_api_error_message === true) {
      // A synthetic message carrying an API failure; the result line reports it as the outcome.
      const text = blocks.map((b) => asString(asObject(b)?.text) ?? '').join('\n').trim();
      this.apiError = classifyClaudeResult({ result: text, api_error_status: event.api_error_status, terminal_reason: 'api_error' });
      return [];
    }
    const subagent = event.parent_tool_use_id !== null && event.parent_tool_use_id !== undefined;
    const out: AgentEvent[] = [];
    for (const entry of blocks) {
      const block = asObject(entry);
      if (!block) continue;
      if (block.type === 'text') {
        const text = asString(block.text);
        // A subagent's words are its report to the main agent, not to the user.
        if (!subagent && text?.trim()) {
          this.lastMessage = text;
          out.push({ type: 'message', ts, text });
        }
      } else if (block.type === 'thinking') {
        const text = asString(block.thinking);
        if (!subagent && text?.trim()) out.push({ type: 'reasoning', ts, text });
      } else if (block.type === 'tool_use') {
        out.push(...this.toolUse(block, subagent, ts));
      }
    }
    return out;
  }

  private toolUse(block: JsonObject, subagent: boolean, ts: number): AgentEvent[] {
    const id = asString(block.id) ?? '';
    const name = asString(block.name) ?? '';
    const input = asObject(block.input) ?? {};
    this.tools.set(id, { name, input, subagent });
    if (name === 'Bash') return [{ type: 'command', ts, id, phase: 'started', command: asString(input.command) ?? '', status: 'in_progress' }];
    if (name === 'AskUserQuestion') {
      const text = asArray(input.questions).map((q) => asString(asObject(q)?.question) ?? '').filter(Boolean).join('\n');
      return text ? [{ type: 'question', ts, text }] : [];
    }
    return [];
  }

  private user(event: JsonObject, ts: number): AgentEvent[] {
    const results = asArray(asObject(event.message)?.content).map(asObject).filter((b): b is JsonObject => b?.type === 'tool_result');
    // The structured result describes the line's tool call; with several calls in one line it is ambiguous.
    const structured = results.length === 1 ? event.tool_use_result : undefined;
    return results.flatMap((block) => this.toolResult(block, structured, ts));
  }

  private toolResult(block: JsonObject, structured: unknown, ts: number): AgentEvent[] {
    const id = asString(block.tool_use_id) ?? '';
    const tool = this.tools.get(id);
    if (!tool) return [];
    this.tools.delete(id);
    const isError = block.is_error === true;
    const text = resultText(block.content);
    const result = asObject(structured);
    if (tool.name === 'Bash') return [this.commandFinished(id, tool, isError, text, structured, ts)];
    if (isError) return [];
    const pathKey = FILE_TOOLS[tool.name];
    if (pathKey !== undefined) {
      const path = asString(tool.input[pathKey]) ?? asString(result?.filePath);
      if (path === undefined) return [];
      const created = tool.name === 'Write' && (result?.type === 'create' || (result === undefined && /created successfully/i.test(text)));
      return [{ type: 'file_change', ts, changes: [{ path, kind: created ? 'add' : 'update' }] }];
    }
    if (TODO_TOOLS.has(tool.name) && !tool.subagent) {
      const items = this.todos.apply(tool.name, tool.input, result, text, id);
      return items ? [{ type: 'todo', ts, items }] : [];
    }
    return [];
  }

  /**
   * Claude reports no exit code for a successful Bash call (it is 0) and puts "Exit code N" at the
   * head of a failed one's result. Interrupted, refused and background commands have none (null).
   */
  private commandFinished(id: string, tool: PendingTool, isError: boolean, text: string, structured: unknown, ts: number): AgentEvent {
    const result = asObject(structured);
    const denied = this.denied.has(id);
    const background = tool.input.run_in_background === true || result?.backgroundTaskId !== undefined;
    const interrupted = result?.interrupted === true;
    const failureText = typeof structured === 'string' ? `${text}\n${structured}` : text;
    const code = /Exit code (-?\d+)/.exec(failureText)?.[1];
    const exitCode = denied || interrupted || background ? null : isError ? (code !== undefined ? Number(code) : null) : 0;
    const status: CommandStatus = denied ? 'declined' : isError || interrupted ? 'failed' : 'completed';
    const output = result && (typeof result.stdout === 'string' || typeof result.stderr === 'string')
      ? [asString(result.stdout), asString(result.stderr)].filter(Boolean).join('\n')
      : text;
    return { type: 'command', ts, id, phase: 'finished', command: asString(tool.input.command) ?? '', exitCode, outputTail: outputTail(output), status };
  }

  private resultLine(event: JsonObject, ts: number): AgentEvent[] {
    this.resultEvent = event;
    this.sessionId = asString(event.session_id) ?? this.sessionId;
    return [...resultUsage(event, ts), ...permissionDenialWarnings(event, this.denied, ts)];
  }

  protected reported(): { reported: Reported | undefined; unreported: Failure | undefined } {
    if (!this.resultEvent) return { reported: undefined, unreported: this.apiError };
    if (this.resultEvent.is_error === false) {
      const summary = asString(this.resultEvent.result) ?? this.lastMessage;
      return { reported: { ok: true, ...(summary !== undefined ? { summary } : {}) }, unreported: undefined };
    }
    return { reported: classifyClaudeResult(this.resultEvent), unreported: undefined };
  }
}

/** A parser for one `claude -p --output-format stream-json --verbose` run. */
export function createClaudeParser(): StreamParser {
  return new ClaudeParser();
}
