/**
 * The planner's ready queue: a set of task ranks (small integers, lower = launched first) that
 * yields the lowest first. Two levels of bitmaps — a bit per rank, and a summary bit per 32-rank
 * word that has any bit set — so that `pop` finds the lowest rank with a few word operations, from
 * a hint below which every summary word is empty. A binary heap cost a dozen levels per pop once
 * thousands of tasks were ready (a wide graph under a small `max_parallel`).
 */
export class RankSet {
  private readonly words: Uint32Array;
  private readonly summary: Uint32Array;
  /** Every summary word below this one is zero. */
  private low = 0;
  size = 0;

  /** For ranks `0 ≤ rank < capacity`. */
  constructor(capacity: number) {
    const words = Math.max(1, Math.ceil(capacity / 32));
    this.words = new Uint32Array(words);
    this.summary = new Uint32Array(Math.ceil(words / 32));
  }

  /** Adds `rank`, which must not be in the set already. */
  push(rank: number): void {
    const w = rank >>> 5;
    this.words[w]! |= 1 << (rank & 31);
    const s = w >>> 5;
    this.summary[s]! |= 1 << (w & 31);
    if (s < this.low) this.low = s;
    this.size++;
  }

  /** Removes and returns the lowest rank; only call when `size > 0`. */
  pop(): number {
    const summary = this.summary;
    let s = this.low;
    while (summary[s] === 0) s++;
    this.low = s;
    const marks = summary[s]!;
    const w = (s << 5) + lowestBit(marks);
    const word = this.words[w]!;
    const rest = word & (word - 1);
    this.words[w] = rest;
    if (rest === 0) summary[s] = marks & (marks - 1);
    this.size--;
    return (w << 5) + lowestBit(word);
  }
}

/** The index of the lowest set bit of a non-zero 32-bit word. */
function lowestBit(x: number): number {
  return 31 - Math.clz32(x & -x);
}
