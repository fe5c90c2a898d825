/** What a reader needs to understand a panel: a title, a description, and a unit on numeric panels. */
import { finding, type Finding, type Severity } from '../finding.js';
import { describePanel, isObject, isRow, type JsonObject, type PanelRef } from './panels.js';

/**
 * Panels whose values are drawn with `fieldConfig.defaults.unit`. Not `graph` (legacy: units live in `yaxes`), not
 * `table` (columns differ) and not `heatmap` (units live in its options).
 */
const NUMERIC_PANEL_TYPES = new Set(['barchart', 'bargauge', 'gauge', 'histogram', 'stat', 'timeseries', 'trend']);

/**
 * Angular panel types Grafana no longer ships (Angular is off by default since 11 and gone in 12), with the type
 * it turns each into on load (Grafana's autoMigrateAngular): the file and what Grafana shows would differ.
 */
const REMOVED_PANEL_TYPES: ReadonlyMap<string, string> = new Map([
  ['graph', 'timeseries'],
  ['table-old', 'table'],
  ['singlestat', 'stat'],
  ['grafana-singlestat-panel', 'stat'],
  ['grafana-piechart-panel', 'piechart'],
  ['grafana-worldmap-panel', 'geomap'],
  ['natel-discrete-panel', 'state-timeline'],
]);

export function contentFindings(ref: PanelRef, lenient: Severity): Finding[] {
  const { panel } = ref;
  const findings: Finding[] = [];
  const successor = typeof panel.type === 'string' ? REMOVED_PANEL_TYPES.get(panel.type) : undefined;
  if (successor !== undefined) {
    findings.push(finding('dashboard/removed-panel', lenient,
      `${describePanel(ref)} is a "${String(panel.type)}" panel, an Angular panel Grafana 12 and later no longer have; Grafana turns it into "${successor}" on load`,
      { ...ref.location, path: `${ref.path}/type` }, `make it a "${successor}" panel (open and save it in Grafana 11, or rebuild it) so the file is what Grafana shows`));
  }
  if (!nonEmptyString(panel.title)) {
    findings.push(finding('dashboard/title', lenient, `${describePanel(ref)} has no title`,
      { ...ref.location, path: `${ref.path}/title` }, 'give it a short title that names what it shows'));
  }
  if (isRow(panel)) return findings;
  if (!nonEmptyString(panel.description)) {
    findings.push(finding('dashboard/description', lenient, `${describePanel(ref)} has no description`,
      { ...ref.location, path: `${ref.path}/description` },
      'add a description: what is measured, how to read it, and what to do when it looks wrong'));
  }
  if (typeof panel.type === 'string' && NUMERIC_PANEL_TYPES.has(panel.type) && !nonEmptyString(unitOf(panel))) {
    findings.push(finding('dashboard/unit', lenient, `${panel.type} ${describePanel(ref)} has no unit`,
      { ...ref.location, path: `${ref.path}/fieldConfig/defaults/unit` },
      'set fieldConfig.defaults.unit (e.g. "s", "bytes", "reqps", "percentunit"; "short" or "none" for plain counts)'));
  }
  return findings;
}

function unitOf(panel: JsonObject): unknown {
  const fieldConfig = panel.fieldConfig;
  return isObject(fieldConfig) && isObject(fieldConfig.defaults) ? fieldConfig.defaults.unit : undefined;
}

function nonEmptyString(value: unknown): value is string {
  return typeof value === 'string' && value.trim() !== '';
}
