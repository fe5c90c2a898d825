/**
 * Checks one Grafana dashboard, in the classic JSON model or as a v2 resource, by concern: the panels Grafana shows
 * (dashboard/panels.ts, shared with the query checks; a v2 resource through its classic view, dashboard/v2.ts),
 * the schema (dashboard/schema.ts), where panels sit (dashboard/layout.ts), datasource references
 * (dashboard/datasource.ts) and what a reader needs (dashboard/content.ts).
 *
 * Knows Grafana, not any mixin: the same check runs on our output (strict, schema errors) and on foreign
 * dashboards (lenient, schema warnings). It never throws; whatever the input, the answer is a list of findings.
 */
import { contentFindings } from './dashboard/content.js';
import { datasourceFindings } from './dashboard/datasource.js';
import { layoutFindings } from './dashboard/layout.js';
import { dashboardPanels, describeType, isObject, type JsonObject } from './dashboard/panels.js';
import { schemaFindings, schemaV2Findings } from './dashboard/schema.js';
import { fromView, isV2Resource, v2View } from './dashboard/v2.js';
import { finding, type Finding, type Location, type Severity } from './finding.js';

export interface DashboardCheckOptions {
  /** File name for locations. */
  file: string;
  /** Schema violations are errors for our own output, warnings for foreign dashboards. */
  schemaSeverity: Severity;
  /**
   * True for dashboards we generate: whatever Grafana tolerates or repairs on load (missing or duplicate panel
   * ids, gridPos off the grid, overlaps, a missing unit, title or description, no panels array, a hard-coded
   * datasource) is an error, since the generator controls its output. False for foreign dashboards: the same
   * findings are warnings. What Grafana cannot load at all (not an object, "panels" not an array, a panel that is
   * not an object) is always an error.
   */
  strict: boolean;
  /**
   * Required datasource uid on every panel, target and query variable, e.g. '${datasource}' (always with type
   * 'prometheus'); a violation is an error whatever `strict` says. Undefined: only references that bypass a
   * datasource variable the dashboard declares are reported.
   */
  datasourceUid?: string;
}

export function checkDashboard(dashboard: unknown, options: DashboardCheckOptions): Finding[] {
  const base: Location = { file: options.file };
  if (!isObject(dashboard)) {
    return [
      finding('dashboard/shape', 'error', `the dashboard is ${describeType(dashboard)}, not a JSON object`, base,
        'emit the dashboard model itself: an object with title, panels and schemaVersion'),
    ];
  }
  const lenient: Severity = options.strict ? 'error' : 'warning';
  if (isV2Resource(dashboard)) return checkV2(dashboard, options, base, lenient);
  if (typeof dashboard.title === 'string' && dashboard.title !== '') base.dashboard = dashboard.title;
  const panels = dashboardPanels(dashboard, base, lenient);
  return [
    ...panels.shape,
    ...schemaFindings(dashboard, panels, base, options.schemaSeverity),
    ...modelFindings(dashboard, options, base, lenient),
  ];
}

/** What the classic model and the v2 view share: layout, datasources, content. */
function modelFindings(dashboard: JsonObject, options: DashboardCheckOptions, base: Location, lenient: Severity, v2 = false): Finding[] {
  const panels = dashboardPanels(dashboard, base, lenient);
  return [
    ...layoutFindings(panels, lenient),
    ...datasourceFindings(dashboard, panels.all, base, options.datasourceUid, lenient, v2),
    ...panels.all.flatMap((ref) => contentFindings(ref, lenient)),
  ];
}

function checkV2(resource: JsonObject, options: DashboardCheckOptions, base: Location, lenient: Severity): Finding[] {
  const spec = isObject(resource.spec) ? resource.spec : {};
  if (typeof spec.title === 'string' && spec.title !== '') base.dashboard = spec.title;
  const view = v2View(resource, base, lenient);
  const panels = dashboardPanels(view.dashboard, base, lenient);
  return [
    ...schemaV2Findings(resource, view, base, options.schemaSeverity),
    ...view.shape,
    ...fromView(view, [...panels.shape, ...modelFindings(view.dashboard, options, base, lenient, true)]),
  ];
}
