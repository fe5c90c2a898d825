/**
 * Types for dashboard-v2-validator.js, which scripts/gen-schemas.ts generates as Ajv standalone code from
 * dashboard-v2.schema.json. Hand-written because Ajv emits plain JavaScript; keep it in step with the generator.
 */
import type { Spec } from '@grafana/schema/apis/dashboard.grafana.app/v2';
import type { ErrorObject } from 'ajv';

export interface DashboardV2SpecValidator {
  /** True when `data` matches @grafana/schema's v2 dashboard `Spec`; otherwise `errors` says why. */
  (data: unknown): data is Spec;
  /** Every violation of the last call (the validator runs with allErrors), or null after a valid input. */
  errors?: ErrorObject[] | null;
}

export declare const validate: DashboardV2SpecValidator;
export default validate;
