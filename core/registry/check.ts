/**
 * The rules of the full registry schema (schema.ts) as plain code, so that a registry write — three
 * on every `task run` — does not load zod (~40–80 ms) just to find a valid file valid. It only
 * answers yes or no: on no, the zod schema runs and says exactly what is wrong. A test holds it to
 * agreeing with the schema on valid documents and on each way a document can be wrong.
 */
import { DURATION_PATTERN } from '../duration.js';
import { SLUG_PATTERN } from '../names.js';
import { PRIORITIES, TASK_STATUSES, type RegistryFile } from '../task.js';

const STATUSES: ReadonlySet<unknown> = new Set(TASK_STATUSES);
const PRIORITY_SET: ReadonlySet<unknown> = new Set(PRIORITIES);

type Check = (value: unknown) => boolean;

const nonEmpty: Check = (v) => typeof v === 'string' && v.length > 0;
const nullableString: Check = (v) => v === null || typeof v === 'string';
const slug: Check = (v) => typeof v === 'string' && SLUG_PATTERN.test(v);
const duration: Check = (v) => typeof v === 'string' && DURATION_PATTERN.test(v);
const timestamp: Check = (v) => typeof v === 'string' && !Number.isNaN(Date.parse(v));
const arrayOf = (item: Check): Check => (v) => Array.isArray(v) && v.every(item);
const isPlain = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Like z.strictObject: every key present (optional ones may be undefined) and no other key. */
function strict(shape: Record<string, Check>, optional: ReadonlySet<string> = new Set()): Check {
  const keys = Object.keys(shape);
  return (v) => {
    if (!isPlain(v)) return false;
    for (const key of Object.keys(v)) if (!(key in shape)) return false;
    for (const key of keys) {
      const value = v[key];
      if (value === undefined ? !optional.has(key) : !shape[key]!(value)) return false;
    }
    return true;
  };
}

const timeouts = strict({ execution: duration, verification: duration }, new Set(['execution', 'verification']));

const task = strict({
  slug,
  repo: (v) => nonEmpty(v) && ((v as string).startsWith('/') || /^[A-Za-z]:[\\/]/.test(v as string)),
  title: nonEmpty,
  goal: nullableString,
  goalFile: nullableString,
  deps: arrayOf(slug),
  priority: (v) => PRIORITY_SET.has(v),
  labels: arrayOf(nonEmpty),
  owner: nullableString,
  files: arrayOf(nonEmpty),
  agent: nullableString,
  base: nonEmpty,
  branch: nonEmpty,
  worktree: nullableString,
  status: (v) => STATUSES.has(v),
  statusReason: nullableString,
  retries: (v) => v === null || (Number.isSafeInteger(v) && (v as number) >= 0 && (v as number) <= 20),
  timeouts: (v) => v === null || timeouts(v),
  createdAt: timestamp,
  updatedAt: timestamp,
});

const registry = strict({ version: Number.isSafeInteger, tasks: arrayOf(task) });

/**
 * Whether `doc` passes the full registry schema (including unique slugs per repo). False means
 * "ask the schema": call validateRegistry for the error.
 */
export function isValidRegistry(doc: unknown): doc is RegistryFile {
  if (!registry(doc)) return false;
  const seen = new Set<string>();
  for (const t of (doc as RegistryFile).tasks) {
    const id = `${t.repo}\u0000${t.slug}`;
    if (seen.has(id)) return false;
    seen.add(id);
  }
  return true;
}
