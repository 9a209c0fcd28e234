import { z } from 'zod';
import { DURATION_PATTERN } from '../duration.js';
import { branchNameProblem } from '../names.js';
import { validateSchema } from './validate-schema.js';

/**
 * The configuration schema: every key, its type, its default and its description. `init` writes
 * it out as the commented config file, `config` reports against it, and the README's reference is
 * generated from it, so none of them can drift.
 */

const duration = (fallback: string, description: string) =>
  z.string().regex(DURATION_PATTERN, 'a duration such as "90s", "8m" or "1h"').default(fallback).describe(description);

const branchPattern = z
  .string()
  .refine((p) => p.includes('{slug}'), 'must contain {slug}')
  .refine((p) => branchNameProblem(p.replaceAll('{slug}', 'x')) === undefined, {
    error: (issue) => `is not a safe branch name: ${branchNameProblem(String(issue.input).replaceAll('{slug}', 'x'))}`,
  });

export const AGENT_KINDS = ['codex', 'claude', 'command', 'openai'] as const;
export const ROLES = ['worker', 'validator', 'resolver', 'planner'] as const;
export type Role = (typeof ROLES)[number];

export const agentProfileSchema = z.strictObject({
  kind: z.enum(AGENT_KINDS).describe('How the agent runs: codex, claude, command (any CLI) or openai (an OpenAI-compatible API).'),
  command: z.string().min(1).optional().describe('The executable to start (kinds codex, claude, command); defaults to "codex" or "claude".'),
  model: z.string().min(1).optional().describe('The model to ask for; the agent\'s own default when unset.'),
  args: z.array(z.string()).default([]).describe('Extra arguments for the agent; for kind command, {prompt} and {prompt_file} are replaced.'),
  env: z.array(z.string()).default([]).describe('Names of environment variables passed to the agent besides the basic ones (PATH, HOME, …).'),
  base_url: z.string().url().optional().describe('Kind openai: the API base URL (OpenAI, Ollama, vLLM, LM Studio).'),
  api_key_env: z.string().optional().describe('Kind openai: the environment variable holding the API key.'),
  permission_mode: z.string().optional().describe('Kind claude: the --permission-mode to use.'),
  timeout: z.string().regex(DURATION_PATTERN, 'a duration such as "90s", "8m" or "1h"').optional().describe('The execution timeout for this profile; overrides timeouts.execution.'),
  fallback: z.array(z.string()).default([]).describe('Profiles tried in order when this one cannot run at all (not when the task fails).'),
});
export type AgentProfile = z.infer<typeof agentProfileSchema>;

