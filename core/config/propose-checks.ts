import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ProposedCheck } from './template.js';

/**
 * The check commands `init` proposes for `[[validate.checks]]`, from what the repo already has:
 * package.json scripts, Makefile targets, pyproject.toml tools, Cargo.toml and go.mod. The first
 * source to name a check wins (a Makefile `test` does not add a second `test`).
 */

/** package.json scripts worth running as checks, in the order they are proposed. */
const SCRIPT_NAMES = ['typecheck', 'type-check', 'lint', 'test'] as const;
/** Makefile targets worth running as checks. */
const MAKE_TARGETS = ['typecheck', 'lint', 'check', 'test'] as const;
/** npm's placeholder test script, which always fails. */
const NPM_PLACEHOLDER = /no test specified/;

function read(path: string): string | undefined {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return undefined;
  }
}

function packageManager(root: string): string {
  if (existsSync(join(root, 'pnpm-lock.yaml'))) return 'pnpm';
  if (existsSync(join(root, 'yarn.lock'))) return 'yarn';
  if (existsSync(join(root, 'bun.lockb')) || existsSync(join(root, 'bun.lock'))) return 'bun';
  return 'npm';
}

function fromPackageJson(root: string): ProposedCheck[] {
  const text = read(join(root, 'package.json'));
  if (!text) return [];
  let scripts: Record<string, unknown>;
  try {
    scripts = ((JSON.parse(text) as { scripts?: Record<string, unknown> }).scripts ?? {}) as Record<string, unknown>;
  } catch {
    return [];
  }
  const pm = packageManager(root);
  return SCRIPT_NAMES.filter((name) => typeof scripts[name] === 'string' && !NPM_PLACEHOLDER.test(scripts[name] as string)).map((name) => ({
    name: name === 'type-check' ? 'typecheck' : name,
    run: name === 'test' && pm === 'npm' ? ['npm', 'test'] : [pm, 'run', name],
    source: `package.json scripts.${name}`,
  }));
}

function fromMakefile(root: string): ProposedCheck[] {
  const text = read(join(root, 'Makefile')) ?? read(join(root, 'makefile'));
  if (!text) return [];
  const targets = new Set([...text.matchAll(/^([A-Za-z0-9_.-]+)\s*:(?!=)/gm)].map((m) => m[1]!));
  return MAKE_TARGETS.filter((t) => targets.has(t)).map((t) => ({ name: t, run: ['make', t], source: `Makefile target ${t}` }));
}

function fromPyproject(root: string): ProposedCheck[] {
  const text = read(join(root, 'pyproject.toml'));
  if (!text) return [];
  const out: ProposedCheck[] = [];
  if (/^\[tool\.mypy\]/m.test(text)) out.push({ name: 'typecheck', run: ['mypy', '.'], source: 'pyproject.toml [tool.mypy]' });
  if (/^\[tool\.ruff[\].]/m.test(text)) out.push({ name: 'lint', run: ['ruff', 'check', '.'], source: 'pyproject.toml [tool.ruff]' });
  if (/^\[tool\.pytest[\].]/m.test(text) || /\bpytest\b/.test(text)) out.push({ name: 'test', run: ['python', '-m', 'pytest'], source: 'pyproject.toml (pytest)' });
  return out;
}

function fromOthers(root: string): ProposedCheck[] {
  const out: ProposedCheck[] = [];
  if (existsSync(join(root, 'Cargo.toml'))) out.push({ name: 'test', run: ['cargo', 'test'], source: 'Cargo.toml' });
  if (existsSync(join(root, 'go.mod'))) {
    out.push({ name: 'vet', run: ['go', 'vet', './...'], source: 'go.mod' }, { name: 'test', run: ['go', 'test', './...'], source: 'go.mod' });
  }
  return out;
}

/** The checks to propose for the repo at `root`, one per name. */
export function proposeChecks(root: string): ProposedCheck[] {
  const seen = new Set<string>();
  const out: ProposedCheck[] = [];
  for (const check of [...fromPackageJson(root), ...fromMakefile(root), ...fromPyproject(root), ...fromOthers(root)]) {
    if (seen.has(check.name)) continue;
    seen.add(check.name);
    out.push(check);
  }
  return out;
}
