import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { CodexAgentError } from '../errors.js';
import type { Task } from '../task.js';
import { loadTemplate, renderTemplate, type PromptTemplate } from './template.js';

/** An instruction file that shapes what an agent does, and how it reaches the agent. */
export interface InstructionFile {
  path: string;
  /** `prompt`: copied into the prompt; `native`: the agent reads it itself (Codex reads AGENTS.md). */
  via: 'prompt' | 'native';
}

export interface WorkerPrompt {
  text: string;
  template: PromptTemplate;
  instructions: InstructionFile[];
}

/** AGENTS.md is capped like Codex caps it, so one huge file cannot crowd out the task. */
const AGENTS_MD_MAX = 32 * 1024;

/** The goal text: inline, or read from the task's stub file in the main checkout. */
export function taskGoal(task: Task): string {
  if (task.goal) return task.goal;
  if (task.goalFile) {
    const path = join(task.repo, task.goalFile);
    try {
      return readFileSync(path, 'utf8').trim();
    } catch {
      throw new CodexAgentError('invalid-value', `The goal file of ${task.slug} (${path}) cannot be read.`, {
        hint: `Restore it, or set the goal inline: codex-agent task edit ${task.slug} --goal "…"`,
      });
    }
  }
  return `(No goal was written beyond the title: "${task.title}". Do what the title says.)`;
}

/** The `{{task.*}}` placeholders every role's template can use. */
export function taskPlaceholders(task: Task): Record<string, string> {
  return {
    'task.title': task.title,
    'task.slug': task.slug,
    'task.goal': taskGoal(task),
    'task.files': task.files.length ? task.files.join(', ') : '(not limited)',
    'task.branch': task.branch,
    'task.base': task.base,
  };
}

/** The repo's AGENTS.md, looked up in the worktree first (the agent's view), then the main checkout. */
export function findAgentsMd(task: Task, worktree: string | undefined): string | undefined {
  for (const dir of [worktree, task.repo]) {
    if (dir && existsSync(join(dir, 'AGENTS.md'))) return join(dir, 'AGENTS.md');
  }
  return undefined;
}

/**
 * The worker's prompt from the role's template (repo override, user override or shipped), the
 * task, its finished dependencies' summaries and the repo's AGENTS.md.
 */
export function buildWorkerPrompt(options: {
  task: Task;
  worktree: string;
  kind: string;
  userPromptsDir: string;
  /** Summaries of finished dependencies, by slug. */
  dependencySummaries: Record<string, string | undefined>;
}): WorkerPrompt {
  const { task, worktree, kind } = options;
  const template = loadTemplate('worker', task.repo, options.userPromptsDir);
  const agentsMd = findAgentsMd(task, worktree);
  const instructions: InstructionFile[] = [];
  let agentsText = '(none)';
  if (agentsMd) {
    if (kind === 'codex') {
      instructions.push({ path: agentsMd, via: 'native' });
      agentsText = '(Codex reads AGENTS.md itself.)';
    } else {
      instructions.push({ path: agentsMd, via: 'prompt' });
      agentsText = readFileSync(agentsMd, 'utf8').slice(0, AGENTS_MD_MAX).trim();
    }
  }
  const deps = task.deps.length
    ? task.deps.map((slug) => `- ${slug}: ${options.dependencySummaries[slug]?.trim() || '(done; no summary recorded)'}`).join('\n')
    : '(none)';
  const text = renderTemplate(template, {
    ...taskPlaceholders(task),
    'task.dependencies': deps,
    'repo.name': task.repo.split('/').pop() ?? task.repo,
    worktree,
    agents_md: agentsText,
  });
  return { text, template, instructions };
}
