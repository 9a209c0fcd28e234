/**
 * The last step of each Ink frame, made cheap. Ink (6.8) lays every frame out in an `Output`, a
 * grid of one object per screen cell, and its `get()` turns the grid into the frame's text. That
 * step took a third of the dashboard's frame time and most of its garbage (README, Performance):
 * each frame it allocated a fresh object for every one of the screen's 10,000 cells, tokenized
 * every line of text again (its caches live only as long as one frame), and compared the styles of
 * every cell with its neighbour's through new `Set`s — blank cells included.
 *
 * `installFrameOutput()` gives `Output` a `get()` that builds the same text with less work: blank
 * cells are one shared object, tokenized lines are kept from frame to frame, neighbouring cells
 * whose styles are the same list (or both empty) skip the comparison, whose answer is then empty.
 * Everything else — where each write lands, vertical clipping, wide characters, transformers, the
 * style changes between cells — follows Ink's own steps with Ink's own helpers, so each frame is
 * byte for byte the one Ink would have written (test/frame-output.test.tsx compares them).
 *
 * It is installed only over the `get()` it was checked against, recognised by a digest of its
 * source; any other Ink keeps its own. A frame with horizontal clipping (the help overlay) is left
 * to Ink's own `get()` whole.
 */
import { createHash } from 'node:crypto';
import { ansiCodesToString, diffAnsiCodes, type StyledChar } from '@alcalzone/ansi-tokenize';

/** sha256 of `Output.prototype.get.toString()` in the Ink this was written against (6.8.0). */
export const CHECKED_GET_DIGEST = 'ff97f9abeabc83c4e1613b034c5951e6ebdd4b4f0641326606f9b6e6b473481a';

type Clip = { x1?: number; x2?: number; y1?: number; y2?: number };
type Operation =
  | { type: 'write'; x: number; y: number; text: string; transformers: ((line: string, index: number) => string)[] }
  | { type: 'clip'; clip: Clip }
  | { type: 'unclip' };

/** The per-frame caches Ink gives each Output: pure functions of the string they are asked about. */
interface OutputCaches {
  widths: Map<string, number>;
  styledChars: Map<string, StyledChar[]>;
  getStyledChars(line: string): StyledChar[];
  getStringWidth(text: string): number;
}

/** One set of Ink's caches kept across frames, and how many characters it holds tokenized. */
interface FrameCaches {
  ink: OutputCaches;
  keptChars: number;
}

interface InkOutput {
  width: number;
  height: number;
  operations: Operation[];
  caches: OutputCaches;
  get(): { output: string; height: number };
}

interface OutputClass {
  new (options: { width: number; height: number }): InkOutput;
  prototype: InkOutput;
}

/**
 * Characters kept tokenized between frames (one small object each, ≈ 50 bytes): about five full
 * 200×50 screens. Past it the caches start again, so a dashboard left open for days stays small.
 */
export const KEPT_CHARS = 50_000;

const NO_STYLES: StyledChar['styles'] = [];
const BLANK: StyledChar = Object.freeze({ type: 'char', value: ' ', fullWidth: false, styles: NO_STYLES }) as StyledChar;

function isNumber(value: unknown): value is number {
  return typeof value === 'number';
}

function sameStyles(a: StyledChar['styles'], b: StyledChar['styles']): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i]!.code !== b[i]!.code) return false;
  return true;
}

/**
 * A line's styled characters, kept across frames. Neighbours whose styles have the same codes are
 * given one shared list, which is what lets `rowText` skip comparing them.
 */
function styledChars(caches: FrameCaches, line: string): StyledChar[] {
  const kept = caches.ink.styledChars.get(line);
  if (kept !== undefined) return kept;
  if (caches.keptChars + line.length > KEPT_CHARS) {
    caches.ink.styledChars.clear();
    caches.ink.widths.clear();
    caches.keptChars = 0;
  }
  caches.keptChars += line.length;
  const chars = caches.ink.getStyledChars(line);
  for (let i = 0; i < chars.length; i++) {
    const char = chars[i]!;
    if (char.styles.length === 0) char.styles = NO_STYLES;
    else if (i > 0 && sameStyles(chars[i - 1]!.styles, char.styles)) char.styles = chars[i - 1]!.styles;
  }
  return chars;
}

/** One row of cells as text: Ink's style changes between cells, without comparing equal ones. */
function rowText(row: (StyledChar | undefined)[]): string {
  let text = '';
  let previous: StyledChar | undefined;
  for (let x = 0; x < row.length; x++) {
    const char = row[x];
    if (char === undefined) continue;
    if (previous === undefined) text += ansiCodesToString(char.styles);
    else if (char.styles !== previous.styles && (char.styles.length > 0 || previous.styles.length > 0)) {
      text += ansiCodesToString(diffAnsiCodes(previous.styles, char.styles));
    }
    text += char.value;
    previous = char;
  }
  if (previous !== undefined && previous.styles.length > 0) text += ansiCodesToString(diffAnsiCodes(previous.styles, []));
  return text.trimEnd();
}

