/** @grafana/schema's Dashboard type, through the validator compiled ahead of time, as findings on panels. */
import { collapseAnyOf, translateSchemaError, unescapePointer } from '../../engine/schema-errors.js';
import { finding, type Finding, type Location, type Severity } from '../finding.js';
import validateSchema from '../schema/dashboard-validator.js';
import validateV2Spec from '../schema/dashboard-v2-validator.js';
import { describePanel, describeType, isObject, type DashboardPanels, type JsonObject, type PanelRef } from './panels.js';
import { V2_API_GROUP, type V2View } from './v2.js';

const SCHEMA = "@grafana/schema's Dashboard type";
const V2_SCHEMA = "@grafana/schema's dashboard/v2 Spec";

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

/**
 * A v2 resource: the envelope as Kubernetes and Grafana's API read it, then its `spec` against the v2 schema,
 * findings on an element placed at the panel it shows.
 */
export function schemaV2Findings(resource: JsonObject, view: V2View, base: Location, severity: Severity): Finding[] {
  const envelope: Finding[] = [];
  const wrong = (path: string, problem: string, hint: string): void => {
    envelope.push(finding('dashboard/schema', severity, `${path}: ${problem}`, { ...base, path }, hint));
  };
  if (resource.kind !== 'Dashboard') wrong('/kind', `is ${JSON.stringify(resource.kind) ?? 'missing'}, expected "Dashboard"`, 'set kind: Dashboard');
  const metadata = resource.metadata;
  if (!isObject(metadata) || typeof metadata.name !== 'string' || metadata.name === '') {
    wrong('/metadata/name', 'is missing: Grafana names the dashboard (its uid) after it', 'set metadata.name to the dashboard uid');
  }
  if (!isObject(resource.spec)) return [...envelope, finding('dashboard/schema', 'error', `/spec: is ${describeType(resource.spec)}, not an object`,
    { ...base, path: '/spec' }, `give the resource its dashboard under spec (${V2_API_GROUP}v2)`)];
  if (validateV2Spec(resource.spec)) return envelope;
  return [...envelope, ...collapseAnyOf(validateV2Spec.errors ?? []).map((error) => {
    const problem = translateSchemaError(error, resource.spec, { schemaName: V2_SCHEMA });
    const pointer = `/spec${problem.pointer}`;
    const element = /^\/elements\/([^/]+)/.exec(problem.pointer)?.[1];
    const at = element === undefined ? undefined : view.elements.get(unescapePointer(element));
    const where = at?.panel !== undefined ? `panel ${JSON.stringify(at.panel)}: ` : '';
    return finding('dashboard/schema', severity, `${where}${pointer}: ${problem.problem}`,
      { ...(at ?? base), path: pointer }, `${problem.hint} (${V2_SCHEMA}, lib/check/schema/dashboard-v2.schema.json)`);
  })];
}
