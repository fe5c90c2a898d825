/**
 * Checks one Grafana dashboard in the classic JSON model: @grafana/schema's `Dashboard` type (through the
 * validator generated ahead of time by scripts/gen-schemas.ts), then what the schema cannot say: unique
 * panel ids, the 24-column grid, overlaps, datasource references, units, titles and descriptions.
 *
 * Knows Grafana, not any mixin: the same check runs on our output (strict, schema errors) and on foreign
 * dashboards (lenient, schema warnings). It never throws; whatever the input, the answer is a list of findings.
 */
import type { ErrorObject } from 'ajv';
import type { Finding, Location, Severity } from './finding.js';
import validateSchema from './schema/dashboard-validator.js';

export interface DashboardCheckOptions {
  /** File name for locations. */
  file: string;
  /** Schema violations are errors for our own output, warnings for foreign dashboards. */
  schemaSeverity: Severity;
  /**
   * True for dashboards we generate: whatever Grafana tolerates or repairs on load (missing or duplicate panel
   * ids, gridPos off the grid, overlaps, a missing unit, title or description, no panels array) is an error, since
   * the generator controls its output. False for foreign dashboards: the same findings are warnings. What Grafana
   * cannot load at all (not an object, "panels" not an array, a panel that is not an object) is always an error.
   */
  strict: boolean;
  /**
   * Required datasource uid on every panel, target and query variable, e.g. '${datasource}' (always with type
   * 'prometheus'); a violation is an error whatever `strict` says. Undefined = don't check.
   */
  datasourceUid?: string;
}

type JsonObject = Record<string, unknown>;

/** A panel object and where it sits: `/panels/3`, or `/panels/3/panels/1` inside a collapsed row. */
interface PanelRef {
  panel: JsonObject;
  path: string;
  location: Location;
}

interface Layout {
  /** Every panel Grafana shows, top level and inside collapsed rows, in document order. */
  all: PanelRef[];
  topLevel: PanelRef[];
  collapsedRows: Array<{ row: PanelRef; children: PanelRef[] }>;
  shape: Finding[];
}

interface Context {
  options: DashboardCheckOptions;
  /** Severity of what Grafana tolerates: see `DashboardCheckOptions.strict`. */
  lenient: Severity;
  base: Location;
}

interface Rect {
  x: number;
  y: number;
  w: number;
  h: number;
}

const GRID_COLUMNS = 24;

/**
 * Panels whose values are drawn with `fieldConfig.defaults.unit`. Not `graph` (legacy: units live in `yaxes`), not
 * `table` (columns differ) and not `heatmap` (units live in its options).
 */
const NUMERIC_PANEL_TYPES = new Set(['barchart', 'bargauge', 'gauge', 'histogram', 'stat', 'timeseries', 'trend']);

export function checkDashboard(dashboard: unknown, options: DashboardCheckOptions): Finding[] {
  const base: Location = { file: options.file };
  if (!isObject(dashboard)) {
    return [
      finding('dashboard/shape', 'error', `the dashboard is ${describeType(dashboard)}, not a JSON object`, base,
        'emit the dashboard model itself: an object with title, panels and schemaVersion'),
    ];
  }
  if (typeof dashboard.title === 'string' && dashboard.title !== '') base.dashboard = dashboard.title;
  const ctx: Context = { options, lenient: options.strict ? 'error' : 'warning', base };
  const layout = collectPanels(dashboard, ctx);
  return [
    ...layout.shape,
    ...schemaFindings(dashboard, layout, ctx),
    ...idFindings(layout.all, ctx),
    ...layout.all.flatMap((ref) => gridFindings(ref, ctx)),
    ...overlapFindings(layout.topLevel, ctx, ''),
    ...layout.collapsedRows.flatMap(({ row, children }) =>
      overlapFindings([row, ...children], ctx, ` inside collapsed ${describePanel(row)}`),
    ),
    ...(options.datasourceUid === undefined ? [] : datasourceFindings(dashboard, layout.all, options.datasourceUid, ctx)),
    ...layout.all.flatMap((ref) => contentFindings(ref, ctx)),
  ];
}

// ---------------------------------------------------------------------------------------------------------------
// Shape: find the panels the way Grafana does.

