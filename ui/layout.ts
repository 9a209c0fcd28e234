/** How the screen is divided at a given size. Every height sums to exactly the terminal's rows. */

/** From this width on the detail pane sits beside the list, not below it. */
export const SIDE_BY_SIDE_MIN_COLUMNS = 110;
/** Share of the width the detail pane takes beside the list. */
const DETAIL_SHARE = 0.42;

export interface Layout {
  header: number;
  body: number;
  footer: number;
  side: boolean;
  list: { width: number; height: number };
  detail: { width: number; height: number };
}

export function layoutFor(columns: number, rows: number, detailOpen: boolean): Layout {
  const header = rows >= 12 ? 2 : rows >= 4 ? 1 : 0;
  const footer = rows >= 3 ? 1 : 0;
  const status = 1;
  const body = Math.max(0, rows - header - footer - status);
  const side = columns >= SIDE_BY_SIDE_MIN_COLUMNS;
  if (!detailOpen || body < 6) return { header, body, footer, side, list: { width: columns, height: body }, detail: { width: 0, height: 0 } };
  if (side) {
    const detailWidth = Math.floor(columns * DETAIL_SHARE);
    return { header, body, footer, side, list: { width: columns - detailWidth, height: body }, detail: { width: detailWidth, height: body } };
  }
  const listHeight = Math.ceil(body / 2);
  return { header, body, footer, side, list: { width: columns, height: listHeight }, detail: { width: columns, height: body - listHeight } };
}
