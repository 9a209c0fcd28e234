/**
 * Conflict hunks in a file merged with `merge.conflictStyle=diff3` (ours, base, theirs), and the
 * resolutions that need no judgement. Pure: text in, text out.
 */

/** One conflicted region. */
export interface ConflictHunk {
  ours: string;
  base: string;
  theirs: string;
  /** 1-based line of its `<<<<<<<` marker. */
  line: number;
}

/** Why a hunk could be resolved without an agent. */
export type TrivialReason = 'identical' | 'whitespace' | 'one-side';

/** A hunk resolved without AI, for the report. */
export interface TrivialResolution {
  line: number;
  reason: TrivialReason;
  /** Which side's text was kept. */
  kept: 'ours' | 'theirs';
}

type Segment = { text: string } | { hunk: ConflictHunk };

/** A line that git writes as a conflict marker (with or without a label after it). */
export const MARKER_LINE = /^(?:<{7}|\|{7}|={7}|>{7})(?: |$)/m;

/** Whether any conflict marker is left in `text`. */
export function hasConflictMarkers(text: string): boolean {
  return MARKER_LINE.test(text);
}

/** Splits a file into plain text and diff3 hunks; undefined when the markers do not nest as git writes them. */
export function parseConflicts(text: string): Segment[] | undefined {
  const lines = text.split(/(?<=\n)/);
  const segments: Segment[] = [];
  let plain = '';
  let i = 0;
  while (i < lines.length) {
    const line = lines[i]!;
    if (!line.startsWith('<<<<<<<')) {
      plain += line;
      i++;
      continue;
    }
    const start = i + 1;
    const part: Record<'ours' | 'base' | 'theirs', string> = { ours: '', base: '', theirs: '' };
    let section: keyof typeof part | 'done' = 'ours';
    let sawBase = false;
    i++;
    while (i < lines.length && section !== 'done') {
      const l = lines[i]!;
      if (section === 'ours' && l.startsWith('|||||||')) {
        section = 'base';
        sawBase = true;
      } else if ((section === 'ours' || section === 'base') && /^={7}\r?\n?$/.test(l)) section = 'theirs';
      else if (section === 'theirs' && l.startsWith('>>>>>>>')) section = 'done';
      else if (l.startsWith('<<<<<<<')) return undefined;
      else part[section] += l;
      i++;
    }
    if (section !== 'done' || !sawBase) return undefined;
    if (plain) segments.push({ text: plain });
    plain = '';
    segments.push({ hunk: { ...part, line: start } });
  }
  if (plain) segments.push({ text: plain });
  return segments;
}

const squash = (s: string) => s.replace(/\s+/g, '');

/**
 * The resolution of a hunk that needs no judgement: both sides made the same change; they differ
 * only in whitespace; or one side left the region as it was in the base (git flags such regions
 * when they touch the other side's change).
 */
export function trivialResolution(h: ConflictHunk): { text: string; reason: TrivialReason; kept: 'ours' | 'theirs' } | undefined {
  if (h.ours === h.theirs) return { text: h.ours, reason: 'identical', kept: 'ours' };
  if (h.ours === h.base) return { text: h.theirs, reason: 'one-side', kept: 'theirs' };
  if (h.theirs === h.base) return { text: h.ours, reason: 'one-side', kept: 'ours' };
  // Same content, different whitespace: ours. One side changed only whitespace: the other side's change.
  if (squash(h.ours) === squash(h.theirs)) return { text: h.ours, reason: 'whitespace', kept: 'ours' };
  if (squash(h.ours) === squash(h.base)) return { text: h.theirs, reason: 'whitespace', kept: 'theirs' };
  if (squash(h.theirs) === squash(h.base)) return { text: h.ours, reason: 'whitespace', kept: 'ours' };
  return undefined;
}

/** Resolves what needs no judgement; `remaining` counts the hunks left (still with their markers). */
export function resolveTrivially(text: string, labels = { ours: 'ours', base: 'base', theirs: 'theirs' }): { text: string; resolved: TrivialResolution[]; remaining: number } | undefined {
  const segments = parseConflicts(text);
  if (!segments) return undefined;
  let out = '';
  let remaining = 0;
  const resolved: TrivialResolution[] = [];
  for (const s of segments) {
    if ('text' in s) {
      out += s.text;
      continue;
    }
    const r = trivialResolution(s.hunk);
    if (r) {
      out += r.text;
      resolved.push({ line: s.hunk.line, reason: r.reason, kept: r.kept });
    } else {
      remaining++;
      out += `<<<<<<< ${labels.ours}\n${s.hunk.ours}||||||| ${labels.base}\n${s.hunk.base}=======\n${s.hunk.theirs}>>>>>>> ${labels.theirs}\n`;
    }
  }
  return { text: out, resolved, remaining };
}
