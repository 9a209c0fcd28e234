/**
 * Scenarios for the scripted model servers: what the "model" does, step by step, written once
 * and played by either server (Responses API for Codex, Messages API for Claude Code).
 *
 * ```ts
 * const script = scenario([plan(['Inspect', 'Write']), exec('ls'), writeFile('hello.txt', 'hi\n'),
 *   plan(['Inspect', 'Write'], { done: 'all' }), finish('Done.')]);
 * ```
 *
 * A step is either a model response (one or more actions, played as one API response) or a fault
 * (an HTTP error, an error inside the stream, a request left hanging) served before the next
 * response. The servers pick the step from the request body alone — the turn is the number of
 * earlier prompts the model answered, the step the number of model responses since the last prompt —
 * so retries, resumes and parallel conversations each land on the right step.
 */

/** One entry of a todo list / plan. */
export interface PlanItem {
  text: string;
  status: 'pending' | 'in_progress' | 'completed';
  /** Claude's TodoWrite `activeForm` (present participle); defaults to `text`. */
  activeForm?: string;
}

/** What the model does inside one response. */
export type Action =
  | { type: 'plan'; items: PlanItem[]; explanation?: string }
  | { type: 'exec'; command: string }
  | { type: 'write-file'; path: string; content: string }
  | { type: 'apply-patch'; patch: string }
  | { type: 'think'; text: string }
  | { type: 'say'; text: string }
  | { type: 'tool'; name: string; input: Record<string, unknown> };

/** A model response made of actions (tool calls end in a tool round-trip, text alone ends the turn). */
export interface RespondStep {
  kind: 'respond';
  actions: Action[];
  /** Wait this long before answering (lets a test stop the agent mid-turn). */
  delayMs?: number;
}

/** A failure served instead of the next response, `times` times (then the script moves on). */
export type FaultStep =
  | { kind: 'http-error'; status: number; message: string; times: number }
  | { kind: 'stream-error'; message: string; times: number }
  | { kind: 'hang'; times: number };

export type Step = RespondStep | FaultStep;

/** A conversation script: `turns[0]` answers the first prompt, `turns[1]` a resumed follow-up, … */
export interface Scenario {
  /** Plays only for conversations whose user text matches (first match wins; none = any). */
  match?: string | RegExp;
  turns: Step[][];
}

/** What a server accepts: steps of a single turn, one scenario, or several chosen by `match`. */
export type ScenarioInput = Step[] | Scenario | Scenario[];

/** Builds a scenario from the steps of each turn. */
export function scenario(...turns: Step[][]): Scenario {
  return { turns };
}

/** A scenario for conversations whose user text contains `match` (or matches the RegExp). */
export function forPrompt(match: string | RegExp, ...turns: Step[][]): Scenario {
  return { match, turns };
}

const respond = (...actions: Action[]): RespondStep => ({ kind: 'respond', actions });

/**
 * Updates the plan (Codex `update_plan`, Claude `TodoWrite`). By default the first item is
 * in progress and the rest pending; `done: n` marks the first n completed (the next one in
 * progress), `done: 'all'` completes everything.
 */
export function plan(items: ReadonlyArray<string | PlanItem>, options: { done?: number | 'all'; explanation?: string } = {}): RespondStep {
  const done = options.done === 'all' ? items.length : (options.done ?? 0);
  const planItems = items.map((item, index): PlanItem => {
    if (typeof item !== 'string') return item;
    const status = index < done ? 'completed' : index === done ? 'in_progress' : 'pending';
    return { text: item, status };
  });
  return respond({ type: 'plan', items: planItems, ...(options.explanation ? { explanation: options.explanation } : {}) });
}

/** Runs a shell command (Codex `exec_command`, Claude `Bash`). */
export function exec(command: string): RespondStep {
  return respond({ type: 'exec', command });
}

/**
 * Creates a file, `path` relative to the agent's working directory (Codex: an apply_patch
 * `Add File`; Claude: `Write` with the absolute path taken from the request's system text).
 */
export function writeFile(path: string, content: string): RespondStep {
  return respond({ type: 'write-file', path, content });
}

/** A raw `apply_patch` (Codex only; Claude's server answers it with a scenario error). */
export function applyPatch(patch: string): RespondStep {
  return respond({ type: 'apply-patch', patch });
}

/** A reasoning summary (Codex `reasoning` item, Claude `thinking` block). */
export function think(text: string): RespondStep {
  return respond({ type: 'think', text });
}

/** Assistant text; combined with tool calls via `together` it is a preamble. */
export function say(text: string): RespondStep {
  return respond({ type: 'say', text });
}

/** The final answer: assistant text with no tool call, which ends the turn. */
export function finish(text: string): RespondStep {
  return say(text);
}

