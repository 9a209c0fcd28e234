import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { CodexAgentError } from '../../core/errors.js';
import { assertSlug, slugFromTitle, uniqueSlug } from '../../core/names.js';
import { Registry } from '../../core/registry/registry.js';
import { tasksOfRepo } from '../../core/registry/task-ref.js';
import { editorTemplate, parseEditorStub, planWithAgent, stubMarkdown, type TaskProposal } from '../../core/tasks/planner.js';
import { PRIORITIES, type Priority } from '../../core/task.js';
import { currentBranch } from '../../core/git/repo.js';
import type { Context } from '../context.js';
import { paint, printJson, type Output } from '../output.js';
import { splitList } from './task-fields.js';

interface InteractiveOptions {
  editor?: boolean;
  json?: boolean;
}

/** Line-by-line answers from stdin; prompts go to stderr so stdout stays for `--json`. */
function makeAsker(output: Output): { ask(question: string, fallback?: string): Promise<string>; close(): void } {
  const rl = createInterface({ input: process.stdin, terminal: false });
  const lines = rl[Symbol.asyncIterator]();
  return {
    async ask(question, fallback) {
      output.err(`${paint(output, 'cyan', '?')} ${question}${fallback ? paint(output, 'dim', ` [${fallback}]`) : ''}`);
      const next = await lines.next();
      if (next.done) throw new CodexAgentError('usage', 'The input ended before the task was complete; nothing was added.');
      const answer = String(next.value).trim();
      return answer === '' && fallback !== undefined ? fallback : answer;
    },
    close: () => rl.close(),
  };
}

/** `codex-agent task add -i` and `task add --editor` */
export async function taskAddInteractiveCommand(ctx: Context, output: Output, options: InteractiveOptions): Promise<number> {
  const repo = await ctx.requireRepo();
  const { config } = await ctx.config();
  const registry = new Registry(ctx.paths.registry);
  const existing = tasksOfRepo(await registry.read(), repo.root);
  const taken = new Set(existing.map((t) => t.slug));

  let proposal: TaskProposal & { priority?: Priority };
  if (options.editor) {
    const edited = editInEditor(ctx);
    if (!edited) {
      output.err('The title was left empty; nothing was added.');
      return 0;
    }
    proposal = edited;
  } else {
    const asker = makeAsker(output);
    try {
      proposal = await converse(ctx, output, asker.ask, { config, repo, existing, taken });
      output.err(`\n${paint(output, 'bold', proposal.title)}  (${proposal.slug})\n${proposal.goal}`);
      for (const a of proposal.acceptance) output.err(`  - ${a}`);
      output.err(`deps: ${proposal.deps.join(', ') || '-'}   files: ${proposal.files.join(', ') || '-'}`);
      const confirm = (await asker.ask('Create this task? (y/n)', 'y')).toLowerCase();
      if (!confirm.startsWith('y')) {
        output.err('Nothing was added.');
        return 0;
      }
    } finally {
      asker.close();
    }
  }

  assertSlug(proposal.slug);
  const base = config.tasks.base || (await currentBranch(repo.root)) || 'main';
  const { addTaskWithStub, stubPathOf } = await import('../../core/tasks/stub-task.js');
  const stubRelative = stubPathOf(proposal.slug);
  const { task } = await addTaskWithStub(
    registry,
    { repo: repo.root, title: proposal.title, slug: proposal.slug, deps: proposal.deps, files: proposal.files, priority: proposal.priority, base, branchPattern: config.tasks.branch_pattern, knownAgents: Object.keys(config.agents) },
    stubMarkdown(proposal),
  );
  if (output.json) printJson(output, task);
  else output.out(`Added ${paint(output, 'bold', task.slug)} with its goal in ${stubRelative}.`);
  return 0;
}

interface ConversationContext {
  config: Awaited<ReturnType<Context['config']>>['config'];
  repo: { root: string; name: string };
  existing: readonly { slug: string; title: string }[];
  taken: ReadonlySet<string>;
}

