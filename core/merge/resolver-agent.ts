/**
 * The `resolver` role: one conflicted file at a time, with base/ours/theirs, the surrounding code
 * and both sides' goals. An openai-kind profile replies with the file's content (zod-checked); a
 * CLI agent (codex, claude, command) edits the file in the worktree. Nothing here commits or
 * judges the result — resolve.ts checks everything before it commits.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { z } from 'zod';
import { buildAgentInvocation, createStreamParser, type ProcessAgentKind } from '../agents/adapter.js';
import { agentEnvironment } from '../agents/env.js';
import type { AgentProfile } from '../config/schema.js';
import { loadTemplate, renderTemplate } from '../prompts/template.js';
import { startAgentProcess } from '../runs/agent-process.js';

/** One side of the merge, as the resolver is told about it. */
export interface MergeSide {
  branch: string;
  title: string;
  goal: string;
}

/** A conflicted file: its text with diff3 markers (null when deleted) and the three index versions. */
export interface ConflictedFile {
  path: string;
  text: string | null;
  base: string | null;
  ours: string | null;
  theirs: string | null;
}

export interface ResolverRequest {
  profileName: string;
  profile: AgentProfile;
  worktree: string;
  repoRoot: string;
  userPromptsDir: string;
  ours: MergeSide;
  theirs: MergeSide;
  file: ConflictedFile;
  env: NodeJS.ProcessEnv;
  timeoutMs: number;
  graceMs: number;
  signal?: AbortSignal;
}

/** What the resolver did with one file; `error` says why it did not. */
export interface ResolverOutcome {
  path: string;
  ok: boolean;
  error?: string;
}

/** Longest text of one version put into a prompt; longer files are cut with a note. */
const MAX_VERSION_CHARS = 40_000;

const cut = (text: string | null) =>
  text === null ? '(absent: deleted on this side)' : text.length > MAX_VERSION_CHARS ? `${text.slice(0, MAX_VERSION_CHARS)}\n… (cut at ${MAX_VERSION_CHARS} characters)` : text;

const INSTRUCTIONS = {
  edit: 'Edit the file in place in this worktree so that it holds the resolved content. Do not stage, commit or run any other git command.',
  reply: 'Reply with the complete resolved content of the file.',
};

/** The resolver prompt for one file, from the role's template (repo, user or shipped). */
export function resolverPrompt(request: Pick<ResolverRequest, 'repoRoot' | 'userPromptsDir' | 'ours' | 'theirs' | 'file'>, mode: keyof typeof INSTRUCTIONS): string {
  const { file } = request;
  const conflict = [
    `The file as git left it (diff3 markers: ours, then ||||||| base, then ======= theirs):\n\`\`\`\n${cut(file.text)}\n\`\`\``,
    `Base version (common ancestor):\n\`\`\`\n${cut(file.base)}\n\`\`\``,
    `Our version (${request.ours.branch}):\n\`\`\`\n${cut(file.ours)}\n\`\`\``,
    `Their version (${request.theirs.branch}):\n\`\`\`\n${cut(file.theirs)}\n\`\`\``,
  ].join('\n\n');
  const template = loadTemplate('resolver', request.repoRoot, request.userPromptsDir);
  return renderTemplate(template, {
    file: file.path,
    'ours.branch': request.ours.branch,
    'ours.title': request.ours.title,
    'ours.goal': request.ours.goal,
    'theirs.branch': request.theirs.branch,
    'theirs.title': request.theirs.title,
    'theirs.goal': request.theirs.goal,
    conflict,
    instructions: INSTRUCTIONS[mode],
  });
}

const resolvedFileSchema = z.object({
  path: z.string().describe('The path of the file, as given.'),
  content: z.string().describe('The complete resolved content of the file, with no conflict markers.'),
});

/** Asks the resolver about one file; the file in the worktree holds its answer afterwards. */
export async function resolveFileWithAgent(request: ResolverRequest): Promise<ResolverOutcome> {
  const { profile, file } = request;
  if (profile.kind === 'openai') {
    const { structuredReply } = await import('../agents/openai.js');
    try {
      const reply = await structuredReply({
        profile,
        env: request.env,
        system: 'You resolve git merge conflicts. You keep the intent of both sides and never leave conflict markers.',
        user: resolverPrompt(request, 'reply'),
        schema: resolvedFileSchema,
        schemaName: 'resolved_file',
        timeoutMs: request.timeoutMs,
        signal: request.signal,
      });
      await writeFile(join(request.worktree, file.path), reply.value.content);
      return { path: file.path, ok: true };
    } catch (err) {
      return { path: file.path, ok: false, error: err instanceof Error ? err.message : String(err) };
    }
  }
  const prompt = resolverPrompt(request, 'edit');
  const scratch = mkdtempSync(join(tmpdir(), 'codex-agent-resolve-'));
  try {
    const promptFile = join(scratch, 'prompt.md');
    writeFileSync(promptFile, prompt, { mode: 0o600 });
    const invocation = buildAgentInvocation(profile, { prompt, cwd: request.worktree, promptFile, outputFile: join(scratch, 'last-message.txt') });
    const parser = createStreamParser(profile.kind as ProcessAgentKind);
    const agent = startAgentProcess({
      command: invocation.command,
      args: invocation.args,
      cwd: request.worktree,
      env: { ...agentEnvironment(profile.kind, profile.env, request.env), ...invocation.env },
      input: invocation.stdin,
      timeoutMs: request.timeoutMs,
      graceMs: request.graceMs,
      signal: request.signal,
      onStdoutLine: (line) => void parser.push(line),
    });
    const exit = await agent.done;
    parser.finish({ code: exit.code, signal: exit.signal, timedOut: exit.timedOut, cancelled: exit.cancelled });
    if (exit.spawnError) return { path: file.path, ok: false, error: `could not start ${invocation.command}: ${exit.spawnError.message}` };
    if (exit.timedOut) return { path: file.path, ok: false, error: `the resolver (${request.profileName}) timed out after ${Math.round(request.timeoutMs / 1000)} s` };
    if (exit.cancelled) return { path: file.path, ok: false, error: 'the resolver was stopped' };
    const outcome = parser.outcome();
    return outcome.ok ? { path: file.path, ok: true } : { path: file.path, ok: false, error: `the resolver (${request.profileName}) failed: ${outcome.message}` };
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}