/** Any other tool call, with the input the agent's tool schema expects (JSON arguments). */
export function toolCall(name: string, input: Record<string, unknown>): RespondStep {
  return respond({ type: 'tool', name, input });
}

/** Plays several responses' actions as ONE response (e.g. `together(think('…'), plan([...]))`). */
export function together(...steps: RespondStep[]): RespondStep {
  return respond(...steps.flatMap((step) => step.actions));
}

/** Delays a response by `ms` milliseconds. */
export function delayed(ms: number, step: RespondStep): RespondStep {
  return { ...step, delayMs: ms };
}

/** Answers with an HTTP error status (`times` times, then moves on; default: forever). */
export function httpError(status = 500, options: { times?: number; message?: string } = {}): FaultStep {
  return { kind: 'http-error', status, message: options.message ?? 'Internal server error (scripted failure)', times: options.times ?? Infinity };
}

/** Fails inside the SSE stream (Codex `response.failed`, Claude an `error` event, overloaded). */
export function streamError(message = 'scripted in-stream failure', options: { times?: number } = {}): FaultStep {
  return { kind: 'stream-error', message, times: options.times ?? Infinity };
}

/** Leaves the request open with no answer until the client goes away (for stop/timeout tests). */
export function hang(options: { times?: number } = {}): FaultStep {
  return { kind: 'hang', times: options.times ?? Infinity };
}

/** Normalises what a server was given into a list of scenarios. */
export function toScenarios(input: ScenarioInput): Scenario[] {
  if (Array.isArray(input)) {
    return input.length > 0 && isScenario(input[0]) ? (input as Scenario[]) : [scenario(input as Step[])];
  }
  return [input];
}

function isScenario(value: unknown): value is Scenario {
  return typeof value === 'object' && value !== null && 'turns' in value;
}

/** Where a request stands in its conversation, derived from the request body. */
export interface Position {
  /** Key of the conversation (fault counters are kept per conversation). */
  conversation: string;
  /** All user text of the conversation, for `match`. */
  userText: string;
  turn: number;
  step: number;
}

/** What a server should do with a request. */
export type Decision =
  | { kind: 'respond'; response: RespondStep; turn: number; step: number }
  | { kind: 'fault'; fault: FaultStep; turn: number; step: number }
  | { kind: 'unscripted'; reason: string; turn: number; step: number };

/**
 * Plays scenarios: maps a request's position to a response or a fault. Faults before a response
 * are counted per conversation, so `httpError(500, { times: 2 })` fails twice, then the same
 * request body gets the next response.
 */
export class ScriptPlayer {
  private readonly scenarios: Scenario[];
  private readonly served = new Map<string, number>();

  constructor(input: ScenarioInput) {
    this.scenarios = toScenarios(input);
  }

  decide(position: Position): Decision {
    const { turn, step } = position;
    const chosen = this.scenarios.find((s) => s.match === undefined || matches(s.match, position.userText));
    if (!chosen) return { kind: 'unscripted', reason: 'no scenario matches this conversation', turn, step };
    const steps = chosen.turns[turn];
    if (!steps) return { kind: 'unscripted', reason: `the scenario has no turn ${turn}`, turn, step };
    let responses = 0;
    for (const [index, candidate] of steps.entries()) {
      if (candidate.kind === 'respond') {
        if (responses === step) return { kind: 'respond', response: candidate, turn, step };
        responses += 1;
        continue;
      }
      if (responses !== step) continue;
      const key = `${position.conversation}\u0000${this.scenarios.indexOf(chosen)}\u0000${turn}\u0000${index}`;
      const count = this.served.get(key) ?? 0;
      if (count < candidate.times) {
        this.served.set(key, count + 1);
        return { kind: 'fault', fault: candidate, turn, step };
      }
    }
    return { kind: 'unscripted', reason: `turn ${turn} of the scenario has no step ${step}`, turn, step };
  }
}

function matches(match: string | RegExp, text: string): boolean {
  return typeof match === 'string' ? text.includes(match) : match.test(text);
}

/** An id fragment that names the scripted step an item came from (`t0s2` = turn 0, step 2). */
export function stepTag(turn: number, step: number): string {
  return `t${turn}s${step}`;
}

/** Reads a step tag back from an id, if it has one. */
export function parseStepTag(id: unknown): string | undefined {
  return typeof id === 'string' ? /_(t\d+s\d+)_/.exec(id)?.[1] : undefined;
}

/** Codex's apply_patch text that adds `path` with `content`. */
export function addFilePatch(path: string, content: string): string {
  const lines = content.endsWith('\n') ? content.slice(0, -1).split('\n') : content.split('\n');
  return `*** Begin Patch\n*** Add File: ${path}\n${lines.map((line) => `+${line}`).join('\n')}\n*** End Patch\n`;
}
