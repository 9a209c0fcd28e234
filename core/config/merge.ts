/** Plain-object helpers for layering configuration: objects merge, everything else replaces. */

export type Plain = Record<string, unknown>;

export function isPlainObject(value: unknown): value is Plain {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  // TOML parsers may build tables without a prototype.
  const proto: unknown = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

/** `over` merged onto `base`, returning a new object; arrays and scalars in `over` replace. */
export function deepMerge(base: Plain, over: Plain): Plain {
  const out: Plain = { ...base };
  for (const [key, value] of Object.entries(over)) {
    const current = out[key];
    out[key] = isPlainObject(current) && isPlainObject(value) ? deepMerge(current, value) : structuredClone(value);
  }
  return out;
}

/** Every leaf (non-object value) with its dotted path. */
export function leaves(value: Plain, prefix = ''): [string, unknown][] {
  const out: [string, unknown][] = [];
  for (const [key, child] of Object.entries(value)) {
    const path = prefix ? `${prefix}.${key}` : key;
    if (isPlainObject(child) && Object.keys(child).length > 0) out.push(...leaves(child, path));
    else out.push([path, child]);
  }
  return out;
}

/** The value at a dotted path, or undefined. */
export function getPath(value: Plain, path: string): unknown {
  let current: unknown = value;
  for (const part of path.split('.')) {
    if (!isPlainObject(current)) return undefined;
    current = current[part];
  }
  return current;
}

/** A new object with `path` set to `leaf`, creating tables on the way. */
export function setPath(value: Plain, path: string, leaf: unknown): Plain {
  const [head, ...rest] = path.split('.');
  if (head === undefined) return value;
  if (rest.length === 0) return { ...value, [head]: leaf };
  const child = value[head];
  return { ...value, [head]: setPath(isPlainObject(child) ? child : {}, rest.join('.'), leaf) };
}
