import { parse as parseToml, stringify as stringifyToml } from 'smol-toml';
import { getPath, setPath, type Plain } from './merge.js';

/** The outcome of setting one key in a TOML text. */
export interface TomlEdit {
  text: string;
  /** False when the file had to be rewritten whole and its comments were lost. */
  keptLayout: boolean;
}

const HEADER = /^\s*\[\s*([^\][]+?)\s*\]\s*(#.*)?$/;
const ASSIGNMENT = /^\s*([A-Za-z0-9_.\-"' ]+?)\s*=/;

function normalizeKey(key: string): string {
  return key
    .split('.')
    .map((p) => p.trim().replace(/^["']|["']$/g, ''))
    .join('.');
}

/** `key = value` as TOML writes it. */
function renderAssignment(key: string, value: unknown): string {
  return stringifyToml({ [key]: value }).trim();
}

/**
 * Sets `path` to `value` in a TOML text, keeping every other line — comments, order, blank lines —
 * as it was. It replaces the key's line when it exists, else a commented-out `# key = …` line of
 * the same table (as `init` writes them), else adds the key at the end of its table, else adds
 * the table. The result is checked by parsing it; should the targeted edit not give exactly the
 * intended document, the file is rewritten from its parsed content instead (`keptLayout: false`).
 */
export function setTomlValue(text: string, path: string, value: unknown): TomlEdit {
  const parts = path.split('.');
  const key = parts[parts.length - 1] ?? path;
  const table = parts.slice(0, -1).join('.');
  const before = parseToml(text) as Plain;
  const expected = setPath(before, path, value);
  const lines = text.split('\n');
  const assignment = renderAssignment(key, value);

  let current = '';
  let tableSeen = table === '';
  let lastLineOfTable = table === '' ? -1 : undefined as number | undefined;
  let commented: number | undefined;
  let existing: number | undefined;
  lines.forEach((line, i) => {
    const header = HEADER.exec(line);
    if (header && !line.trim().startsWith('[[')) {
      current = normalizeKey(header[1] ?? '');
      if (current === table) {
        tableSeen = true;
        lastLineOfTable = i;
      }
      return;
    }
    if (line.trim().startsWith('[[')) {
      current = '\u0000array';
      return;
    }
    const inTable = current === table;
    const match = ASSIGNMENT.exec(line);
    if (match && !line.trim().startsWith('#')) {
      const full = current ? `${current}.${normalizeKey(match[1] ?? '')}` : normalizeKey(match[1] ?? '');
      if (full === path && existing === undefined) existing = i;
      if (inTable) lastLineOfTable = i;
      return;
    }
    const comment = /^\s*#\s*([A-Za-z0-9_-]+)\s*=/.exec(line);
    if (inTable && comment && comment[1] === key && commented === undefined) commented = i;
  });

  const edited = [...lines];
  if (existing !== undefined) edited[existing] = assignment;
  else if (commented !== undefined) edited[commented] = assignment;
  else if (tableSeen && lastLineOfTable !== undefined) edited.splice(lastLineOfTable + 1, 0, assignment);
  else {
    const tail = text.length === 0 || text.endsWith('\n') ? '' : '\n';
    const gap = text.trim().length === 0 ? '' : '\n';
    const candidate = `${text}${tail}${gap}${table ? `[${table}]\n` : ''}${assignment}\n`;
    if (matches(candidate, expected)) return { text: candidate, keptLayout: true };
    return { text: stringifyToml(expected) + '\n', keptLayout: false };
  }
  const candidate = edited.join('\n');
  if (matches(candidate, expected)) return { text: candidate, keptLayout: true };
  return { text: stringifyToml(expected) + '\n', keptLayout: false };
}

function matches(text: string, expected: Plain): boolean {
  try {
    // Compare as JSON: parsed tables may lack a prototype, which a strict deep-equal would notice.
    return JSON.stringify(sortKeys(parseToml(text))) === JSON.stringify(sortKeys(expected));
  } catch {
    return false;
  }
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value instanceof Date) return value.toISOString();
  if (typeof value === 'object' && value !== null) {
    return Object.fromEntries(Object.keys(value).sort().map((k) => [k, sortKeys((value as Plain)[k])]));
  }
  return value;
}

export { getPath };
