/**
 * Finds where a dotted key is written in a TOML text, for error messages that point at a line.
 * Best effort: handles `[table]` headers, `[[array]]` headers and `a.b = …` dotted keys.
 */
export function locateKey(text: string, path: readonly (string | number)[]): number | undefined {
  const wanted = path.filter((p): p is string => typeof p === 'string').join('.');
  if (!wanted) return undefined;
  let table = '';
  let best: { line: number; length: number } | undefined;
  const lines = text.split(/\r?\n/);
  lines.forEach((raw, index) => {
    const line = stripComment(raw).trim();
    if (!line) return;
    const header = /^\[\[?\s*([^\]]+?)\s*\]\]?$/.exec(line);
    let full: string | undefined;
    if (header) {
      table = unquote(header[1] ?? '');
      full = table;
    } else {
      const assignment = /^([A-Za-z0-9_."' -]+?)\s*=/.exec(line);
      if (assignment) full = table ? `${table}.${unquote(assignment[1] ?? '')}` : unquote(assignment[1] ?? '');
    }
    if (full === undefined) return;
    if (wanted === full || wanted.startsWith(`${full}.`)) {
      if (!best || full.length > best.length) best = { line: index + 1, length: full.length };
    }
  });
  return best?.line;
}

function unquote(key: string): string {
  return key
    .split('.')
    .map((part) => part.trim().replace(/^["']|["']$/g, ''))
    .join('.');
}

function stripComment(line: string): string {
  let inString: string | undefined;
  for (let i = 0; i < line.length; i++) {
    const ch = line[i];
    if (inString) {
      if (ch === '\\' && inString === '"') i++;
      else if (ch === inString) inString = undefined;
    } else if (ch === '"' || ch === "'") inString = ch;
    else if (ch === '#') return line.slice(0, i);
  }
  return line;
}
