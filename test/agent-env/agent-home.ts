/**
 * Throwaway homes and environments for the real agent CLIs, pointed at a scripted model server on
 * 127.0.0.1 with telemetry, update checks and plugin look-ups off (see /work/shared/agents/*.md).
 * The environment is built from scratch (PATH, locale, git identity), so no credential or setting of
 * the developer's own environment reaches the agent.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** The API key variable named in the Codex provider config (it must exist; its value is unused). */
export const SCRIPTED_API_KEY = 'sk-scripted-test';
/** Codex needs a model it knows, or apply_patch disappears from the tools. */
export const CODEX_MODEL = 'gpt-5.5';

/** Deterministic git identity for commits made inside agent runs. */
const GIT_IDENTITY = {
  GIT_AUTHOR_NAME: 'Test',
  GIT_AUTHOR_EMAIL: 'test@example.invalid',
  GIT_COMMITTER_NAME: 'Test',
  GIT_COMMITTER_EMAIL: 'test@example.invalid',
  GIT_CONFIG_NOSYSTEM: '1',
};

/** Variables every agent run gets: a private HOME and XDG dirs under `home`, the rest minimal. */
export function baseAgentEnv(home: string): NodeJS.ProcessEnv {
  mkdirSync(home, { recursive: true });
  writeFileSync(join(home, '.gitconfig'), '[init]\n\tdefaultBranch = main\n[user]\n\tname = Test\n\temail = test@example.invalid\n');
  return {
    PATH: process.env.PATH,
    LANG: 'C.UTF-8',
    HOME: home,
    XDG_CONFIG_HOME: join(home, '.config'),
    XDG_CACHE_HOME: join(home, '.cache'),
    XDG_DATA_HOME: join(home, '.local', 'share'),
    XDG_STATE_HOME: join(home, '.local', 'state'),
    GIT_CONFIG_GLOBAL: join(home, '.gitconfig'),
    NO_COLOR: '1',
    ...GIT_IDENTITY,
  };
}

/** The CODEX_HOME config.toml for a scripted provider at `http://127.0.0.1:<port>/v1`. */
export function codexConfigToml(port: number, model = CODEX_MODEL): string {
  return [
    `model = "${model}"`,
    'model_provider = "scripted"',
    'approval_policy = "never"',
    '',
    '[model_providers.scripted]',
    'name = "Scripted model"',
    `base_url = "http://127.0.0.1:${port}/v1"`,
    'wire_api = "responses"',
    'env_key = "SCRIPTED_API_KEY"',
    'request_max_retries = 0',
    'stream_max_retries = 0',
    '',
    '[tools.update_plan]',
    'enabled = true',
    '',
    '[analytics]',
    'enabled = false',
    '',
    '[features]',
    'plugins = false',
    '',
  ].join('\n');
}

/** A Codex home: where it lives and the environment to run `codex` with. */
export interface CodexHome {
  home: string;
  codexHome: string;
  configFile: string;
  env: NodeJS.ProcessEnv;
}

/** Creates `<root>/home` and `<root>/home/.codex` with the scripted config for `port`. */
export function makeCodexHome(root: string, port: number, options: { model?: string } = {}): CodexHome {
  const home = join(root, 'home');
  const codexHome = join(home, '.codex');
  mkdirSync(codexHome, { recursive: true });
  const configFile = join(codexHome, 'config.toml');
  writeFileSync(configFile, codexConfigToml(port, options.model));
  const env = { ...baseAgentEnv(home), CODEX_HOME: codexHome, SCRIPTED_API_KEY };
  return { home, codexHome, configFile, env };
}

/** Claude Code's offline variables for a scripted API at `origin` (claude.md, "Driving it offline"). */
export function claudeOfflineEnv(origin: string, configDir: string): NodeJS.ProcessEnv {
  return {
    CLAUDE_CONFIG_DIR: configDir,
    ANTHROPIC_BASE_URL: origin,
    ANTHROPIC_API_KEY: 'sk-ant-test',
    CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC: '1',
    DISABLE_TELEMETRY: '1',
    DISABLE_AUTOUPDATER: '1',
    DISABLE_ERROR_REPORTING: '1',
    CLAUDE_CODE_MAX_RETRIES: '0',
    CLAUDE_CODE_ENABLE_TASKS: '0',
    CLAUDE_CODE_ENABLE_TODO_TOOLS: '1',
    ENABLE_TOOL_SEARCH: 'false',
  };
}

/** A Claude Code home: where it lives and the environment to run `claude` with. */
export interface ClaudeHome {
  home: string;
  configDir: string;
  env: NodeJS.ProcessEnv;
}

/** Creates `<root>/home` and `<root>/home/claude-config` for a scripted API at `http://127.0.0.1:<port>`. */
export function makeClaudeHome(root: string, port: number): ClaudeHome {
  const home = join(root, 'home');
  const configDir = join(home, 'claude-config');
  mkdirSync(configDir, { recursive: true });
  const env = { ...baseAgentEnv(home), ...claudeOfflineEnv(`http://127.0.0.1:${port}`, configDir) };
  return { home, configDir, env };
}
