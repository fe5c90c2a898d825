/**
 * Config validation at the door: a schema check (Ajv standalone code generated from the config type) turned
 * into one-line errors that name the key, the value and what is allowed, then the mixin's own semantic checks.
 */
import type { ErrorObject } from 'ajv';
import { mainError, translateSchemaError } from './schema-errors.js';

export { describe } from './schema-errors.js';

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
  const error = mainError(validate.errors ?? []);
  if (!error) throw new ConfigError('', 'does not match the config schema');
  const problem = translateSchemaError(error, config, {
    knownKeys: (path) => Object.keys(schemaAt(schema, path)?.properties ?? {}),
    expectedForm: (path) => expectedForm(path.join('.')),
    // Config files are YAML (JSON is YAML too), where `refresh: 30` is a number.
    fromYaml: true,
  });
  throw new ConfigError(problem.segments.join('.'), problem.problem);
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
