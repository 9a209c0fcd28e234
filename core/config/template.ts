import { stringify as stringifyToml } from 'smol-toml';
import { configKeys, envNameOf, type ConfigKey } from './keys.js';
import { defaultConfig } from './schema.js';

/** A check `init` found in the repo (package.json scripts, Makefile targets, pyproject). */
export interface ProposedCheck {
  name: string;
  run: string[];
  /** Where it was found, e.g. "package.json scripts.test". */
  source: string;
}

/**
 * An array of tables (only `[[validate.checks]]` so far): a commented example, then the checks
 * `init` found in the repo, written active — each with the line it came from — so validation does
 * something useful from the start; deleting a block turns that check off.
 */
function arrayOfTables(key: ConfigKey, proposed: readonly ProposedCheck[]): string[] {
  const header = `[[${key.path}]]`;
  const out = [`# For example:`, `# ${header}`, '# name = "test"', '# run = ["npm", "test"]', '# timeout = "4m"', '# required = true', ''];
  if (proposed.length === 0) return out;
  out.push('# Proposed by `codex-agent init` from what it found in this repository (active; edit or delete):');
  for (const check of proposed) out.push(header, `# from ${check.source}`, `name = ${render(check.name)}`, `run = ${render(check.run)}`, '');
  return out;
}

function render(value: unknown): string {
  return stringifyToml({ v: value }).trim().replace(/^v = /, '');
}

function describeKey(key: ConfigKey): string[] {
  const lines = [`# ${key.description}`];
  if (key.values) lines.push(`# One of: ${key.values.join(', ')}.`);
  const env = envNameOf(key);
  if (env) lines.push(`# Environment: ${env}`);
  return lines;
}

/**
 * The repo config that `init` writes: every key with its description, its default commented out,
 * so the file documents itself and a default changed in a later version still applies.
 */
export function configTemplate(options: { proposedChecks?: readonly ProposedCheck[] } = {}): string {
  const out: string[] = [
    '# codex-agent configuration for this repository (committed; shared by everyone who works on it).',
    '# Personal overrides go in config.local.toml beside this file (git-ignored).',
    '# Precedence: command-line flag > CODEX_AGENT_* environment > config.local.toml > this file >',
    '#   ~/.config/codex-agents/config.toml > the defaults shown here.',
    '# Every key below is commented out at its default: uncomment a line to change it, or run',
    '#   codex-agent config set KEY VALUE',
    '',
  ];
  let table = '';
  for (const key of configKeys()) {
    if (key.path.startsWith('agents.')) continue;
    const parts = key.path.split('.');
    const keyTable = parts.slice(0, -1).join('.');
    if (keyTable !== table) {
      table = keyTable;
      out.push(`[${table}]`);
    }
    out.push(...describeKey(key));
    if (key.kind === 'table[]') {
      out.push(...arrayOfTables(key, options.proposedChecks ?? []));
      continue;
    }
    out.push(`# ${parts[parts.length - 1]} = ${render(key.defaultValue)}`, '');
  }
  out.push('# Agent profiles. A role (above) names a profile; a profile says how to run the agent.');
  out.push('# Keys of a profile:');
  for (const key of configKeys().filter((k) => k.path.startsWith('agents.'))) {
    out.push(`#   ${key.path.split('.').pop()}: ${key.description}`);
  }
  out.push('# The built-in profiles, shown as they are by default:');
  const agents = defaultConfig().agents;
  for (const [name, profile] of Object.entries(agents)) {
    out.push(`# [agents.${name}]`);
    for (const [field, value] of Object.entries(profile)) {
      if (Array.isArray(value) && value.length === 0) continue;
      out.push(`# ${field} = ${render(value)}`);
    }
    out.push('');
  }
  return out.join('\n');
}
