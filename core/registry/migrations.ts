import { CodexAgentError } from '../errors.js';
import { REGISTRY_VERSION } from '../task.js';

export { REGISTRY_VERSION };

/**
 * Forward migrations: `MIGRATIONS[v]` turns a version-`v` document into version `v + 1`. Version 0
 * is a registry written by hand as a bare array of tasks, or an object with no version: accepted
 * and given the fields a task needs.
 */
const MIGRATIONS: Record<number, (doc: unknown) => unknown> = {
  0: (doc) => {
    const tasks = Array.isArray(doc) ? doc : ((doc as { tasks?: unknown }).tasks ?? []);
    if (!Array.isArray(tasks)) return { version: 1, tasks };
    const now = new Date().toISOString();
    return {
      version: 1,
      tasks: tasks.map((t: Record<string, unknown>) => ({
        goal: null,
        goalFile: null,
        deps: [],
        priority: 'normal',
        labels: [],
        owner: null,
        files: [],
        agent: null,
        base: 'main',
        branch: typeof t.slug === 'string' ? `codex/${t.slug}` : undefined,
        worktree: null,
        status: 'todo',
        statusReason: null,
        retries: null,
        timeouts: null,
        createdAt: now,
        updatedAt: now,
        ...t,
      })),
    };
  },
};

/** The version a document declares (0 when it declares none). */
export function versionOf(doc: unknown): number {
  if (typeof doc === 'object' && doc !== null && !Array.isArray(doc) && 'version' in doc) {
    const version = (doc as { version: unknown }).version;
    return typeof version === 'number' ? version : Number.NaN;
  }
  return 0;
}

/**
 * Brings a parsed document to the current version. A document from a newer codex-agent is refused
 * and never rewritten (RELIABILITY rule 7).
 */
export function migrateRegistry(doc: unknown, file: string): { doc: unknown; from: number } {
  const from = versionOf(doc);
  if (!Number.isInteger(from) || from < 0) {
    throw new CodexAgentError('registry-corrupt', `${file}: "version" must be a whole number, found ${JSON.stringify((doc as { version?: unknown }).version)}.`, {
      hint: 'Fix the version field by hand (the current version is 1); the file was not changed.',
    });
  }
  if (from > REGISTRY_VERSION) {
    throw new CodexAgentError('registry-too-new', `${file} was written by a newer codex-agent (registry version ${from}; this one understands up to ${REGISTRY_VERSION}).`, {
      hint: 'Upgrade codex-agent (npm install -g codex-agents@latest). The file was not changed.',
    });
  }
  let current = doc;
  for (let v = from; v < REGISTRY_VERSION; v++) {
    const step = MIGRATIONS[v];
    if (!step) throw new CodexAgentError('registry-corrupt', `${file}: no migration from registry version ${v}.`);
    current = step(current);
  }
  return { doc: current, from };
}
