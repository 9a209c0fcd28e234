import { readFileSync } from 'node:fs';
import { CodexAgentError } from '../errors.js';
import { REGISTRY_VERSION, TASK_STATUSES, type RegistryFile, type Task } from '../task.js';

const STATUSES: ReadonlySet<string> = new Set(TASK_STATUSES);

/** An empty registry of the current version. */
export function emptyRegistry(): RegistryFile {
  return { version: REGISTRY_VERSION, tasks: [] };
}

/** Line and column of a character offset, for JSON syntax errors. */
function lineColumn(text: string, offset: number): { line: number; column: number } {
  const before = text.slice(0, offset);
  const line = before.split('\n').length;
  return { line, column: offset - before.lastIndexOf('\n') };
}

const CORRUPT_HINT =
  'Fix that spot by hand, or move the file away to start an empty registry. codex-agent did not change it.';

/** Parses the registry text; syntax errors give the line and column. */
function parseJson(text: string, file: string): unknown {
  try {
    return JSON.parse(text);
  } catch (err) {
    const message = (err as Error).message;
    const position = /position (\d+)/.exec(message);
    const where = position ? lineColumn(text, Number(position[1])) : undefined;
    throw new CodexAgentError(
      'registry-corrupt',
      `${file}${where ? `, line ${where.line}, column ${where.column}` : ''}: not valid JSON (${message}).`,
      { hint: CORRUPT_HINT, details: { file, ...where } },
    );
  }
}

/**
 * A quick check of the shape the read path relies on. When it passes, listing needs nothing more;
 * when it fails, the full schema is loaded to say exactly what is wrong.
 */
function looksValid(doc: unknown): doc is RegistryFile {
  if (typeof doc !== 'object' || doc === null) return false;
  const { version, tasks } = doc as Partial<RegistryFile>;
  if (version !== REGISTRY_VERSION || !Array.isArray(tasks)) return false;
  for (const t of tasks as unknown[]) {
    if (typeof t !== 'object' || t === null) return false;
    const task = t as Partial<Task>;
    if (typeof task.slug !== 'string' || typeof task.repo !== 'string' || typeof task.title !== 'string') return false;
    if (typeof task.status !== 'string' || !STATUSES.has(task.status) || !Array.isArray(task.deps)) return false;
    if (typeof task.branch !== 'string' || typeof task.base !== 'string') return false;
  }
  return true;
}

/** Validates a whole registry document with the full schema; errors name the task and field. */
export async function validateRegistry(doc: unknown, file: string): Promise<RegistryFile> {
  const { registrySchema } = await import('./schema.js');
  const result = registrySchema.safeParse(doc);
  if (result.success) return result.data as RegistryFile;
  const tasks = (doc as { tasks?: unknown[] }).tasks;
  const lines = result.error.issues.slice(0, 10).map((issue) => {
    const [first, index, ...rest] = issue.path;
    let where = issue.path.map(String).join('.') || '(top level)';
    if (first === 'tasks' && typeof index === 'number') {
      const slug = (tasks?.[index] as { slug?: unknown } | undefined)?.slug;
      where = `task #${index + 1}${typeof slug === 'string' ? ` ("${slug}")` : ''}${rest.length ? `, field ${rest.map(String).join('.')}` : ''}`;
    }
    let got = issue.message;
    if (issue.code === 'unrecognized_keys') got = `unknown field(s) ${issue.keys.join(', ')}`;
    else if (issue.code === 'invalid_type' && / received undefined$/.test(issue.message)) got = `missing (expected ${issue.expected})`;
    return `  ${where}: ${got}`;
  });
  const more = result.error.issues.length > 10 ? `\n  … and ${result.error.issues.length - 10} more` : '';
  throw new CodexAgentError('registry-corrupt', `${file} is not a valid task registry:\n${lines.join('\n')}${more}`, {
    hint: CORRUPT_HINT,
    details: { file, issues: result.error.issues.map((i) => ({ path: i.path.map(String), message: i.message })) },
  });
}

/** Reads the registry text from disk; undefined when the file does not exist yet. */
export function readRegistryText(file: string): string | undefined {
  try {
    return readFileSync(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new CodexAgentError('io', `Cannot read ${file}: ${(err as Error).message}`, { cause: err });
  }
}

/**
 * Turns registry text into a current-version registry: parsed, migrated in memory, checked.
 * `strict` runs the full schema even when the quick check passes (every write does).
 */
export async function parseRegistry(text: string | undefined, file: string, strict: boolean): Promise<{ registry: RegistryFile; migratedFrom: number }> {
  if (text === undefined) return { registry: emptyRegistry(), migratedFrom: REGISTRY_VERSION };
  if (text.trim() === '') {
    throw new CodexAgentError('registry-corrupt', `${file} is empty.`, { hint: 'Delete the empty file to start a new registry; codex-agent did not change it.' });
  }
  const parsed = parseJson(text, file);
  // A current document (the usual case) does not load the migrations.
  const current = typeof parsed === 'object' && parsed !== null && (parsed as { version?: unknown }).version === REGISTRY_VERSION;
  const { doc, from } = current ? { doc: parsed, from: REGISTRY_VERSION } : (await import('./migrations.js')).migrateRegistry(parsed, file);
  if (!strict && looksValid(doc)) return { registry: doc, migratedFrom: from };
  return { registry: await validateRegistry(doc, file), migratedFrom: from };
}

/** Reads the registry for display: fast, no locking (writes are atomic, so a read is never torn). */
export async function readRegistry(file: string): Promise<RegistryFile> {
  return (await parseRegistry(readRegistryText(file), file, false)).registry;
}
