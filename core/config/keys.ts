import type { z } from 'zod';
import { CodexAgentError } from '../errors.js';
import { agentProfileSchema, configSchema } from './schema.js';

/** The kind of value a config key holds, as far as reading it from text is concerned. */
export type KeyKind = 'string' | 'number' | 'boolean' | 'string[]' | 'table[]' | 'enum';

/** One settable key of the configuration. `*` stands for an agent profile name. */
export interface ConfigKey {
  /** Dotted path, e.g. `manager.max_parallel` or `agents.*.model`. */
  path: string;
  kind: KeyKind;
  description: string;
  /** The default, when the key has one. */
  defaultValue: unknown;
  /** Allowed values of an enum key. */
  values?: readonly string[];
  /** Whether an integer is required. */
  integer?: boolean;
}

type AnySchema = z.ZodType & { _zod: { def: Record<string, unknown> & { type: string } } };

function unwrap(schema: AnySchema): { inner: AnySchema; description: string | undefined; defaultValue: unknown } {
  let current = schema;
  let description = current.description;
  let defaultValue: unknown;
  for (;;) {
    const def = current._zod.def;
    if (def.type === 'default' || def.type === 'prefault') {
      if (defaultValue === undefined) defaultValue = def.defaultValue;
      current = def.innerType as AnySchema;
    } else if (def.type === 'optional' || def.type === 'nullable') {
      current = def.innerType as AnySchema;
    } else break;
    description ??= current.description;
  }
  return { inner: current, description, defaultValue };
}

function leafKind(schema: AnySchema): Pick<ConfigKey, 'kind' | 'values' | 'integer'> {
  const def = schema._zod.def;
  switch (def.type) {
    case 'string':
      return { kind: 'string' };
    case 'number': {
      const checks = (def.checks as { _zod: { def: { check: string; format?: string } } }[] | undefined) ?? [];
      return { kind: 'number', integer: checks.some((c) => c._zod.def.format === 'safeint' || c._zod.def.check === 'number_format') };
    }
    case 'boolean':
      return { kind: 'boolean' };
    case 'array': {
      // An array of tables (`[[validate.checks]]`) is set as a JSON array of objects.
      const element = unwrap(def.element as AnySchema).inner._zod.def.type;
      return { kind: element === 'object' ? 'table[]' : 'string[]' };
    }
    case 'enum':
      return { kind: 'enum', values: Object.values(def.entries as Record<string, string>) };
    default:
      return { kind: 'string' };
  }
}

function collect(schema: AnySchema, prefix: string[], out: ConfigKey[]): void {
  const { inner, description, defaultValue } = unwrap(schema);
  const def = inner._zod.def;
  if (def.type === 'object') {
    const shape = def.shape as Record<string, AnySchema>;
    for (const [key, child] of Object.entries(shape)) collect(child, [...prefix, key], out);
    return;
  }
  if (def.type === 'record') {
    collect(agentProfileSchema as unknown as AnySchema, [...prefix, '*'], out);
    return;
  }
  out.push({ path: prefix.join('.'), description: description ?? '', defaultValue, ...leafKind(inner) });
}

let cache: ConfigKey[] | undefined;

/** Every settable key, in schema order. */
export function configKeys(): ConfigKey[] {
  if (!cache) {
    cache = [];
    collect(configSchema as unknown as AnySchema, [], cache);
  }
  return cache;
}

/** The key a concrete path such as `agents.codex.model` matches, or undefined. */
export function findKey(path: string): ConfigKey | undefined {
  const parts = path.split('.');
  return configKeys().find((key) => {
    const pattern = key.path.split('.');
    return pattern.length === parts.length && pattern.every((p, i) => p === '*' || p === parts[i]);
  });
}

/** The closest known keys to a mistyped one, for "did you mean" hints. */
export function suggestKeys(path: string, limit = 3): string[] {
  const scored = configKeys().map((key) => ({ key: key.path, score: distance(path.toLowerCase(), key.path) }));
  return scored
    .filter((s) => s.score <= Math.max(3, Math.floor(path.length / 3)))
    .sort((a, b) => a.score - b.score)
    .slice(0, limit)
    .map((s) => s.key);
}

function distance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let prev = row[0]!;
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const next = Math.min(row[j]! + 1, row[j - 1]! + 1, prev + (a[i - 1] === b[j - 1] ? 0 : 1));
      prev = row[j]!;
      row[j] = next;
    }
  }
  return row[b.length]!;
}

/** The key for `path`, or an error naming the closest keys. */
export function requireKey(path: string): ConfigKey {
  const key = findKey(path);
  if (key) return key;
  const suggestions = suggestKeys(path);
  throw new CodexAgentError('config-unknown-key', `Unknown config key "${path}".`, {
    hint: suggestions.length
      ? `Did you mean ${suggestions.map((s) => `"${s}"`).join(' or ')}? \`codex-agent config\` lists every key.`
      : '`codex-agent config` lists every key.',
  });
}

/**
 * Reads a value given as text (a flag, an environment variable, `config set`) as the key's type.
 * Lists are a JSON array or comma-separated; an empty string is an empty list.
 */
export function parseKeyValue(key: ConfigKey, raw: string, where: string): unknown {
  const bad = (expected: string) =>
    new CodexAgentError('invalid-value', `${where}: "${raw}" is not a valid value for ${key.path} (expected ${expected}).`, {
      hint: key.description ? `${key.path}: ${key.description}` : undefined,
    });
  switch (key.kind) {
    case 'number': {
      const n = Number(raw.trim());
      if (raw.trim() === '' || !Number.isFinite(n) || (key.integer && !Number.isInteger(n))) throw bad(key.integer ? 'a whole number' : 'a number');
      return n;
    }
    case 'boolean': {
      const v = raw.trim().toLowerCase();
      if (['true', '1', 'yes', 'on'].includes(v)) return true;
      if (['false', '0', 'no', 'off'].includes(v)) return false;
      throw bad('true or false');
    }
    case 'string[]': {
      const text = raw.trim();
      if (text === '') return [];
      if (text.startsWith('[')) {
        try {
          const parsed: unknown = JSON.parse(text);
          if (Array.isArray(parsed) && parsed.every((x) => typeof x === 'string')) return parsed;
        } catch {
          /* fall through to the error below */
        }
        throw bad('a JSON array of strings, or comma-separated values');
      }
      return text.split(',').map((s) => s.trim()).filter(Boolean);
    }
    case 'table[]': {
      try {
        const parsed: unknown = JSON.parse(raw.trim() || '[]');
        if (Array.isArray(parsed) && parsed.every((x) => typeof x === 'object' && x !== null && !Array.isArray(x))) return parsed;
      } catch {
        /* fall through to the error below */
      }
      throw bad('a JSON array of tables, e.g. [{"name": "test", "run": ["npm", "test"]}]');
    }
    case 'enum':
      if (!key.values?.includes(raw)) throw bad(`one of ${key.values?.join(', ')}`);
      return raw;
    default:
      return raw;
  }
}

/** `CODEX_AGENT_MANAGER_MAX_PARALLEL` for `manager.max_parallel`; undefined for per-profile keys. */
export function envNameOf(key: ConfigKey): string | undefined {
  if (key.path.includes('*')) return undefined;
  return `CODEX_AGENT_${key.path.replace(/\./g, '_').toUpperCase()}`;
}
