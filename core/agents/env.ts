/**
 * The environment an agent gets: an allow-list, never ours whole (DESIGN §6, RELIABILITY rule 13).
 * The basics every program needs, what each agent kind needs to find its config and credentials,
 * and the names a profile adds with `env = [...]`.
 */
const BASIC = ['PATH', 'HOME', 'USER', 'LOGNAME', 'SHELL', 'LANG', 'LANGUAGE', 'TERM', 'TMPDIR', 'TZ', 'COLORTERM', 'NO_COLOR', 'SSL_CERT_FILE', 'SSL_CERT_DIR', 'NODE_EXTRA_CA_CERTS', 'HTTPS_PROXY', 'HTTP_PROXY', 'NO_PROXY', 'https_proxy', 'http_proxy', 'no_proxy', 'XDG_CONFIG_HOME', 'XDG_CACHE_HOME', 'XDG_DATA_HOME', 'XDG_STATE_HOME', 'XDG_RUNTIME_DIR'];
const BASIC_PREFIXES = ['LC_'];

const BY_KIND: Record<string, { names: string[]; prefixes: string[] }> = {
  codex: { names: ['CODEX_HOME', 'OPENAI_API_KEY', 'OPENAI_BASE_URL', 'OPENAI_ORG_ID', 'OPENAI_PROJECT_ID', 'AZURE_OPENAI_API_KEY', 'RUST_LOG'], prefixes: ['CODEX_'] },
  claude: {
    names: ['ANTHROPIC_API_KEY', 'ANTHROPIC_AUTH_TOKEN', 'ANTHROPIC_BASE_URL', 'ANTHROPIC_MODEL', 'CLAUDE_CONFIG_DIR', 'DISABLE_TELEMETRY', 'DISABLE_AUTOUPDATER', 'DISABLE_ERROR_REPORTING', 'IS_SANDBOX', 'ENABLE_TOOL_SEARCH', 'AWS_REGION', 'AWS_PROFILE', 'GOOGLE_CLOUD_PROJECT'],
    prefixes: ['CLAUDE_CODE_', 'ANTHROPIC_'],
  },
  command: { names: [], prefixes: [] },
  openai: { names: ['OPENAI_API_KEY', 'OPENAI_BASE_URL'], prefixes: [] },
};

/** Variables codex-agent itself reads, which are never an agent's business. */
const NEVER = ['CODEX_AGENT_'];

/** The environment for an agent of `kind`, from `source` (our own), with the profile's extra names. */
export function agentEnvironment(kind: string, extraNames: readonly string[], source: NodeJS.ProcessEnv = process.env): Record<string, string> {
  const spec = BY_KIND[kind] ?? { names: [], prefixes: [] };
  const names = new Set([...BASIC, ...spec.names, ...extraNames]);
  const prefixes = [...BASIC_PREFIXES, ...spec.prefixes];
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(source)) {
    if (value === undefined) continue;
    if (NEVER.some((p) => name.startsWith(p)) && !extraNames.includes(name)) continue;
    if (names.has(name) || prefixes.some((p) => name.startsWith(p))) out[name] = value;
  }
  return out;
}
