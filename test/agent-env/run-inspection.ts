/**
 * Reading agent runs in tests: event skeletons to compare with the recorded fixtures, a failure
 * message that shows what the agent printed and what the server answered, and an optional dump.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ScriptedServer } from '../servers/scripted-http.js';
import type { AgentRun } from './run-agent.js';

type Event = Record<string, unknown>;

/** The fields of a Codex `item` the tests look at. */
export interface CodexItem {
  id?: string;
  type?: string;
  status?: string;
  text?: string;
  command?: string;
  aggregated_output?: string;
  exit_code?: number | null;
  changes?: Array<{ path: string; kind: string }>;
  items?: Array<{ text: string; completed: boolean }>;
}

/** The `item` of a Codex event (an empty object when there is none). */
export function codexItem(event: Event | undefined): CodexItem {
  return (event?.item ?? {}) as CodexItem;
}

/** Codex events without ids, texts or timings: `item.started:todo_list`, `turn.completed`, … */
export function codexSkeleton(events: Event[]): string[] {
  return events.map((event) => (event.item ? `${String(event.type)}:${codexItem(event).type}` : String(event.type)));
}

/** Claude events as `type:subtype:blocks`, e.g. `assistant:tool_use(Bash)`, `result:success`. */
export function claudeSkeleton(events: Event[]): string[] {
  return events.map((event) => {
    const message = event.message as { content?: unknown } | undefined;
    const content = Array.isArray(message?.content) ? (message.content as Array<{ type: string; name?: string }>) : [];
    const blocks = content.map((block) => (block.name ? `${block.type}(${block.name})` : block.type)).join('+');
    return [event.type, event.subtype, blocks].filter(Boolean).join(':');
  });
}

/** A failure message: exit code, stdout, the end of stderr, and how the server answered each request. */
export function explainRun(run: AgentRun, server: ScriptedServer): string {
  const replies = server.requests.map((r) => {
    const position = r.reply.turn === undefined ? '' : ` turn ${r.reply.turn} step ${r.reply.step}`;
    return `#${r.n} ${r.method} ${r.url} -> ${r.reply.kind} ${r.reply.status}${position}${r.reply.note ? ` (${r.reply.note})` : ''}`;
  });
  return `exit ${run.code}${run.timedOut ? ' (timed out)' : ''}\n--- stdout\n${run.stdout}\n--- stderr (end)\n${run.stderr.slice(-3000)}\n--- requests\n${replies.join('\n')}`;
}

/** Writes `<label>.jsonl`, `.stderr.txt` and `.requests.json` into `dir` (for comparing with fixtures). */
export function dumpRun(dir: string, label: string, run: AgentRun, server: ScriptedServer): void {
  const name = label.replace(/[^a-z0-9]+/gi, '-').replace(/-+$/, '');
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, `${name}.jsonl`), run.stdout);
  writeFileSync(join(dir, `${name}.stderr.txt`), run.stderr);
  server.writeRequests(join(dir, `${name}.requests.json`));
}
