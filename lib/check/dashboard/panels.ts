/**
 * The one panel traversal every dashboard check uses (schema, layout, content, queries): the panels Grafana
 * shows, found the way Grafana finds them.
 */
import { finding, type Finding, type Location, type Severity } from '../finding.js';

export type JsonObject = Record<string, unknown>;

/** A panel object and where it sits: `/panels/3`, `/panels/3/panels/1` in a collapsed row, `/rows/0/panels/2`. */
export interface PanelRef {
  panel: JsonObject;
  path: string;
  location: Location;
  /** Pre-5.0 `rows[].panels[]`: sized by `span`, not `gridPos`, until Grafana migrates them on load. */
  legacy: boolean;
}

export interface DashboardPanels {
  /** Every panel Grafana shows, top level, inside collapsed rows and in legacy rows, in document order. */
  all: PanelRef[];
  topLevel: PanelRef[];
  collapsedRows: Array<{ row: PanelRef; children: PanelRef[] }>;
  /** What keeps panels from being read or shown. */
  shape: Finding[];
}

/** Walked once per dashboard object, place and severity, however many checks ask. */
const walked = new WeakMap<object, Map<string, DashboardPanels>>();

/**
 * `lenient` is the severity of what Grafana tolerates (panels it never shows, the legacy layout); what it cannot
 * read at all (a panel that is not an object, `panels` not an array) is always an error.
 */
export function dashboardPanels(dashboard: JsonObject, base: Location, lenient: Severity): DashboardPanels {
  return oncePer(walked, dashboard, base, lenient, () => walk(dashboard, base, lenient));
}

/** What `build` makes of a dashboard object, once per object, place and severity. */
export function oncePer<T>(cache: WeakMap<object, Map<string, T>>, dashboard: JsonObject, base: Location, lenient: Severity, build: () => T): T {
  let byKey = cache.get(dashboard);
  if (byKey === undefined) {
    byKey = new Map();
    cache.set(dashboard, byKey);
  }
  const key = JSON.stringify([lenient, base.file, base.dashboard]);
  let value = byKey.get(key);
  if (value === undefined) {
    value = build();
    byKey.set(key, value);
  }
  return value;
}

function walk(dashboard: JsonObject, base: Location, lenient: Severity): DashboardPanels {
  const found: DashboardPanels = { all: [], topLevel: [], collapsedRows: [], shape: [] };
  const ref = (value: unknown, path: string, legacy: boolean): PanelRef | undefined => {
    if (isObject(value)) return { panel: value, path, location: panelLocation(value, path, base), legacy };
    found.shape.push(finding('dashboard/shape', 'error', `the panel at ${path} is ${describeType(value)}, not an object`,
      { ...base, path }, 'every entry of "panels" must be a panel object'));
    return undefined;
  };
  const panels = dashboard.panels;
  if (Array.isArray(panels)) {
    for (const [i, value] of panels.entries()) {
      const row = ref(value, `/panels/${i}`, false);
      if (!row) continue;
      found.all.push(row);
      found.topLevel.push(row);
      if (isRow(row.panel)) rowChildren(row, found, ref, lenient);
    }
  } else {
    found.shape.push(missingPanels(dashboard, base, lenient));
  }
  if (!Array.isArray(panels) && Array.isArray(dashboard.rows)) {
    for (const [i, row] of dashboard.rows.entries()) {
      const children = isObject(row) && Array.isArray(row.panels) ? row.panels : [];
      for (const [j, value] of children.entries()) {
        const child = ref(value, `/rows/${i}/panels/${j}`, true);
        if (child) found.all.push(child);
      }
    }
  }
  return found;
}

/**
 * A collapsed row carries its children; an expanded row's children are the panels after it, and Grafana never
 * shows (nor queries) panels kept inside an expanded row's own `panels`.
 */
function rowChildren(
  row: PanelRef,
  found: DashboardPanels,
  ref: (value: unknown, path: string, legacy: boolean) => PanelRef | undefined,
  lenient: Severity,
): void {
  const children = Array.isArray(row.panel.panels) ? row.panel.panels : [];
  if (row.panel.collapsed !== true) {
    if (children.length > 0) {
      found.shape.push(finding('dashboard/shape', lenient,
        `expanded ${describePanel(row)} keeps ${children.length} panel(s) in its own "panels", which Grafana never shows`,
        { ...row.location, path: `${row.path}/panels` },
        'set "collapsed": true, or move those panels to the top level right after the row'));
    }
    return;
  }
  const refs = children.flatMap((value, j) => ref(value, `${row.path}/panels/${j}`, false) ?? []);
  found.all.push(...refs);
  found.collapsedRows.push({ row, children: refs });
}

function missingPanels(dashboard: JsonObject, base: Location, lenient: Severity): Finding {
  const location = { ...base, path: '/panels' };
  if (dashboard.panels !== undefined) {
    return finding('dashboard/shape', 'error', `"panels" is ${describeType(dashboard.panels)}, not an array`, location,
      'make "panels" an array of panel objects');
  }
  if (Array.isArray(dashboard.rows)) {
    return finding('dashboard/shape', lenient, 'the dashboard uses the pre-5.0 "rows" layout; grid and overlap checks are skipped',
      location, 'open and save it in a current Grafana, which migrates "rows" to "panels" with gridPos');
  }
  return finding('dashboard/shape', lenient, 'the dashboard has no "panels" array', location,
    'add "panels": an array of panel objects with gridPos');
}

function panelLocation(panel: JsonObject, path: string, base: Location): Location {
  const location: Location = { ...base, path };
  if (typeof panel.title === 'string' && panel.title !== '') location.panel = panel.title;
  if (Number.isInteger(panel.id)) location.panelId = panel.id as number;
  return location;
}

/** `panel "CPU" (id 3)`, or the panel's path when it has neither title nor id. */
export function describePanel(ref: PanelRef): string {
  const { panel: title, panelId } = ref.location;
  const kind = isRow(ref.panel) ? 'row' : 'panel';
  if (title === undefined && panelId === undefined) return `${kind} at ${ref.path}`;
  const named = title === undefined ? kind : `${kind} ${JSON.stringify(title)}`;
  return panelId === undefined ? named : `${named} (id ${panelId})`;
}

export function describeType(value: unknown): string {
  if (value === null || value === undefined) return String(value);
  if (Array.isArray(value)) return 'an array';
  return `a ${typeof value}`;
}

export function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function isRow(panel: JsonObject): boolean {
  return panel.type === 'row';
}
