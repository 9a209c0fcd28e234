import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { writeFileAtomically } from '../atomic-file.js';
import { REPO_CONFIG_DIR, REPO_CONFIG_FILE, REPO_LOCAL_CONFIG_FILE, REPO_PROMPTS_DIR } from '../paths.js';
import { proposeChecks } from './propose-checks.js';
import { configTemplate, type ProposedCheck } from './template.js';

/** What `init` did (or found already done) for each thing it sets up. */
export interface InitStep {
  path: string;
  action: 'created' | 'updated' | 'unchanged';
  what: string;
}

export interface InitResult {
  repoRoot: string;
  steps: InitStep[];
  /** True when nothing had to be done. */
  alreadyInitialized: boolean;
  /** Checks found in the repo and written, active, into a new config as [[validate.checks]]. */
  proposedChecks: ProposedCheck[];
}

const PROMPTS_README = `# Prompt overrides

A file here named after an agent role replaces the shipped template for that role in this repo:
\`worker.md\`, \`validator.md\`, \`resolver.md\`, \`planner.md\`. Templates are Markdown with
{{placeholders}} (for example {{task.title}}, {{task.goal}}, {{task.files}}).

Lookup order: this folder, then ~/.config/codex-agents/prompts/, then the templates shipped with
codex-agent. \`codex-agent agents\` shows which file is in effect for each role.
`;

const IGNORE_LINE = `/${REPO_LOCAL_CONFIG_FILE.split('\\').join('/')}`;

/**
 * Sets a repo up for codex-agent: the commented config file, the prompt overrides folder and the
 * git-ignore line for the personal config. Idempotent: existing files are never overwritten.
 */
export async function initRepo(repoRoot: string): Promise<InitResult> {
  const steps: InitStep[] = [];
  mkdirSync(join(repoRoot, REPO_CONFIG_DIR), { recursive: true });

  const configPath = join(repoRoot, REPO_CONFIG_FILE);
  let proposedChecks: ProposedCheck[] = [];
  if (existsSync(configPath)) steps.push({ path: configPath, action: 'unchanged', what: 'repo config (kept as it is)' });
  else {
    proposedChecks = proposeChecks(repoRoot);
    writeFileAtomically(configPath, configTemplate({ proposedChecks }), 0o644);
    steps.push({ path: configPath, action: 'created', what: 'repo config with every key and its default' });
  }

  const promptsDir = join(repoRoot, REPO_PROMPTS_DIR);
  const promptsReadme = join(promptsDir, 'README.md');
  if (existsSync(promptsReadme)) steps.push({ path: promptsReadme, action: 'unchanged', what: 'prompt overrides folder' });
  else {
    mkdirSync(promptsDir, { recursive: true });
    writeFileSync(promptsReadme, PROMPTS_README, { flag: 'wx' });
    steps.push({ path: promptsReadme, action: 'created', what: 'prompt overrides folder, with a README on how overrides work' });
  }

  const gitignore = join(repoRoot, '.gitignore');
  const current = existsSync(gitignore) ? readFileSync(gitignore, 'utf8') : undefined;
  const ignored = current?.split(/\r?\n/).some((line) => {
    const l = line.trim();
    return l === IGNORE_LINE || l === IGNORE_LINE.slice(1);
  });
  if (ignored) steps.push({ path: gitignore, action: 'unchanged', what: `.gitignore entry for ${REPO_LOCAL_CONFIG_FILE} (already there)` });
  else {
    const prefix = current === undefined || current === '' || current.endsWith('\n') ? (current ?? '') : `${current}\n`;
    writeFileAtomically(gitignore, `${prefix}# codex-agent: personal config overrides\n${IGNORE_LINE}\n`, 0o644);
    steps.push({ path: gitignore, action: current === undefined ? 'created' : 'updated', what: `.gitignore entry for ${REPO_LOCAL_CONFIG_FILE} (personal config stays out of git)` });
  }

  return { repoRoot, steps, alreadyInitialized: steps.every((s) => s.action === 'unchanged'), proposedChecks };
}
