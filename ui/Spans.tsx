import { Box, Text } from 'ink';
import { styleText } from 'node:util';

export type SpanStyle = Parameters<typeof styleText>[0];

/** A stretch of one line's text in one style. */
export interface Span {
  text: string;
  style?: SpanStyle;
}

/** Runs of printable ASCII, and runs of anything else. */
const RUNS = /[\x20-\x7e]+|[^\x20-\x7e]+/g;
const ASCII = /^[\x20-\x7e]/;

/**
 * The spans of a line as the fewest pieces in which every piece is either printable ASCII or only
 * other characters, each piece styled inline. Ink measures every text node of every frame, and
 * measures a text with one glyph in it (●, →, —) character by character through a grapheme
 * segmenter, but a plain-ASCII text by its length: a 200-column row with two glyphs, as one text,
 * costs more than the rest of its frame.
 */
export function pieces(spans: readonly Span[]): string[] {
  const out: string[] = [];
  let piece = '';
  let ascii = true;
  for (const span of spans) {
    for (const run of span.text.match(RUNS) ?? []) {
      const isAscii = ASCII.test(run);
      if (isAscii !== ascii && piece) {
        out.push(piece);
        piece = '';
      }
      ascii = isAscii;
      piece += span.style ? styleText(span.style, run) : run;
    }
  }
  if (piece) out.push(piece);
  return out;
}

/** Blank runs at least this long between pieces are laid out as space, not written as text. */
export const MIN_GAP = 3;
const GAP = new RegExp(` {${MIN_GAP},}`, 'g');

/**
 * `pieces`, with every run of MIN_GAP or more blanks in an unstyled span turned into its width:
 * Ink turns each written character into objects (a token, a styled character) every frame, and
 * the blanks that pad a row's columns were half of what a task list wrote.
 */
export function piecesAndGaps(spans: readonly Span[]): (string | number)[] {
  const out: (string | number)[] = [];
  let run: Span[] = [];
  const flush = () => {
    if (run.length) out.push(...pieces(run));
    run = [];
  };
  for (const span of spans) {
    if (span.style || span.text.length < MIN_GAP) {
      run.push(span);
      continue;
    }
    let at = 0;
    for (const gap of span.text.matchAll(GAP)) {
      if (gap.index > at) run.push({ text: span.text.slice(at, gap.index) });
      flush();
      out.push(gap[0].length);
      at = gap.index + gap[0].length;
    }
    if (at < span.text.length) run.push({ text: span.text.slice(at) });
  }
  flush();
  return out;
}

export interface SpansProps {
  spans: readonly Span[];
  inverse?: boolean;
}

/** One line of styled spans, as cheap for Ink to draw as it can be (see `pieces` and `piecesAndGaps`). */
export function Spans({ spans, inverse }: SpansProps) {
  // An inverse row shows its blanks (a highlight bar), so it writes them.
  const parts = inverse ? pieces(spans) : piecesAndGaps(spans);
  if (parts.length <= 1 && typeof parts[0] !== 'number') {
    return (
      <Text wrap="truncate" inverse={inverse}>
        {parts[0] ?? ''}
      </Text>
    );
  }
  return (
    <Box height={1}>
      {parts.map((part, i) =>
        typeof part === 'number' ? (
          <Box key={i} width={part} flexShrink={0} />
        ) : (
          <Text key={i} wrap="truncate" inverse={inverse}>
            {part}
          </Text>
        ),
      )}
    </Box>
  );
}
