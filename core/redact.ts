/**
 * Secret redaction (RELIABILITY rule 13, scenario SEC-1). Everything codex-agent stores — SQLite,
 * logs, tasks.json — passes through one redactor first, which removes secrets two ways:
 * - by exact value: the values of secrets the config knows (typically from the environment);
 * - by pattern: token shapes that are secrets wherever they appear (API keys, PATs, private keys).
 *
 * Plain functions with no dependencies, so that any command can use them without loading SQLite.
 */

/** What a secret is replaced with. */
export const REDACTED = '[REDACTED]';

/**
 * Exact values shorter than this are not redacted by value: short values ("1", "true", "admin",
 * "dev") occur everywhere in agent output and replacing them would mangle it while protecting
 * little. Patterns still apply to short strings.
 */
export const MIN_SECRET_LENGTH = 8;

/**
 * Token shapes redacted wherever they occur. Each matches only characters that never need escaping
 * in JSON, except the private-key block, which may contain `\n` escapes and stops at a quote, so
 * redacting JSON text never breaks its syntax.
 */
export const DEFAULT_SECRET_PATTERNS: readonly RegExp[] = [
  // OpenAI (sk-..., sk-proj-...) and Anthropic (sk-ant-...) API keys.
  /\bsk-[A-Za-z0-9_-]{20,}/g,
  // GitHub personal, OAuth, user-to-server, server-to-server and refresh tokens; fine-grained PATs.
  /\bgh[pousr]_[A-Za-z0-9]{30,}/g,
  /\bgithub_pat_[A-Za-z0-9_]{22,}/g,
  // AWS access key ids (long-term and temporary).
  /\b(?:AKIA|ASIA)[0-9A-Z]{16}\b/g,
  // Slack tokens and Google API keys.
  /\bxox[abposr]-[A-Za-z0-9-]{10,}/g,
  /\bAIza[0-9A-Za-z_-]{35}/g,
  // JSON Web Tokens (header.payload.signature, the first two base64url JSON objects).
  /\beyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]+/g,
  // The credential after "Bearer " (the word is kept); it must contain a digit, so prose such as
  // "Bearer authentication" is left alone.
  /(?<=\b[Bb]earer\s+)(?=[A-Za-z._~+/-]*[0-9])[A-Za-z0-9._~+/-]{16,}=*/g,
  // PEM private keys, with or without their END line (a truncated print still leaks the key).
  /-----BEGIN ((?:[A-Z0-9]+ )*)PRIVATE KEY-----(?:[A-Za-z0-9+/=\s:,]|-(?!----)|\\[nr])*(?:-----END \1PRIVATE KEY-----)?/g,
];

/** A substring that every {@link DEFAULT_SECRET_PATTERNS} match contains. */
const DEFAULT_PATTERN_TRIGGERS = /sk-|gh[pousr]_|github_pat_|AKIA|ASIA|xox|AIza|eyJ|[Bb]earer|PRIVATE KEY/;

/** Turns text into the same text with every secret replaced by {@link REDACTED}. */
export type Redactor = (text: string) => string;

export interface RedactorOptions {
  /** Exact secret values; those shorter than {@link MIN_SECRET_LENGTH} are ignored. */
  secrets?: readonly string[];
  /** Secret shapes; {@link DEFAULT_SECRET_PATTERNS} when omitted. Global flag not required. */
  patterns?: readonly RegExp[];
}

/**
 * Builds a redactor. Each secret value is also matched in its JSON-escaped form (`a"b` as `a\"b`),
 * since agent streams are JSON text; longer values are tried first so that a secret containing
 * another is removed whole.
 */
