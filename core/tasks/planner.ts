import { z } from 'zod';
import type { AgentProfile } from '../config/schema.js';
import { structuredReply } from '../agents/openai.js';
import { renderTemplate, loadTemplate } from '../prompts/template.js';
import { slugFromTitle } from '../names.js';
import type { Task } from '../task.js';

/** What the planner proposes for a new task. */
export const proposalSchema = z.strictObject({
  slug: z.string(),
  title: z.string().min(1),
  goal: z.string().min(1),
  acceptance: z.array(z.string()),
  deps: z.array(z.string()),
  files: z.array(z.string()),
});
export type TaskProposal = z.infer<typeof proposalSchema>;

/** One planner turn: questions to ask first, or a proposal. */
export const plannerReplySchema = z.strictObject({
  questions: z.array(z.string()).describe('Clarifying questions; empty when the proposal is ready.'),
  proposal: proposalSchema.nullable().describe('The task, once nothing needs asking.'),
});
export type PlannerReply = z.infer<typeof plannerReplySchema>;

/** Rounds of questions before the planner must propose (the issue: "at most a few rounds"). */
export const MAX_QUESTION_ROUNDS = 3;

export interface PlannerSession {
  profile: AgentProfile;
  env: NodeJS.ProcessEnv;
  repoRoot: string;
  repoName: string;
  userPromptsDir: string;
  existing: readonly Pick<Task, 'slug' | 'title'>[];
}

/**
 * Runs the planner conversation: the request, then up to MAX_QUESTION_ROUNDS rounds of clarifying
 * questions answered through `ask`, then a proposal. The last round insists on a proposal.
 */
export async function planWithAgent(session: PlannerSession, request: string, ask: (question: string) => Promise<string>): Promise<TaskProposal> {
  const template = loadTemplate('planner', session.repoRoot, session.userPromptsDir);
  const tasks = session.existing.length ? session.existing.map((t) => `${t.slug}: ${t.title}`).join('; ') : '(none)';
  const base = renderTemplate(template, { 'repo.name': session.repoName, tasks, request });
  const transcript: string[] = [];
  for (let round = 0; ; round++) {
    const last = round >= MAX_QUESTION_ROUNDS;
    const user = [base, ...transcript, last ? 'Do not ask more questions: propose the task now.' : 'Ask clarifying questions only if you need them; otherwise propose the task.'].join('\n\n');
    const { value } = await structuredReply({
      profile: session.profile,
      env: session.env,
      system: 'You turn a developer\'s request into a well-scoped task for an AI coding agent. Reply in JSON only.',
      user,
      schema: plannerReplySchema,
      schemaName: 'planner_reply',
    });
    if (value.proposal && (value.questions.length === 0 || last)) return value.proposal;
    if (value.questions.length === 0 || last) {
      throw new Error('The planner gave neither questions nor a proposal.');
    }
    const answers: string[] = [];
    for (const question of value.questions) answers.push(`Q: ${question}\nA: ${await ask(question)}`);
    transcript.push(answers.join('\n'));
  }
}

/** The stub file's Markdown for a task: the goal, then its acceptance criteria. */
export function stubMarkdown(proposal: Pick<TaskProposal, 'title' | 'goal' | 'acceptance'>): string {
  const criteria = proposal.acceptance.length ? `\n\n## Acceptance criteria\n\n${proposal.acceptance.map((a) => `- ${a}`).join('\n')}` : '';
  return `# ${proposal.title}\n\n${proposal.goal.trim()}${criteria}\n`;
}

/** The template `task add --editor` opens: front matter for the fields, the goal below. */
export function editorTemplate(title = ''): string {
  return `---
title: ${title}
slug: ${title ? slugFromTitle(title) : ''}
deps:
files:
priority: normal
---
<!-- Describe what the agent should do: everything below the front matter becomes the task's goal
     (.codex-agent/tasks/<slug>.md). deps and files are comma-separated. Leave the title empty to
     add nothing. This comment is dropped. -->


## Acceptance criteria

- 
`;
}

/** Reads the file `--editor` produced: front-matter fields and the goal body. */
export function parseEditorStub(text: string): { fields: Record<string, string>; body: string } {
  const match = /^---\r?\n([\s\S]*?)\r?\n---\r?\n?([\s\S]*)$/.exec(text);
  if (!match) return { fields: {}, body: text.trim() };
  const fields: Record<string, string> = {};
  for (const line of match[1]!.split(/\r?\n/)) {
    const kv = /^([a-z_]+):\s*(.*)$/.exec(line.trim());
    if (kv) fields[kv[1]!] = kv[2]!.trim();
  }
  return { fields, body: match[2]!.replace(/<!--[\s\S]*?-->/g, '').trim() };
}
