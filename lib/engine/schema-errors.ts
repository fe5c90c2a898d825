/**
 * The one translator of Ajv errors into what a person reads: which key, what is wrong with its value, and what to
 * do. Config validation and the dashboard schema check both use it, so a wrong type or an unknown key reads the
 * same everywhere.
 */
import type { ErrorObject } from 'ajv';
import { closestName } from './closest.js';

export interface SchemaProblem {
  /** JSON pointer of the offending value; for an unknown or missing key, of that key. */
  pointer: string;
  /** The pointer's segments, unescaped. */
  segments: string[];
  keyword: string;
  /** What is wrong, without where: `unknown key; did you mean "x"?`, `30 is not allowed; expected string`. */
  problem: string;
  /** What to do about it. */
  hint: string;
}

export interface TranslateOptions {
  /** Keys allowed in the object at these segments, for "did you mean" and the list of known keys. */
  knownKeys?: (segments: readonly string[]) => readonly string[];
  /** A pattern's meaning in words for the key at these segments, e.g. "a duration such as 5m". */
  expectedForm?: (segments: readonly string[]) => string | undefined;
  /** Names the schema in hints, e.g. "@grafana/schema's Dashboard type". */
  schemaName?: string;
  /** The data came from YAML, where an unquoted `30` or `true` is a number or boolean: say to quote it. */
  fromYaml?: boolean;
}

export function translateSchemaError(error: ErrorObject, data: unknown, options: TranslateOptions = {}): SchemaProblem {
  const at = error.instancePath.split('/').slice(1).map(unescapePointer);
  const params = error.params as Record<string, unknown>;
  const key = typeof (params.additionalProperty ?? params.missingProperty) === 'string'
    ? String(params.additionalProperty ?? params.missingProperty)
    : undefined;
  const segments = key === undefined ? at : [...at, key];
  const value = describe(valueAt(data, at));
  const schema = options.schemaName ?? 'the schema';
  const make = (problem: string, hint: string): SchemaProblem => ({
    pointer: segments.map((s) => `/${escapePointer(s)}`).join(''),
    segments,
    keyword: error.keyword,
    problem,
    hint,
  });
  switch (error.keyword) {
    case 'additionalProperties': {
      const known = options.knownKeys?.(at) ?? [];
      const guess = closestName(String(key), known);
      const listed = known.length > 0 ? ` Known keys here: ${known.join(', ')}` : '';
      return make(`unknown key${guess ? `; did you mean "${guess}"?` : '.'}${listed}`,
        guess ? `rename it to "${guess}"` : `remove "${key}" or correct its spelling: ${schema} has no such key here`);
    }
    case 'required':
      return make('is required', `add "${key}"`);
    case 'type': {
      const raw = valueAt(data, at);
      if (options.fromYaml && params.type === 'string' && (typeof raw === 'number' || typeof raw === 'boolean')) {
        // YAML reads `30` or `true` as a number or boolean where the key wants the text.
        const form = options.expectedForm?.(at);
        const fix = `quote it, ${at.at(-1) ?? 'value'}: "${String(raw)}"`;
        return make(`${value} is a ${typeof raw}, expected a string${form ? ` (${form})` : ''}: ${fix}`, fix);
      }
      return make(`${value} is not allowed; expected ${String(params.type)}`, `give it a ${String(params.type)} value`);
    }
    case 'enum':
      return make(`${value} is not allowed; expected one of: ${formatValues(params.allowedValues)}`, 'use one of the allowed values');
    case 'const':
      return make(`${value} is not allowed; expected ${JSON.stringify(params.allowedValue)}`, 'use the allowed value');
    case 'pattern':
      return make(`${value} is not allowed; expected ${options.expectedForm?.(at) ?? `a value matching ${String(params.pattern)}`}`,
        'write the value in the expected form');
    default:
      return make(`${value} is not allowed: ${error.message ?? error.keyword}`, `make the value match ${schema}`);
  }
}

/** Unknown keys first: a misspelt key also shows up as a missing one, and the typo is the real cause. */
export function mainError(errors: readonly ErrorObject[]): ErrorObject | undefined {
  return errors.find((e) => e.keyword === 'additionalProperties') ?? errors[0];
}

/**
 * Ajv reports every failed branch of an anyOf, then the anyOf itself: a panel with one bad field would also be
 * told it is not a row. Keep only the branch the value most plausibly meant; nested anyOfs come first in Ajv's
 * output, so they are already collapsed when the enclosing one is reached.
 */
