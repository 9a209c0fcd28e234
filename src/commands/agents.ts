import { existsSync } from 'node:fs';
import { ROLES } from '../../core/config/schema.js';
import { templateCandidates } from '../../core/prompts/template.js';
import type { Context } from '../context.js';
import { paint, printJson, renderTable, type Output } from '../output.js';

/** `codex-agent agents`: roles, profiles, and the instruction files in effect, with where each comes from. */
export async function agentsCommand(ctx: Context, output: Output): Promise<number> {
  const repo = await ctx.repo();
  const { config, origins } = await ctx.config();
  const roles = ROLES.map((role) => {
    const candidates = templateCandidates(role, repo?.root, ctx.paths.userPrompts);
    const template = candidates.find((c) => existsSync(c.path)) ?? candidates[candidates.length - 1]!;
    return { role, profile: config.roles[role], from: origins[`roles.${role}`]?.source ?? 'default', template: template.path, templateSource: template.source };
  });
  const profiles = Object.entries(config.agents).map(([name, p]) => ({
    name,
    kind: p.kind,
    command: p.command ?? (p.kind === 'codex' || p.kind === 'claude' ? p.kind : p.kind === 'openai' ? '(API)' : '-'),
    model: p.model ?? '(agent default)',
    fallback: p.fallback,
    env: p.env,
    usedBy: ROLES.filter((r) => config.roles[r] === name),
  }));
  const instructions: { path: string; note: string }[] = [];
  if (repo) {
    for (const [file, note] of [
      ['AGENTS.md', 'read by Codex itself; copied into the prompt for the other kinds'],
      ['CLAUDE.md', 'read by Claude Code itself'],
    ] as const) {
      const path = `${repo.root}/${file}`;
      if (existsSync(path)) instructions.push({ path, note });
    }
  }
  if (output.json) {
    printJson(output, { roles, profiles, instructions });
    return 0;
  }
  output.out(paint(output, 'bold', 'Roles'));
  output.out(
    renderTable(output, roles, [
      { header: 'ROLE', value: (r) => r.role },
      { header: 'PROFILE', value: (r) => r.profile },
      { header: 'SET BY', value: (r) => r.from },
      { header: 'PROMPT TEMPLATE', value: (r) => `${r.template} (${r.templateSource})`, flexible: true },
    ]),
  );
  output.out(`\n${paint(output, 'bold', 'Profiles')}`);
  output.out(
    renderTable(output, profiles, [
      { header: 'NAME', value: (p) => p.name },
      { header: 'KIND', value: (p) => p.kind },
      { header: 'COMMAND', value: (p) => p.command },
      { header: 'MODEL', value: (p) => p.model },
      { header: 'FALLBACK', value: (p) => p.fallback.join(',') || '-' },
      { header: 'ROLES', value: (p) => p.usedBy.join(',') || '-', flexible: true },
    ]),
  );
  output.out(`\n${paint(output, 'bold', 'Instruction files')}`);
  if (instructions.length === 0) output.out(repo ? '  none (add an AGENTS.md at the repo root to give every agent standing instructions)' : '  (not inside a repo)');
  for (const i of instructions) output.out(`  ${i.path} — ${i.note}`);
  return 0;
}
