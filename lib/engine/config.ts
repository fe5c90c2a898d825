/**
 * Config validation at the door: a schema check (Ajv standalone code generated from the config type) turned
 * into one-line errors that name the key, the value and what is allowed, then the mixin's own semantic checks.
 */
import type { ErrorObject } from 'ajv';
import { closestName } from './closest.js';

export class ConfigError extends Error {
  constructor(
    /** Dotted path of the offending key, e.g. `alerts.SptDown.for`; empty for the config as a whole. */
    readonly key: string,
    message: string,
  ) {
    super(key ? `config key "${key}": ${message}` : `config: ${message}`);
    this.name = 'ConfigError';
  }
}

export interface SchemaValidator {
  (data: unknown): boolean;
  errors?: ErrorObject[] | null;
}

/** The parts of a JSON schema the messages read: known keys and their descriptions. */
export interface JsonSchema {
  $ref?: string;
  definitions?: Record<string, JsonSchema>;
  properties?: Record<string, JsonSchema>;
  additionalProperties?: boolean | JsonSchema;
  description?: string;
}
type Schema = JsonSchema;

/**
 * Throws the first schema violation as a ConfigError; the schema supplies known keys for "did you mean".
 * `expectedForm` says in words what a key's `pattern` stands for, e.g. "a duration such as 5m".
 */
export function assertSchema(
  config: unknown,
  validate: SchemaValidator,
  schema: Schema,
  expectedForm: (key: string) => string | undefined = () => undefined,
): void {
  if (validate(config)) return;
  const errors = validate.errors ?? [];
  // Unknown keys first: a misspelt key also shows up as a missing one, and the typo is the real cause.
  const error = errors.find((e) => e.keyword === 'additionalProperties') ?? errors[0];
  if (!error) throw new ConfigError('', 'does not match the config schema');
  throw toConfigError(error, config, schema, expectedForm);
}

function toConfigError(error: ErrorObject, config: unknown, schema: Schema, expectedForm: (key: string) => string | undefined): ConfigError {
  const path = error.instancePath.split('/').slice(1).map(unescapePointer);
  const key = path.join('.');
  const value = valueAt(config, path);
  const params = error.params as Record<string, unknown>;
  switch (error.keyword) {
    case 'additionalProperties': {
      const extra = String(params.additionalProperty);
      const known = Object.keys(schemaAt(schema, path)?.properties ?? {});
      const guess = closestName(extra, known);
      return new ConfigError(
        [...path, extra].join('.'),
        `unknown key${guess ? `; did you mean "${guess}"?` : '.'} Known keys here: ${known.join(', ')}`,
      );
    }
    case 'required':
      return new ConfigError([...path, String(params.missingProperty)].join('.'), 'is required');
    case 'type': {
      if (params.type === 'string' && (typeof value === 'number' || typeof value === 'boolean')) {
        // YAML reads `30` or `true` as a number or boolean, where the key wants the text.
        const form = expectedForm(key);
        return new ConfigError(
          key,
          `${describe(value)} is a ${typeof value}, expected a string${form ? ` (${form})` : ''}: quote it, ${path.at(-1)}: "${String(value)}"`,
        );
      }
      return new ConfigError(key, `${describe(value)} is not allowed; expected ${String(params.type)}`);
    }
    case 'enum':
      return new ConfigError(key, `${describe(value)} is not allowed; expected one of: ${(params.allowedValues as unknown[]).join(', ')}`);
    case 'pattern':
      return new ConfigError(key, `${describe(value)} is not allowed; expected ${expectedForm(key) ?? `a value matching ${String(params.pattern)}`}`);
    default:
      return new ConfigError(key, `${describe(value)} is not allowed: ${error.message ?? error.keyword}`);
  }
}

function unescapePointer(segment: string): string {
  return segment.replaceAll('~1', '/').replaceAll('~0', '~');
}

function valueAt(data: unknown, path: readonly string[]): unknown {
  return path.reduce<unknown>((node, key) => (typeof node === 'object' && node !== null ? (node as Record<string, unknown>)[key] : undefined), data);
}

function schemaAt(root: Schema, path: readonly string[]): Schema | undefined {
  const resolve = (node: Schema | undefined): Schema | undefined =>
    node?.$ref?.startsWith('#/definitions/') ? root.definitions?.[node.$ref.slice('#/definitions/'.length)] : node;
  let node = resolve(root);
  for (const key of path) {
    const next: Schema | boolean | undefined = node?.properties?.[key] ?? node?.additionalProperties;
    node = resolve(typeof next === 'object' ? next : undefined);
  }
  return node;
}

/** A value as it would be written in the config file, shortened so the error stays on one line. */
export function describe(value: unknown): string {
  const text =
    typeof value === 'number' || value === undefined ? String(value ?? 'nothing') : (JSON.stringify(value) ?? String(value));
  return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}