export function collapseAnyOf(errors: readonly ErrorObject[]): ErrorObject[] {
  const kept: ErrorObject[] = [];
  for (const error of errors) {
    if (error.keyword !== 'anyOf') {
      kept.push(error);
      continue;
    }
    let start = kept.length;
    while (start > 0 && isBranchError(kept[start - 1], error)) start--;
    kept.push(...pickBranch(error, kept.splice(start)));
  }
  return kept;
}

/**
 * Errors of the anyOf's own branches sit right before it. The instance path matters too: the error kept for the
 * previous item of the same array has the same schema path.
 */
function isBranchError(error: ErrorObject | undefined, anyOf: ErrorObject): boolean {
  if (!error?.schemaPath.startsWith(`${anyOf.schemaPath}/`)) return false;
  return error.instancePath === anyOf.instancePath || error.instancePath.startsWith(`${anyOf.instancePath}/`);
}

/**
 * A branch is ruled out when the value has the wrong JSON type for it, or a discriminator such as `type: 'row'`
 * does not match. Among the rest, prefer the branch whose errors go deepest (the value matched it furthest), then
 * the one complaining least about unknown keys, then the fewest errors. With nothing left, one error says what
 * the value could have been.
 */
function pickBranch(anyOf: ErrorObject, branchErrors: ErrorObject[]): ErrorObject[] {
  const branches = groupByBranch(anyOf, branchErrors);
  if (branches.length === 0) return [anyOf];
  const plausible = branches.filter((errors) => !errors.some((e) => rulesOutBranch(e, anyOf.instancePath)));
  if (plausible.length === 0) return [{ ...anyOf, message: `must be ${alternatives(branches, anyOf).join(' or ')}` }];
  const score = (errors: ErrorObject[]): number[] => [
    -Math.max(...errors.map((e) => depth(e.instancePath))),
    errors.filter((e) => e.keyword === 'additionalProperties').length,
    errors.length,
  ];
  return plausible.reduce((best, next) => (compareScores(score(next), score(best)) < 0 ? next : best));
}

function groupByBranch(anyOf: ErrorObject, errors: readonly ErrorObject[]): ErrorObject[][] {
  const branches = new Map<string, ErrorObject[]>();
  const prefix = `${anyOf.schemaPath}/`;
  for (const error of errors) {
    const index = error.schemaPath.slice(prefix.length).split('/')[0] ?? '';
    const branch = branches.get(index);
    if (branch) branch.push(error);
    else branches.set(index, [error]);
  }
  return [...branches.values()];
}

function rulesOutBranch(error: ErrorObject, at: string): boolean {
  if (error.keyword === 'type') return error.instancePath === at;
  return (error.keyword === 'const' || error.keyword === 'enum') && isDirectChild(error.instancePath, at);
}

/** What each ruled-out branch wanted: a JSON type, or a discriminator value such as `type = "row"`. */
function alternatives(branches: readonly ErrorObject[][], anyOf: ErrorObject): string[] {
  const wanted = branches.map((errors) => {
    const reason = errors.find((e) => rulesOutBranch(e, anyOf.instancePath));
    if (reason?.keyword === 'type') return String(reason.params.type);
    const key = reason?.instancePath.slice(anyOf.instancePath.length + 1);
    return `${key} = ${formatValues(reason?.params.allowedValue ?? reason?.params.allowedValues)}`;
  });
  return [...new Set(wanted)];
}

function compareScores(a: readonly number[], b: readonly number[]): number {
  for (const [i, value] of a.entries()) {
    const other = b[i] ?? 0;
    if (value !== other) return value - other;
  }
  return 0;
}

function depth(pointer: string): number {
  return pointer === '' ? 0 : pointer.split('/').length - 1;
}

function isDirectChild(pointer: string, parent: string): boolean {
  return pointer.startsWith(`${parent}/`) && !pointer.slice(parent.length + 1).includes('/');
}

function formatValues(values: unknown): string {
  return Array.isArray(values) ? values.map((v) => JSON.stringify(v)).join(', ') : JSON.stringify(values);
}

export function escapePointer(key: string): string {
  return key.replaceAll('~', '~0').replaceAll('/', '~1');
}

export function unescapePointer(segment: string): string {
  return segment.replaceAll('~1', '/').replaceAll('~0', '~');
}

function valueAt(data: unknown, path: readonly string[]): unknown {
  return path.reduce<unknown>((node, key) => (typeof node === 'object' && node !== null ? (node as Record<string, unknown>)[key] : undefined), data);
}

/** A value as it would be written in a file, shortened so a message stays on one line. */
export function describe(value: unknown): string {
  const text =
    typeof value === 'number' || value === undefined ? String(value ?? 'nothing') : (JSON.stringify(value) ?? String(value));
  return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}