function clipsHorizontally(operations: Operation[]): boolean {
  return operations.some((op) => op.type === 'clip' && isNumber(op.clip.x1) && isNumber(op.clip.x2));
}

function frameOutput(
  this: InkOutput,
  caches: FrameCaches,
  inkGet: () => { output: string; height: number },
): { output: string; height: number } {
  if (clipsHorizontally(this.operations)) return inkGet.call(this);
  const rows: (StyledChar | undefined)[][] = [];
  for (let y = 0; y < this.height; y++) {
    const row: StyledChar[] = [];
    for (let x = 0; x < this.width; x++) row.push(BLANK);
    rows.push(row);
  }
  const clips: Clip[] = [];
  for (const op of this.operations) {
    if (op.type === 'clip') clips.push(op.clip);
    else if (op.type === 'unclip') clips.pop();
    else writeText(rows, caches, op, clips.at(-1));
  }
  let output = '';
  for (let y = 0; y < rows.length; y++) output += (y > 0 ? '\n' : '') + rowText(rows[y]!);
  return { output, height: rows.length };
}

/** Places one write's characters on the grid, as Ink's `get()` does (vertical clipping only). */
function writeText(
  rows: (StyledChar | undefined)[][],
  caches: FrameCaches,
  op: Extract<Operation, { type: 'write' }>,
  clip: Clip | undefined,
): void {
  let { y } = op;
  let lines = op.text.split('\n');
  if (clip && isNumber(clip.y1) && isNumber(clip.y2)) {
    const height = lines.length;
    if (y + height < clip.y1 || y > clip.y2) return;
    const from = y < clip.y1 ? clip.y1 - y : 0;
    const to = y + height > clip.y2 ? clip.y2 - y : height;
    lines = lines.slice(from, to);
    if (y < clip.y1) y = clip.y1;
  }
  let offsetY = 0;
  for (let index = 0; index < lines.length; index++) {
    const row = rows[y + offsetY];
    // Ink moves to the next row only after writing one; a write that starts off the grid writes nothing.
    if (!row) continue;
    let line = lines[index]!;
    for (const transform of op.transformers) line = transform(line, index);
    let x = op.x;
    for (const char of styledChars(caches, line)) {
      row[x] = char;
      const width = Math.max(1, caches.ink.getStringWidth(char.value));
      for (let part = 1; part < width; part++) row[x + part] = { type: 'char', value: '', fullWidth: false, styles: char.styles };
      x += width;
    }
    offsetY++;
  }
}

/** The digest of Ink's own `get()` (kept aside once installed), compared with `CHECKED_GET_DIGEST`. */
export function getDigest(Output: OutputClass): string {
  const inkGet = installed.get(Output) ?? Output.prototype.get;
  return createHash('sha256').update(inkGet.toString()).digest('hex');
}

/** Ink's `Output` class, from the Ink this package resolves (the module Ink itself renders with). */
export async function loadInkOutput(): Promise<OutputClass> {
  const module = (await import(new URL('./output.js', import.meta.resolve('ink')).href)) as { default: OutputClass };
  return module.default;
}

/**
 * Puts the cheaper `get()` on Ink's `Output` when Ink's own is the one it was checked against.
 * Returns whether it did; calling it again does nothing more. Never throws: an Ink laid out
 * differently (its `Output` not found) keeps its own `get()`.
 */
export async function installFrameOutput(Output?: OutputClass): Promise<boolean> {
  const target = Output ?? (await loadInkOutput().catch(() => undefined));
  if (target === undefined || typeof target.prototype?.get !== 'function') return false;
  if (installed.has(target)) return true;
  if (getDigest(target) !== CHECKED_GET_DIGEST) return false;
  const inkGet = target.prototype.get;
  const caches: FrameCaches = { ink: new target({ width: 0, height: 0 }).caches, keptChars: 0 };
  target.prototype.get = function get(this: InkOutput) {
    return frameOutput.call(this, caches, inkGet);
  };
  installed.set(target, inkGet);
  return true;
}

/** Gives `Output` back Ink's own `get()` (for tests that compare the two). */
export function uninstallFrameOutput(Output: OutputClass): void {
  const inkGet = installed.get(Output);
  if (inkGet === undefined) return;
  Output.prototype.get = inkGet;
  installed.delete(Output);
}

const installed = new Map<OutputClass, InkOutput['get']>();
