import picomatch from 'picomatch';

/**
 * Whether two tasks' file scopes (globs relative to the repo root) may touch the same file.
 * Conservative: "maybe" counts as overlap, so the planner never runs two tasks side by side that
 * could edit the same file; it only proves globs disjoint in the cheap, certain cases.
 *
 * The rule for two globs `a` and `b`:
 * 1. Their static prefixes (the directories before the first glob character) must nest — one is
 *    `b`'s ancestor-or-self directory of the other — or they are disjoint (`src/ui/**` vs `docs/**`).
 * 2. Two literal paths overlap when one equals or contains the other (a literal may be a directory).
 * 3. A literal and a glob overlap when the glob matches the literal, or may match below it (the
 *    glob has `**`, or more path segments than the literal) — unless the literal looks like a file
 *    (a dot in its last segment) and the glob's last segment is `*<suffix>` that its name lacks.
 * 4. Two globs with nested prefixes overlap unless their last segments are `*<suffix>` patterns whose
 *    suffixes cannot match the same name (`src/**\/*.css` vs `src/**\/*.ts`).
 * An empty scope means "unknown" and overlaps nothing: tasks without `files` are never split.
 */
export function scopesOverlap(a: readonly string[], b: readonly string[]): { a: string; b: string } | undefined {
  const x = a.map(compileGlob);
  const y = b.map(compileGlob);
  for (const gx of x) for (const gy of y) if (compiledGlobsOverlap(gx, gy)) return { a: gx.raw, b: gy.raw };
  return undefined;
}

/** A glob prepared once for many overlap tests (see {@link compiledGlobsOverlap}). */
export type CompiledGlob = Readonly<GlobInfo>;

/** Prepares `raw` (as a task gives it) for overlap tests; the same glob is prepared once. */
export function compileGlob(raw: string): CompiledGlob {
  return infoOf(raw);
}

/** {@link globsOverlap} on globs prepared with {@link compileGlob}. */
export function compiledGlobsOverlap(a: CompiledGlob, b: CompiledGlob): boolean {
  return pairOverlaps(a, b);
}

interface GlobInfo {
  /** A small integer naming the glob, for the pair cache. */
  id: number;
  /** As the task gave it. */
  raw: string;
  /** Normalized. */
  glob: string;
  literal: boolean;
  /** The static prefix, as path segments. */
  base: string[];
  /** The same, each segment followed by `/`: prefixes nest when one key starts with the other. */
  baseKey: string;
  segments: number;
  globstar: boolean;
  /** For a last segment `*<suffix>` with no other glob characters: the suffix. */
  suffix: string | undefined;
  match: (path: string) => boolean;
}

const cache = new Map<string, GlobInfo>();
const pairCache = new Map<number, boolean>();
/** Pair keys are `low * ID_SPACE + high`: exact in a double, as ids stay below CACHE_LIMIT. */
const ID_SPACE = 2 ** 26;
/** Keeps the caches bounded in a long-lived supervisor. */
const CACHE_LIMIT = 50_000;
let nextId = 0;

function normalize(glob: string): string {
  return glob.trim().replace(/^\.\//, '').replace(/\/+$/, '');
}

function infoOf(raw: string): GlobInfo {
  let info = cache.get(raw);
  if (info) return info;
  const glob = normalize(raw);
  const scan = picomatch.scan(glob);
  const parts = glob.split('/');
  const last = parts[parts.length - 1] ?? '';
  const suffixMatch = /^\*([^*?[\]{}()!+@]+)$/.exec(last);
  let matcher: ((path: string) => boolean) | undefined;
  if (cache.size >= CACHE_LIMIT) {
    // Ids only need to be unique among cached globs, so they start over with the caches.
    cache.clear();
    pairCache.clear();
    nextId = 0;
  }
  info = {
    id: nextId++,
    raw,
    glob,
    literal: !scan.isGlob,
    base: scan.base ? scan.base.split('/') : [],
    baseKey: scan.base ? `${scan.base}/` : '',
    segments: parts.length,
    globstar: glob.includes('**'),
    suffix: suffixMatch ? suffixMatch[1] : undefined,
    // Compiled only when needed: most pairs are settled by their prefixes.
    match: (path) => (matcher ??= picomatch(glob, { dot: true }))(path),
  };
  cache.set(raw, info);
  return info;
}

/** Whether the globs `x` and `y` may match a common path (see {@link scopesOverlap}). */
export function globsOverlap(x: string, y: string): boolean {
  return pairOverlaps(infoOf(x), infoOf(y));
}

function pairOverlaps(a: GlobInfo, b: GlobInfo): boolean {
  // The cheap rules first, uncached: most pairs are settled by their prefixes alone.
  if (!a.baseKey.startsWith(b.baseKey) && !b.baseKey.startsWith(a.baseKey)) return false;
  if (a.literal === b.literal) return decide(a, b);
  // A literal against a glob may need the glob's matcher: worth a cache.
  const key = a.id < b.id ? a.id * ID_SPACE + b.id : b.id * ID_SPACE + a.id;
  const known = pairCache.get(key);
  if (known !== undefined) return known;
  const result = decide(a, b);
  if (pairCache.size > CACHE_LIMIT) pairCache.clear();
  pairCache.set(key, result);
  return result;
}

/** The rules after the first, for globs whose static prefixes nest. */
function decide(a: GlobInfo, b: GlobInfo): boolean {
  if (a.literal && b.literal) return true; // nested literals: one contains (or is) the other
  if (a.literal || b.literal) {
    const [lit, glob] = a.literal ? [a, b] : [b, a];
    if (glob.baseKey.startsWith(lit.baseKey)) return true; // the glob lies inside the literal directory
    if (glob.match(lit.glob)) return true;
    // A literal whose last segment has a dot is taken for a file: a `*<suffix>` glob that does not
    // match its name cannot match it. Otherwise it may be a directory the glob reaches into.
    const name = lit.base[lit.base.length - 1] ?? '';
    if (glob.suffix !== undefined && name.includes('.') && !name.endsWith(glob.suffix)) return false;
    return glob.globstar || glob.segments > lit.segments;
  }
  if (a.suffix !== undefined && b.suffix !== undefined && !a.suffix.endsWith(b.suffix) && !b.suffix.endsWith(a.suffix)) return false;
  return true;
}
