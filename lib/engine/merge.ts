/**
 * Jsonnet-style merging. `merge(a, b)` is `a + b` where every field of `b` is written `field+:`: objects merge
 * recursively, everything else (arrays included) is replaced by `b`'s value. Appending to an array is explicit,
 * with `append(...)`, so a patch never grows a list by accident.
 */

const APPEND = Symbol('append');

export interface Append<T> {
  readonly [APPEND]: readonly T[];
}

/** Marks items to add to the end of the array they are merged onto, like Jsonnet's `field+: [...]`. */
export function append<T>(...items: T[]): Append<T> {
  return { [APPEND]: items };
}

/** The shape of a patch for `T`: every field optional, arrays replaceable or appendable. */
export type Patch<T> = T extends readonly (infer E)[]
  ? readonly E[] | Append<E>
  : T extends object
    ? { [K in keyof T]?: Patch<T[K]> }
    : T;

function isAppend(value: unknown): value is Append<unknown> {
  return typeof value === 'object' && value !== null && APPEND in value;
}

export function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

export function merge<T>(base: T, patch: Patch<T>): T;
export function merge(base: unknown, patch: unknown): unknown {
  if (isAppend(patch)) {
    if (!Array.isArray(base)) {
      throw new TypeError(`append() needs an array to append to, found ${base === undefined ? 'nothing' : typeof base}`);
    }
    return [...base, ...patch[APPEND]];
  }
  if (!isPlainObject(base) || !isPlainObject(patch)) return patch;
  const out: Record<string, unknown> = { ...base };
  for (const key of Object.keys(patch)) {
    const value = patch[key];
    setOwn(out, key, Object.hasOwn(base, key) ? merge(base[key], value as never) : stripMarkers(value));
  }
  return out;
}

/**
 * `target[key] = value` as data: a `__proto__` key from a parsed file stays an ordinary (and, for a config,
 * unknown) key instead of replacing the object's prototype. `__proto__` is the only accessor a plain object
 * inherits, so every other key is assigned directly (defineProperty on every key cost a quarter of building
 * the scale mixin).
 */
function setOwn(target: Record<string, unknown>, key: string, value: unknown): void {
  if (key === '__proto__') Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
  else target[key] = value;
}

/**
 * A patch field with nothing under it yet still may carry `append` markers deeper down; they start from [].
 * Objects without markers are taken as they are, as merge takes the untouched parts of `base`.
 */
function stripMarkers(value: unknown): unknown {
  if (isAppend(value)) return [...value[APPEND]];
  if (!isPlainObject(value)) return value;
  let out: Record<string, unknown> | undefined;
  for (const key of Object.keys(value)) {
    const field = value[key];
    const stripped = stripMarkers(field);
    if (stripped !== field) {
      out ??= { ...value };
      setOwn(out, key, stripped);
    }
  }
  return out ?? value;
}
