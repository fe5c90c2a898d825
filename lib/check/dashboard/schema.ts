/** @grafana/schema's Dashboard type, through the validator compiled ahead of time, as findings on panels. */
import { collapseAnyOf, translateSchemaError } from '../../engine/schema-errors.js';
import { finding, type Finding, type Location, type Severity } from '../finding.js';
import validateSchema from '../schema/dashboard-validator.js';
import { describePanel, type DashboardPanels, type JsonObject, type PanelRef } from './panels.js';

const SCHEMA = "@grafana/schema's Dashboard type";

export function schemaFindings(dashboard: JsonObject, panels: DashboardPanels, base: Location, severity: Severity): Finding[] {
  if (validateSchema(dashboard)) return [];
  const byPath = new Map(panels.all.map((ref) => [ref.path, ref]));
  return collapseAnyOf(validateSchema.errors ?? []).map((error) => {
    const problem = translateSchemaError(error, dashboard, { schemaName: SCHEMA });
    const ref = enclosingPanel(problem.pointer, byPath);
    const where = ref ? `${describePanel(ref)}: ` : '';
    return finding('dashboard/schema', severity, `${where}${problem.pointer || '/'}: ${problem.problem}`,
      { ...(ref?.location ?? base), path: problem.pointer || '/' }, `${problem.hint} (${SCHEMA}, lib/check/schema/dashboard.schema.json)`);
  });
}

/** The innermost panel a pointer is inside, nested panels of collapsed and legacy rows included. */
function enclosingPanel(pointer: string, byPath: ReadonlyMap<string, PanelRef>): PanelRef | undefined {
  const match = /^(?:(\/panels\/\d+)(\/panels\/\d+)?|\/rows\/\d+\/panels\/\d+)/.exec(pointer);
  if (!match) return undefined;
  return byPath.get(match[0]) ?? (match[1] === undefined ? undefined : byPath.get(match[1]));
}