/** The planner's conversation when an openai-kind planner answers; the same questions asked plainly otherwise. */
async function converse(ctx: Context, output: Output, ask: (q: string, fallback?: string) => Promise<string>, c: ConversationContext): Promise<TaskProposal> {
  const request = await ask('What should the agent do? (one paragraph)');
  if (!request) throw new CodexAgentError('usage', 'No description was given; nothing was added.');
  const planner = c.config.agents[c.config.roles.planner];
  if (planner?.kind === 'openai') {
    try {
      const proposal = await planWithAgent(
        { profile: planner, env: ctx.env, repoRoot: c.repo.root, repoName: c.repo.name, userPromptsDir: ctx.paths.userPrompts, existing: c.existing },
        request,
        (question) => ask(question),
      );
      const unknown = proposal.deps.filter((d) => !c.taken.has(d));
      if (unknown.length) output.err(paint(output, 'yellow', `The planner named unknown dependencies (${unknown.join(', ')}); they were left out.`));
      const slug = uniqueSlug(slugFromTitle(proposal.slug || proposal.title) || 'task', c.taken);
      return { ...proposal, slug, deps: proposal.deps.filter((d) => c.taken.has(d)) };
    } catch (err) {
      if (!(err instanceof CodexAgentError)) throw err;
      output.err(paint(output, 'yellow', `The planner could not help (${err.message.split('\n')[0]}); asking the questions myself.`));
    }
  } else {
    output.err(paint(output, 'dim', `(No openai-kind planner is configured — roles.planner is "${c.config.roles.planner}" — so no AI is used.)`));
  }
  const firstSentence = request.split(/(?<=[.!?])\s/)[0]!.slice(0, 72);
  const title = await ask('Title', firstSentence);
  const slug = await ask('Slug', uniqueSlug(slugFromTitle(title) || 'task', c.taken));
  const acceptance: string[] = [];
  for (;;) {
    const line = await ask(acceptance.length ? 'Another acceptance criterion (empty to finish)' : 'An acceptance criterion (empty to finish)', '');
    if (!line) break;
    acceptance.push(line);
  }
  const known = c.existing.map((t) => t.slug).join(', ') || 'none yet';
  const deps = splitList(await ask(`Dependencies, comma-separated (existing tasks: ${known})`, ''));
  const files = splitList(await ask('File scope: globs it will touch, comma-separated', ''));
  return { slug, title, goal: request, acceptance, deps, files };
}

/** `--editor`: the stub template in $VISUAL/$EDITOR; returns the fields, or undefined when the title was left empty. */
function editInEditor(ctx: Context): (TaskProposal & { priority?: Priority }) | undefined {
  const editor = (ctx.env.VISUAL || ctx.env.EDITOR || 'vi').trim();
  const dir = join(tmpdir(), `codex-agent-task-${process.pid}`);
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const file = join(dir, 'new-task.md');
  writeFileSync(file, editorTemplate());
  try {
    // "code --wait" style values: words split on spaces, no shell.
    const [command, ...args] = editor.split(/\s+/);
    const result = spawnSync(command!, [...args, file], { stdio: 'inherit', env: ctx.env });
    if (result.error || result.status !== 0) {
      throw new CodexAgentError('usage', `The editor (${editor}) ${result.error ? `could not start: ${result.error.message}` : `exited with ${result.status}`}; nothing was added.`, {
        hint: 'Set $EDITOR to an editor that waits until you close the file (e.g. "code --wait").',
      });
    }
    const { fields, body } = parseEditorStub(readFileSync(file, 'utf8'));
    if (!fields.title) return undefined;
    const priority = fields.priority || 'normal';
    if (!(PRIORITIES as readonly string[]).includes(priority)) throw new CodexAgentError('invalid-value', `Unknown priority "${priority}" in the stub.`, { hint: `Use one of: ${PRIORITIES.join(', ')}.` });
    return {
      title: fields.title,
      slug: fields.slug || slugFromTitle(fields.title),
      goal: body,
      acceptance: [],
      deps: splitList(fields.deps ?? ''),
      files: splitList(fields.files ?? ''),
      priority: priority as Priority,
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