function collectPanels(dashboard: JsonObject, ctx: Context): Layout {
  const layout: Layout = { all: [], topLevel: [], collapsedRows: [], shape: [] };
  const panels = dashboard.panels;
  if (!Array.isArray(panels)) {
    layout.shape.push(missingPanelsFinding(dashboard, ctx));
    return layout;
  }
  for (const [i, value] of panels.entries()) {
    const ref = panelRef(value, `/panels/${i}`, layout, ctx);
    if (!ref) continue;
    layout.all.push(ref);
    layout.topLevel.push(ref);
    if (isRow(ref.panel)) collectRowChildren(ref, layout, ctx);
  }
  return layout;
}

function missingPanelsFinding(dashboard: JsonObject, ctx: Context): Finding {
  const location = { ...ctx.base, path: '/panels' };
  if (dashboard.panels !== undefined) {
    return finding('dashboard/shape', 'error', `"panels" is ${describeType(dashboard.panels)}, not an array`, location,
      'make "panels" an array of panel objects');
  }
  if (Array.isArray(dashboard.rows)) {
    return finding('dashboard/shape', ctx.lenient, 'the dashboard uses the pre-5.0 "rows" layout; layout and panel checks are skipped',
      location, 'open and save it in a current Grafana, which migrates "rows" to "panels" with gridPos');
  }
  return finding('dashboard/shape', ctx.lenient, 'the dashboard has no "panels" array', location,
    'add "panels": an array of panel objects with gridPos');
}

/**
 * A collapsed row carries its children; an expanded row's children are the panels after it, so panels kept inside
 * an expanded row are never shown.
 */
function collectRowChildren(row: PanelRef, layout: Layout, ctx: Context): void {
  const children = Array.isArray(row.panel.panels) ? row.panel.panels : [];
  if (row.panel.collapsed !== true) {
    if (children.length > 0) {
      layout.shape.push(finding('dashboard/shape', ctx.lenient,
        `expanded row ${describePanel(row)} keeps ${children.length} panel(s) in its own "panels", which Grafana never shows`,
        { ...row.location, path: `${row.path}/panels` },
        'set "collapsed": true, or move those panels to the top level right after the row'));
    }
    return;
  }
  const refs: PanelRef[] = [];
  for (const [j, value] of children.entries()) {
    const ref = panelRef(value, `${row.path}/panels/${j}`, layout, ctx);
    if (ref) refs.push(ref);
  }
  layout.all.push(...refs);
  layout.collapsedRows.push({ row, children: refs });
}

function panelRef(value: unknown, path: string, layout: Layout, ctx: Context): PanelRef | undefined {
  if (isObject(value)) return { panel: value, path, location: panelLocation(value, path, ctx) };
  layout.shape.push(finding('dashboard/shape', 'error', `the panel at ${path} is ${describeType(value)}, not an object`,
    { ...ctx.base, path }, 'every entry of "panels" must be a panel object'));
  return undefined;
}

function panelLocation(panel: JsonObject, path: string, ctx: Context): Location {
  const location: Location = { ...ctx.base, path };
  if (typeof panel.title === 'string' && panel.title !== '') location.panel = panel.title;
  if (isInteger(panel.id)) location.panelId = panel.id;
  return location;
}

// ---------------------------------------------------------------------------------------------------------------
// Schema: @grafana/schema's Dashboard type, compiled ahead of time.

function schemaFindings(dashboard: JsonObject, layout: Layout, ctx: Context): Finding[] {
  if (validateSchema(dashboard)) return [];
  const byPath = new Map(layout.all.map((ref) => [ref.path, ref]));
  return collapseAnyOf(validateSchema.errors ?? []).map((error) => schemaFinding(error, byPath, ctx));
}

function schemaFinding(error: ErrorObject, byPath: ReadonlyMap<string, PanelRef>, ctx: Context): Finding {
  const ref = enclosingPanel(error.instancePath, byPath);
  const key = offendingKey(error);
  const path = key === undefined ? error.instancePath : `${error.instancePath}/${escapePointer(key)}`;
  const where = ref ? `${describePanel(ref)}: ` : '';
  return finding('dashboard/schema', ctx.options.schemaSeverity,
    `${where}${error.instancePath || '/'} ${error.message ?? 'is invalid'}${schemaDetail(error)}`,
    { ...(ref?.location ?? ctx.base), path: path || '/' }, schemaHint(error, key));
}

