import { styleText } from 'node:util';

/** How a command's result is written: a table on a terminal, plain columns in a pipe, or JSON. */
export interface Output {
  json: boolean;
  tty: boolean;
  color: boolean;
  /** Terminal width, or Infinity when not a terminal. */
  width: number;
  out(text: string): void;
  err(text: string): void;
}

type Style = Parameters<typeof styleText>[0];

export function makeOutput(json: boolean, stdout: NodeJS.WriteStream = process.stdout, stderr: NodeJS.WriteStream = process.stderr): Output {
  const tty = Boolean(stdout.isTTY);
  const color = tty && !process.env.NO_COLOR && process.env.TERM !== 'dumb';
  return {
    json,
    tty,
    color,
    width: tty ? stdout.columns || 80 : Number.POSITIVE_INFINITY,
    out: (text) => void stdout.write(text.endsWith('\n') ? text : `${text}\n`),
    err: (text) => void stderr.write(text.endsWith('\n') ? text : `${text}\n`),
  };
}

/** Styles text when colour is on. */
export function paint(output: Output, style: Style, text: string): string {
  return output.color ? styleText(style, text) : text;
}

/** JSON with a trailing newline: indented for a person at a terminal, compact for a program reading a pipe. */
export function printJson(output: Output, value: unknown): void {
  output.out(output.tty ? JSON.stringify(value, null, 2) : JSON.stringify(value));
}

export interface Column<Row> {
  header: string;
  value: (row: Row) => string;
  /** Styling of a cell on a terminal. */
  style?: (row: Row) => Style | undefined;
  /** Shrinks first when the terminal is too narrow (the widest free-text column). */
  flexible?: boolean;
  align?: 'left' | 'right';
}

function truncate(text: string, width: number): string {
  if (text.length <= width) return text;
  return width <= 1 ? text.slice(0, width) : `${text.slice(0, width - 1)}…`;
}

/**
 * A table: on a terminal with a bold header, coloured cells and the flexible column cut to fit the
 * width; in a pipe, plain space-aligned columns with the header and nothing cut.
 */
export function renderTable<Row>(output: Output, rows: readonly Row[], columns: readonly Column<Row>[]): string {
  const cells = rows.map((row) => columns.map((c) => c.value(row).replace(/\s+/g, ' ')));
  const widths = columns.map((c, i) => Math.max(c.header.length, ...cells.map((r) => r[i]!.length)));
  const gap = 2;
  if (output.tty) {
    const total = widths.reduce((a, b) => a + b, 0) + gap * (columns.length - 1);
    const flex = columns.findIndex((c) => c.flexible);
    if (total > output.width && flex >= 0) widths[flex] = Math.max(columns[flex]!.header.length, widths[flex]! - (total - output.width));
  }
  const line = (values: string[], style: (i: number) => Style | undefined) =>
    values
      .map((v, i) => {
        const w = widths[i]!;
        const text = output.tty ? truncate(v, w) : v;
        const padded = i === values.length - 1 && columns[i]!.align !== 'right' ? text : columns[i]!.align === 'right' ? text.padStart(w) : text.padEnd(w);
        const s = style(i);
        return s ? paint(output, s, padded) : padded;
      })
      .join(' '.repeat(gap))
      .trimEnd();
  const header = line(columns.map((c) => c.header), () => (output.tty ? 'bold' : undefined));
  const body = rows.map((row, r) => line(cells[r]!, (i) => columns[i]!.style?.(row)));
  return [header, ...body].join('\n');
}
