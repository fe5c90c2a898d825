/**
 * Types for dashboard-validator.js, which scripts/gen-schemas.ts generates as Ajv standalone code from
 * dashboard.schema.json. Hand-written because Ajv emits plain JavaScript; keep it in step with the generator.
 */
import type { Dashboard } from '@grafana/schema';
import type { ErrorObject } from 'ajv';

export interface DashboardValidator {
  /** True when `data` matches @grafana/schema's classic `Dashboard`; otherwise `errors` says why. */
  (data: unknown): data is Dashboard;
  /** Every violation of the last call (the validator runs with allErrors), or null after a valid input. */
  errors?: ErrorObject[] | null;
}

export declare const validate: DashboardValidator;
export default validate;
