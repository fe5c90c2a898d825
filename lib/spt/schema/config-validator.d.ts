/**
 * Types for config-validator.js, which scripts/gen-schemas.ts generates as Ajv standalone code from
 * config.schema.json. Hand-written because Ajv emits plain JavaScript; keep it in step with the generator.
 */
import type { ErrorObject } from 'ajv';
import type { SptConfig } from '../config.js';

export interface ConfigValidator {
  (data: unknown): data is SptConfig;
  errors?: ErrorObject[] | null;
}

declare const validate: ConfigValidator;
export default validate;
