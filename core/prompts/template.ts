import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CodexAgentError } from '../errors.js';
import { REPO_PROMPTS_DIR } from '../paths.js';
import type { Role } from '../config/schema.js';

/** Where a role's template comes from, in lookup order (DESIGN §3). */
export type TemplateSource = 'repo' | 'user' | 'shipped';

export interface PromptTemplate {
  role: Role;
  source: TemplateSource;
  path: string;
  text: string;
}

let packageRoot: string | undefined;

/** The installed package's root, found by walking up to its package.json (works from src and dist). */
export function shippedRoot(): string {
  if (packageRoot) return packageRoot;
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const pkg = join(dir, 'package.json');
    if (existsSync(pkg) && (JSON.parse(readFileSync(pkg, 'utf8')) as { name?: string }).name === 'codex-agents') return (packageRoot = dir);
    const parent = dirname(dir);
    if (parent === dir) throw new CodexAgentError('io', 'Cannot find the codex-agent installation (package.json).');
    dir = parent;
  }
}

/** The candidate template files of a role, highest precedence first. */
export function templateCandidates(role: Role, repoRoot: string | undefined, userPromptsDir: string): { source: TemplateSource; path: string }[] {
  return [
    ...(repoRoot ? [{ source: 'repo' as const, path: join(repoRoot, REPO_PROMPTS_DIR, `${role}.md`) }] : []),
    { source: 'user', path: join(userPromptsDir, `${role}.md`) },
    { source: 'shipped', path: join(shippedRoot(), 'prompts', `${role}.md`) },
  ];
}

/** The template in effect for a role: the repo's override, else the user's, else the shipped one. */
export function loadTemplate(role: Role, repoRoot: string | undefined, userPromptsDir: string): PromptTemplate {
  for (const candidate of templateCandidates(role, repoRoot, userPromptsDir)) {
    if (existsSync(candidate.path)) return { role, ...candidate, text: readFileSync(candidate.path, 'utf8') };
  }
  throw new CodexAgentError('io', `No prompt template for the ${role} role.`, { hint: 'Reinstall codex-agent: its prompts/ folder is missing.' });
}

const PLACEHOLDER = /\{\{\s*([A-Za-z0-9_.]+)\s*\}\}/g;

/**
 * Fills `{{name}}` placeholders. An unknown placeholder is an error naming the template file, so
 * a typo in an override is caught before an agent is started with a broken prompt.
 */
export function renderTemplate(template: Pick<PromptTemplate, 'path' | 'text'>, values: Record<string, string>): string {
  const unknown = new Set<string>();
  const text = template.text.replace(PLACEHOLDER, (_, name: string) => {
    if (!(name in values)) {
      unknown.add(name);
      return '';
    }
    return values[name]!;
  });
  if (unknown.size > 0) {
    throw new CodexAgentError('invalid-value', `${template.path} uses unknown placeholder${unknown.size > 1 ? 's' : ''} ${[...unknown].map((n) => `{{${n}}}`).join(', ')}.`, {
      hint: `Known placeholders: ${Object.keys(values).map((n) => `{{${n}}}`).join(', ')}.`,
    });
  }
  return text;
}