function enclosingPanel(instancePath: string, byPath: ReadonlyMap<string, PanelRef>): PanelRef | undefined {
  const match = /^(\/panels\/\d+)(\/panels\/\d+)?/.exec(instancePath);
  if (!match?.[1]) return undefined;
  return byPath.get(match[0]) ?? byPath.get(match[1]);
}

/** The key an additionalProperties or required error is about: Ajv reports those at the parent object. */
function offendingKey(error: ErrorObject): string | undefined {
  const key = error.params.additionalProperty ?? error.params.missingProperty;
  return typeof key === 'string' ? key : undefined;
}

function escapePointer(key: string): string {
  return key.replaceAll('~', '~0').replaceAll('/', '~1');
}

function schemaDetail(error: ErrorObject): string {
  switch (error.keyword) {
    case 'additionalProperties':
      return `: "${String(error.params.additionalProperty)}"`;
    case 'enum':
      return `: ${formatValues(error.params.allowedValues)}`;
    case 'const':
      return `: ${JSON.stringify(error.params.allowedValue)}`;
    default:
      return '';
  }
}

function schemaHint(error: ErrorObject, key: string | undefined): string {
  switch (error.keyword) {
    case 'additionalProperties':
      return `remove "${key}" or correct its spelling: @grafana/schema's Dashboard type has no such field here`;
    case 'required':
      return `add "${key}"`;
    case 'type':
      return `give it a ${String(error.params.type)} value`;
    case 'enum':
    case 'const':
      return 'use one of the allowed values';
    default:
      return "make the value match @grafana/schema's Dashboard type (lib/check/schema/dashboard.schema.json)";
  }
}

function formatValues(values: unknown): string {
  return Array.isArray(values) ? values.map((v) => JSON.stringify(v)).join(', ') : JSON.stringify(values);
}

/**
 * Ajv reports every failed branch of an anyOf, then the anyOf itself: a panel with one bad field would also be
 * told it is not a row. Keep only the branch the value most plausibly meant; nested anyOfs come first in Ajv's
 * output, so they are already collapsed when the enclosing one is reached.
 */