/** The structure of a config file or of the merged configuration, without cross-references. */
export const configShapeSchema = z
  .strictObject({
    tasks: z
      .strictObject({
        base: z.string().default('').describe('Base branch of new tasks; empty means the branch checked out in the main worktree when the task is added.'),
        branch_pattern: branchPattern.default('codex/{slug}').describe('The branch name of a task; {slug} is replaced by its slug.'),
        retries: z.number().int().min(0).max(20).default(2).describe('How often a transient failure (crash, API error, timeout) is retried.'),
        backoff: duration('5s', 'How long the first retry waits; each further retry waits about twice as long, with jitter.'),
      })
      .prefault({})
      .describe('Defaults for new tasks.'),
    timeouts: z
      .strictObject({
        execution: duration('8m', 'How long an agent may work on a task before it is stopped.'),
        verification: duration('4m', 'How long validation (checks and review) may take.'),
        grace: duration('5s', 'How long a stopped agent gets between SIGTERM and SIGKILL.'),
      })
      .prefault({})
      .describe('Timeouts per run phase; a task or an agent profile may override them.'),
    worktree: z
      .strictObject({
        root: z.string().default('').describe('Folder for task worktrees; empty means <repo>/../<repo-name>.worktrees (same filesystem, so copy-on-write works).'),
        hydrate: z
          .array(z.string())
          .default(['node_modules', '.env', '.env.local', '.venv', 'vendor/bundle', '.next/cache', '.turbo'])
          .describe('Untracked paths copied (copy-on-write) from the main checkout into a new worktree, where they exist.'),
        setup: z.array(z.string()).default([]).describe('Commands run in a new worktree after hydration, e.g. "npm ci --prefer-offline".'),
      })
      .prefault({})
      .describe('Task worktrees.'),
    manager: z
      .strictObject({
        max_parallel: z.number().int().min(1).max(64).default(4).describe('How many agents run at once.'),
        // --- manager (issue 5) ---
        start_after: z
          .enum(['done', 'review'])
          .default('done')
          .describe('When the supervisor starts a task whose dependencies it ran: once they are done (completed), or already once they reach review.'),
        linger: duration('10m', 'How long the supervisor keeps watching, with nothing to run, while waiting tasks depend on tasks in review.'),
        // --- end manager ---
      })
      .prefault({})
      .describe('Planning and launching.'),
    merge: z
      .strictObject({
        strategy: z.enum(['merge', 'no-ff', 'squash']).default('merge').describe('How a task is merged into its base: merge (fast-forward when possible), no-ff (always a merge commit) or squash.'),
        verify: z
          .array(z.string())
          .default([])
          .describe('Commands run in the task worktree (sh -c) before a resolved merge is committed, e.g. "npm test"; any failure aborts the merge.'),
      })
      .prefault({})
      .describe('Merging finished tasks.'),
    // --- validation (issue 7) ---
    validate: validateSchema.prefault({}).describe('Validation of finished work: checks, policies on the diff and the AI review (task validate).'),
    // --- end validation ---
    // --- dashboard (issue 8) ---
    ui: z
      .strictObject({
        bell: z.boolean().default(true).describe('Ring the terminal bell when a task needs you (it became stuck or failed) while the dashboard is open.'),
      })
      .prefault({})
      .describe('The dashboard (status --tui).'),
    // --- end dashboard ---
    roles: z
      .strictObject({
        worker: z.string().default('codex').describe('The agent profile that does the tasks.'),
        validator: z.string().default('codex').describe('The agent profile that reviews finished work.'),
        resolver: z.string().default('codex').describe('The agent profile that resolves merge conflicts.'),
        planner: z.string().default('codex').describe('The agent profile that helps write tasks (task add -i).'),
      })
      .prefault({})
      .describe('Which agent profile plays each role.'),
    agents: z
      .record(z.string().regex(/^[A-Za-z0-9][A-Za-z0-9_-]*$/, 'a profile name of letters, digits, "-" and "_"'), agentProfileSchema)
      .default({
        codex: { kind: 'codex', args: [], env: [], fallback: [] },
        claude: { kind: 'claude', permission_mode: 'acceptEdits', args: [], env: [], fallback: [] },
      })
      .describe('Agent profiles by name.'),
  });

/** The merged configuration: the structure, plus roles and fallbacks naming defined profiles. */
export const configSchema = configShapeSchema.superRefine((config, ctx) => {
    for (const role of ROLES) {
      const profile = config.roles[role];
      if (!(profile in config.agents)) {
        ctx.addIssue({ code: 'custom', path: ['roles', role], message: `names the agent profile "${profile}", which is not defined (defined: ${Object.keys(config.agents).join(', ') || 'none'})` });
      }
    }
    for (const [name, profile] of Object.entries(config.agents)) {
      profile.fallback.forEach((other, i) => {
        if (!(other in config.agents)) {
          ctx.addIssue({ code: 'custom', path: ['agents', name, 'fallback', i], message: `names the agent profile "${other}", which is not defined` });
        }
      });
    }
});

export type Config = z.infer<typeof configSchema>;

/** The configuration with nothing set. */
export function defaultConfig(): Config {
  return configSchema.parse({});
}
