/**
 * Jsonnet-style merging. `merge(a, b)` is `a + b` where every field of `b` is written `field+:`: objects merge
 * recursively, everything else (arrays included) is replaced by `b`'s value. Appending to an array is explicit,
 * with `append(...)`, so a patch never grows a list by accident.
 */
import { isDeepStrictEqual } from 'node:util';

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

/**
 * A config patch: a `Patch` in which `null` removes a key, as in a JSON merge patch, so a config file can drop a
 * default label (`ruleLabels: { prometheus: null }`). Output patches keep `null` as a value: Grafana gives it
 * meaning (a panel's `datasource: null`).
 */
export type ConfigPatch<T> = T extends readonly (infer E)[]
  ? readonly E[] | Append<E>
  : T extends object
    ? { [K in keyof T]?: ConfigPatch<T[K]> | null }
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
  return mergeWith(base, patch, false);
}

/** `merge` for configs: a `null` in the patch removes that key. */
export function mergeConfig<T>(base: T, patch: ConfigPatch<T>): T;
export function mergeConfig(base: unknown, patch: unknown): unknown {
  return mergeWith(base, patch, true);
}

function mergeWith(base: unknown, patch: unknown, nullRemoves: boolean): unknown {
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
    if (nullRemoves && value === null) delete out[key];
    else setOwn(out, key, Object.hasOwn(base, key) ? mergeWith(base[key], value, nullRemoves) : stripMarkers(value, nullRemoves));
  }
  return out;
}

/**
 * The smallest config patch that `mergeConfig` turns `base` into `target` with: changed values, `null` for
 * removed keys, objects recursed into, arrays replaced whole; undefined when they are equal.
 */
export function configDifference(base: unknown, target: unknown): unknown {
  if (isDeepStrictEqual(base, target)) return undefined;
  if (!isPlainObject(base) || !isPlainObject(target)) return target;
  const out: Record<string, unknown> = {};
  for (const key of new Set([...Object.keys(target), ...Object.keys(base)])) {
    const change = Object.hasOwn(target, key) ? configDifference(base[key], target[key]) : null;
    if (change !== undefined) setOwn(out, key, change);
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
 * For a config, `null`s there remove nothing and are dropped.
 * Objects without markers are taken as they are, as merge takes the untouched parts of `base`.
 */
function stripMarkers(value: unknown, nullRemoves: boolean): unknown {
  if (isAppend(value)) return [...value[APPEND]];
  if (!isPlainObject(value)) return value;
  let out: Record<string, unknown> | undefined;
  for (const key of Object.keys(value)) {
    const field = value[key];
    if (nullRemoves && field === null) {
      out ??= { ...value };
      delete out[key];
      continue;
    }
    const stripped = stripMarkers(field, nullRemoves);
    if (stripped !== field) {
      out ??= { ...value };
      setOwn(out, key, stripped);
    }
  }
  return out ?? value;
}