function collapseAnyOf(errors: readonly ErrorObject[]): ErrorObject[] {
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

// ---------------------------------------------------------------------------------------------------------------
// Panel ids: unique across the whole dashboard, collapsed rows included.

function idFindings(all: readonly PanelRef[], ctx: Context): Finding[] {
  const findings: Finding[] = [];
  const seen = new Map<number, PanelRef>();
  for (const ref of all) {
    const id = ref.panel.id;
    const location = { ...ref.location, path: `${ref.path}/id` };
    if (!isInteger(id)) {
      const what = id === undefined ? 'has no id' : `has id ${JSON.stringify(id) ?? String(id)}, not an integer`;
      findings.push(finding('dashboard/missing-panel-id', ctx.lenient, `${describePanel(ref)} ${what}`, location,
        'give every panel (rows included) an integer id that is unique within the dashboard'));
      continue;
    }
    const first = seen.get(id);
    if (first) {
      findings.push(finding('dashboard/duplicate-panel-id', ctx.lenient,
        `${describePanel(ref)} reuses id ${id} of ${describePanel(first)} at ${first.path}`, location,
        'renumber the panels: links, repeats and panel-scoped annotations find a panel by its id'));
    } else {
      seen.set(id, ref);
    }
  }
  return findings;
}

// ---------------------------------------------------------------------------------------------------------------
// Layout: the 24-column grid and overlaps.

function gridFindings(ref: PanelRef, ctx: Context): Finding[] {
  const location = { ...ref.location, path: `${ref.path}/gridPos` };
  const hint = `place it on the grid: whole numbers with x >= 0, w >= 1, x + w <= ${GRID_COLUMNS}, y >= 0 and h >= 1`;
  return gridProblems(ref.panel.gridPos).map((problem) =>
    finding('dashboard/grid-bounds', ctx.lenient, `${describePanel(ref)} ${problem}`, location, hint),
  );
}

function gridProblems(gridPos: unknown): string[] {
  if (!isObject(gridPos)) return [gridPos === undefined ? 'has no gridPos' : `has gridPos ${describeType(gridPos)}`];
  const problems = (['x', 'y', 'w', 'h'] as const).flatMap((key) => {
    const value = gridPos[key];
    if (value === undefined) return [`has no gridPos.${key}`];
    return isInteger(value) ? [] : [`has gridPos.${key} ${JSON.stringify(value)}, not an integer`];
  });
  // Bounds are checked on whatever numbers there are: NaN fails every comparison.
  const { x, y, w, h } = toRect(gridPos);
  if (x < 0) problems.push(`starts left of the grid (x = ${x})`);
  if (y < 0) problems.push(`starts above the grid (y = ${y})`);
  if (w < 1) problems.push(`has width ${w}`);
  if (h < 1) problems.push(`has height ${h}`);
  if (x + w > GRID_COLUMNS) problems.push(`ends past column ${GRID_COLUMNS} (x + w = ${x + w})`);
  return problems;
}

/** Pairs of panels whose rectangles share area; each pair is reported once, at the later panel. */
function overlapFindings(group: readonly PanelRef[], ctx: Context, scope: string): Finding[] {
  const placed = group.flatMap((ref) => {
    const rect = readRect(ref.panel.gridPos);
    return rect ? [{ ref, rect }] : [];
  });
  const findings: Finding[] = [];
  for (const [j, b] of placed.entries()) {
    for (const a of placed.slice(0, j)) {
      if (!intersects(a.rect, b.rect)) continue;
      findings.push(finding('dashboard/overlap', ctx.lenient,
        `${describePanel(b.ref)} at ${formatRect(b.rect)} overlaps ${describePanel(a.ref)} at ${formatRect(a.rect)}${scope}`,
        { ...b.ref.location, path: `${b.ref.path}/gridPos` },
        'move or resize one of them; Grafana would push panels around on load instead of showing this layout'));
    }
  }
  return findings;
}

function readRect(gridPos: unknown): Rect | undefined {
  if (!isObject(gridPos)) return undefined;
  const rect = toRect(gridPos);
  return Object.values(rect).every(Number.isFinite) && rect.w > 0 && rect.h > 0 ? rect : undefined;
}

/** NaN stands for whatever is not a number. */
function toRect(gridPos: JsonObject): Rect {
  const n = (value: unknown): number => (typeof value === 'number' ? value : NaN);
  return { x: n(gridPos.x), y: n(gridPos.y), w: n(gridPos.w), h: n(gridPos.h) };
}

function intersects(a: Rect, b: Rect): boolean {
  return a.x < b.x + b.w && b.x < a.x + a.w && a.y < b.y + b.h && b.y < a.y + a.h;
}

function formatRect({ x, y, w, h }: Rect): string {
  return `x=${x} y=${y} w=${w} h=${h}`;
}

// ---------------------------------------------------------------------------------------------------------------
// Datasources: every query follows the one datasource the caller names (usually a dashboard variable).

function datasourceFindings(dashboard: JsonObject, all: readonly PanelRef[], uid: string, ctx: Context): Finding[] {
  return [
    ...all.filter((ref) => !isRow(ref.panel)).flatMap((ref) => panelDatasourceFindings(ref, uid)),
    ...variableDatasourceFindings(dashboard, uid, ctx),
  ];
}

/** A panel without queries (text, news) needs no datasource, but if it names one, that one must be right too. */
function panelDatasourceFindings(ref: PanelRef, uid: string): Finding[] {
  const targets = Array.isArray(ref.panel.targets) ? ref.panel.targets : [];
  const checks: Array<[unknown, string, string]> = [];
  if (targets.length > 0 || ref.panel.datasource !== undefined) {
    checks.push([ref.panel.datasource, `${ref.path}/datasource`, describePanel(ref)]);
  }
  for (const [i, target] of targets.entries()) {
    const refId = isObject(target) && typeof target.refId === 'string' ? ` ${target.refId}` : '';
    checks.push([isObject(target) ? target.datasource : undefined, `${ref.path}/targets/${i}/datasource`,
      `query${refId} of ${describePanel(ref)}`]);
  }
  return checks.flatMap(([datasource, path, owner]) =>
    datasourceFinding(datasource, uid, owner, { ...ref.location, path }),
  );
}

/** Query variables run queries too; other variable kinds (datasource, custom, interval) have no datasource. */
function variableDatasourceFindings(dashboard: JsonObject, uid: string, ctx: Context): Finding[] {
  const list = isObject(dashboard.templating) && Array.isArray(dashboard.templating.list) ? dashboard.templating.list : [];
  return list.flatMap((variable, i) => {
    if (!isObject(variable) || variable.type !== 'query') return [];
    const owner = `variable ${typeof variable.name === 'string' ? `"${variable.name}"` : `#${i}`}`;
    return datasourceFinding(variable.datasource, uid, owner, { ...ctx.base, path: `/templating/list/${i}/datasource` });
  });
}

function datasourceFinding(datasource: unknown, uid: string, owner: string, location: Location): Finding[] {
  const problem = datasourceProblem(datasource, uid);
  if (problem === undefined) return [];
  return [finding('dashboard/datasource', 'error', `${owner} ${problem}`, location,
    `set "datasource" to {"type": "prometheus", "uid": ${JSON.stringify(uid)}} so every query follows it`)];
}

function datasourceProblem(datasource: unknown, uid: string): string | undefined {
  if (datasource === undefined || datasource === null) return 'has no datasource';
  if (typeof datasource === 'string') return `names its datasource by the string ${JSON.stringify(datasource)}`;
  if (!isObject(datasource)) return `has datasource ${describeType(datasource)}`;
  if (datasource.type === 'prometheus' && datasource.uid === uid) return undefined;
  return `uses datasource type ${JSON.stringify(datasource.type)} uid ${JSON.stringify(datasource.uid)}`;
}

// ---------------------------------------------------------------------------------------------------------------
// Content: what a reader needs to understand a panel.

function contentFindings(ref: PanelRef, ctx: Context): Finding[] {
  const { panel } = ref;
  const findings: Finding[] = [];
  if (!nonEmptyString(panel.title)) {
    findings.push(finding('dashboard/title', ctx.lenient, `${describePanel(ref)} has no title`,
      { ...ref.location, path: `${ref.path}/title` }, 'give it a short title that names what it shows'));
  }
  if (isRow(panel)) return findings;
  if (!nonEmptyString(panel.description)) {
    findings.push(finding('dashboard/description', ctx.lenient, `${describePanel(ref)} has no description`,
      { ...ref.location, path: `${ref.path}/description` },
      'add a description: what is measured, how to read it, and what to do when it looks wrong'));
  }
  if (typeof panel.type === 'string' && NUMERIC_PANEL_TYPES.has(panel.type) && !nonEmptyString(unitOf(panel))) {
    findings.push(finding('dashboard/unit', ctx.lenient, `${panel.type} ${describePanel(ref)} has no unit`,
      { ...ref.location, path: `${ref.path}/fieldConfig/defaults/unit` },
      'set fieldConfig.defaults.unit (e.g. "s", "bytes", "reqps", "percentunit"; "short" or "none" for plain counts)'));
  }
  return findings;
}

function unitOf(panel: JsonObject): unknown {
  const fieldConfig = panel.fieldConfig;
  return isObject(fieldConfig) && isObject(fieldConfig.defaults) ? fieldConfig.defaults.unit : undefined;
}

// ---------------------------------------------------------------------------------------------------------------
// Helpers.

function finding(rule: string, severity: Severity, message: string, location: Location, hint: string): Finding {
  return { severity, rule, message, location, hint };
}

/** `panel "CPU" (id 3)`, or the panel's path when it has neither title nor id. */
function describePanel(ref: PanelRef): string {
  const { panel: title, panelId } = ref.location;
  const kind = isRow(ref.panel) ? 'row' : 'panel';
  if (title === undefined && panelId === undefined) return `${kind} at ${ref.path}`;
  const named = title === undefined ? kind : `${kind} ${JSON.stringify(title)}`;
  return panelId === undefined ? named : `${named} (id ${panelId})`;
}

function describeType(value: unknown): string {
  if (value === null || value === undefined) return String(value);
  if (Array.isArray(value)) return 'an array';
  return `a ${typeof value}`;
}

function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isRow(panel: JsonObject): boolean {
  return panel.type === 'row';
}

function isInteger(value: unknown): value is number {
  return Number.isInteger(value);
}

function nonEmptyString(value: unknown): value is string {
  return typeof value === 'string' && value.trim() !== '';
}
