import { existsSync } from 'node:fs';
import { isAbsolute, relative, resolve, sep } from 'node:path';
import { CodexAgentError } from '../../core/errors.js';
import type { Priority, TaskTimeouts } from '../../core/task.js';

/** The options `task add` and `task edit` share, as commander gives them. */
export interface TaskFieldOptions {
  slug?: string;
  goal?: string;
  goalFile?: string;
  deps?: string;
  priority?: string;
  labels?: string;
  owner?: string;
  agent?: string;
  base?: string;
  files?: string[];
  retries?: string;
  timeout?: string;
  verifyTimeout?: string;
  json?: boolean;
}

/** Splits a comma-separated list, leaving commas inside `{…}` (glob alternatives) alone. */
export function splitList(text: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let current = '';
  for (const ch of text) {
    if (ch === '{') depth++;
    if (ch === '}') depth = Math.max(0, depth - 1);
    if (ch === ',' && depth === 0) {
      out.push(current);
      current = '';
    } else current += ch;
  }
  out.push(current);
  return out.map((s) => s.trim()).filter(Boolean);
}

export function parseRetries(text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const n = Number(text);
  if (!/^\d+$/.test(text.trim()) || !Number.isInteger(n)) {
    throw new CodexAgentError('invalid-value', `--retries expects a whole number, got "${text}".`);
  }
  return n;
}

export function parseTimeouts(options: TaskFieldOptions): TaskTimeouts | undefined {
  if (options.timeout === undefined && options.verifyTimeout === undefined) return undefined;
  return {
    ...(options.timeout !== undefined ? { execution: options.timeout } : {}),
    ...(options.verifyTimeout !== undefined ? { verification: options.verifyTimeout } : {}),
  };
}

/**
 * A goal file given on the command line, as a path relative to the repo root. It must exist and
 * be inside the repo, since agents read it from their worktree.
 */
export function repoRelativeGoalFile(file: string, cwd: string, repoRoot: string): string {
  const absolute = resolve(cwd, file);
  if (!existsSync(absolute)) {
    throw new CodexAgentError('invalid-value', `Goal file ${absolute} does not exist.`, { hint: 'Create it first, or give the goal inline with --goal.' });
  }
  const rel = relative(repoRoot, absolute);
  if (rel === '' || rel.startsWith('..') || isAbsolute(rel)) {
    throw new CodexAgentError('invalid-value', `Goal file ${absolute} is outside the repo ${repoRoot}.`, {
      hint: 'Agents read the goal from their worktree: put the file in the repo (e.g. .codex-agent/tasks/<slug>.md), or pass its text with --goal.',
    });
  }
  return rel.split(sep).join('/');
}

export function asPriority(text: string | undefined): Priority | undefined {
  return text as Priority | undefined;
}