export function makeRedactor(options: RedactorOptions = {}): Redactor {
  const values = new Set<string>();
  for (const secret of options.secrets ?? []) {
    if (secret.length < MIN_SECRET_LENGTH) continue;
    values.add(secret);
    values.add(JSON.stringify(secret).slice(1, -1));
  }
  const byValue = values.size === 0 ? null : new RegExp([...values].sort((a, b) => b.length - a.length).map(escapeRegExp).join('|'), 'g');
  const patterns = (options.patterns ?? DEFAULT_SECRET_PATTERNS).map((p) => (p.global ? p : new RegExp(p.source, `${p.flags}g`)));
  // Every default pattern starts with one of these; text without any of them (almost all agent
  // output) skips the pattern scans entirely. Custom patterns are always scanned.
  const prefilter = options.patterns === undefined ? DEFAULT_PATTERN_TRIGGERS : undefined;
  // With the default patterns, one scan for a secret value or a trigger tells whether there is
  // anything to redact at all: clean text (the common case) is read once, not twice.
  const anything = prefilter && byValue ? new RegExp(`${byValue.source}|${prefilter.source}`) : undefined;
  const redactor: Redactor = (text) => {
    if (anything && !anything.test(text)) return text;
    let out = byValue ? text.replace(byValue, REDACTED) : text;
    if (prefilter && !prefilter.test(out)) return out;
    for (const pattern of patterns) out = out.replace(pattern, REDACTED);
    return out;
  };
  MADE_WITH.set(redactor, { secrets: [...(options.secrets ?? [])], ...(options.patterns ? { patterns: [...options.patterns] } : {}) });
  return redactor;
}

/** A redactor that changes nothing (for data known to hold no secrets, and for tests of the store). */
export const noRedaction: Redactor = (text) => text;

const MADE_WITH = new WeakMap<Redactor, RedactorOptions>([[noRedaction, { patterns: [] }]]);

/**
 * The options `redact` was made with, so that another thread can make the same redactor (they
 * survive structured cloning); undefined for a redactor not made by {@link makeRedactor}.
 */
export function redactorOptions(redact: Redactor): RedactorOptions | undefined {
  return MADE_WITH.get(redact);
}

/**
 * Whether an environment variable's name says its value is a secret: a `KEY`, `APIKEY`, `TOKEN`,
 * `SECRET` or `PAT` word (`OPENAI_API_KEY`, `GH_TOKEN`, `AWS_SECRET_ACCESS_KEY`), or a name that
 * contains `PASSWORD`, `PASSWD`, `PASSPHRASE`, `SECRET`, `TOKEN` or `CREDENTIAL` anywhere.
 */
export function isSecretName(name: string): boolean {
  const upper = name.toUpperCase();
  if (/PASSWORD|PASSWD|PASSPHRASE|SECRET|TOKEN|CREDENTIAL/.test(upper)) return true;
  return upper.split(/[^A-Z0-9]+/).some((word) => SECRET_WORDS.has(word));
}
const SECRET_WORDS = new Set(['KEY', 'APIKEY', 'PAT', 'AUTHKEY', 'PRIVATEKEY']);

/** The values of the variables in `env` whose names look secret (see {@link isSecretName}), plus `names`. */
export function secretsFromEnv(env: Record<string, string | undefined>, names: readonly string[] = []): string[] {
  const extra = new Set(names);
  const secrets: string[] = [];
  for (const [name, value] of Object.entries(env)) {
    if (value && (extra.has(name) || isSecretName(name))) secrets.push(value);
  }
  return secrets;
}

/**
 * Serializes `value` to JSON with every string (keys included) redacted before serialization, so
 * the result is always valid JSON. A value JSON cannot hold (a cycle, a BigInt) is stored as a
 * description instead of failing the write.
 */
export function redactedJson(value: unknown, redact: Redactor): string {
  // Fast path: redact the serialized text once. The patterns never match JSON syntax, so the
  // result stays valid — unless an exact secret value also occurs as a bare number or spans
  // syntax; then the value-by-value path below does it properly.
  let text: string | undefined;
  try {
    text = JSON.stringify(value);
  } catch {
    text = undefined;
  }
  if (text !== undefined) {
    const redacted = redact(text);
    if (redacted === text) return text;
    try {
      JSON.parse(redacted);
      return redacted;
    } catch {
      /* fall through to the careful path */
    }
  }
  const replacer = (_key: string, v: unknown): unknown => {
    if (typeof v === 'string') return redact(v);
    if (typeof v === 'number' || typeof v === 'bigint') {
      const text = String(v);
      if (redact(text) !== text) return REDACTED;
      return typeof v === 'bigint' ? text : v;
    }
    if (v !== null && typeof v === 'object' && !Array.isArray(v)) {
      const entries = Object.entries(v as Record<string, unknown>);
      if (entries.some(([k]) => redact(k) !== k)) return Object.fromEntries(entries.map(([k, x]) => [redact(k), x]));
    }
    return v;
  };
  try {
    return JSON.stringify(value, replacer) ?? 'null';
  } catch (err) {
    return JSON.stringify({ unserializable: redact(err instanceof Error ? err.message : String(err)) });
  }
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
