/**
 * Dashboard assembly: rows of sized panels are packed onto Grafana's 24-column grid, ids are assigned in
 * reading order, and the dashboard-wide fields (uid, tags, refresh, the datasource variable) are set in one place.
 */
import type { Dashboard, Panel, RowPanel } from '@grafana/schema';
import { datasourceRef, type PanelContent } from './panel.js';

export const GRID_COLUMNS = 24;

export interface Sized {
  panel: PanelContent;
  w: number;
  h: number;
}

/** A panel with its size on the grid: `w` columns of 24, `h` grid units of 30 px. */
export const sized = (panel: PanelContent, w: number, h: number): Sized => ({ panel, w, h });

export interface RowSpec {
  title: string;
  panels: Sized[];
  /** Collapsed rows keep their panels inside the row and load them only when opened. */
  collapsed?: boolean;
}

export const row = (title: string, panels: Sized[], collapsed = false): RowSpec => ({ title, panels, collapsed });

export interface DashboardSpec {
  uid: string;
  title: string;
  description: string;
  tags: string[];
  refresh: string;
  time?: { from: string; to: string };
  rows: RowSpec[];
  /** Template variables after the datasource variable, in the order Grafana shows (and chains) them. */
  variables?: TemplateVariable[];
}

export type TemplateVariable = NonNullable<NonNullable<Dashboard['templating']>['list']>[number];

/** Grafana's schema version for the classic JSON model the builders emit. */
export const SCHEMA_VERSION = 39;

export function dashboard(spec: DashboardSpec): Dashboard {
  return {
    uid: spec.uid,
    title: spec.title,
    description: spec.description,
    tags: spec.tags,
    timezone: 'browser',
    editable: false,
    graphTooltip: 1,
    refresh: spec.refresh,
    schemaVersion: SCHEMA_VERSION,
    time: spec.time ?? { from: 'now-6h', to: 'now' },
    timepicker: {},
    fiscalYearStartMonth: 0,
    liveNow: false,
    links: [],
    annotations: { list: [] },
    templating: { list: [datasourceVariable(), ...(spec.variables ?? [])] },
    panels: layout(spec.rows),
  };
}

/**
 * A multi-select query variable with All, on the datasource variable, over Grafana's Prometheus variable query
 * (e.g. `label_values(up{job="x"}, env)`); refreshed with the time range so a new environment shows up.
 */
export function queryVariable(name: string, query: string): TemplateVariable {
  return {
    name,
    label: name,
    type: 'query',
    datasource: datasourceRef(),
    query,
    regex: '',
    hide: 0,
    refresh: 2,
    includeAll: true,
    multi: true,
    options: [],
    skipUrlSync: false,
  };
}

function datasourceVariable(): TemplateVariable {
  return {
    name: 'datasource',
    label: 'Data source',
    type: 'datasource',
    query: 'prometheus',
    regex: '',
    hide: 0,
    refresh: 1,
    includeAll: false,
    multi: false,
    options: [],
    skipUrlSync: false,
  };
}

/**
 * Packs rows top to bottom. Within a row, panels flow left to right and wrap when the next one no longer fits;
 * a wrapped line starts below the tallest panel of the line before.
 */
export function layout(rows: readonly RowSpec[]): Array<Panel | RowPanel> {
  const out: Array<Panel | RowPanel> = [];
  let nextId = 1;
  let y = 0;
  for (const spec of rows) {
    const rowPanel: RowPanel = {
      type: 'row',
      id: nextId++,
      title: spec.title,
      collapsed: spec.collapsed ?? false,
      gridPos: { x: 0, y, w: GRID_COLUMNS, h: 1 },
      panels: [],
    };
    y += 1;
    const placed: Panel[] = [];
    let x = 0;
    let lineHeight = 0;
    for (const { panel, w, h } of spec.panels) {
      if (!Number.isInteger(w) || w < 1 || w > GRID_COLUMNS || !Number.isInteger(h) || h < 1) {
        throw new Error(`panel "${panel.title}" in row "${spec.title}" has size ${w}x${h}; width must be 1-${GRID_COLUMNS}, height at least 1`);
      }
      if (x + w > GRID_COLUMNS) {
        y += lineHeight;
        x = 0;
        lineHeight = 0;
      }
      placed.push({ ...panel, id: nextId++, gridPos: { x, y, w, h } } as Panel);
      x += w;
      lineHeight = Math.max(lineHeight, h);
    }
    if (rowPanel.collapsed) {
      // Grafana stores a collapsed row's panels where they sit when opened, and the next row right below it.
      rowPanel.panels = placed;
      out.push(rowPanel);
      y = (rowPanel.gridPos?.y ?? 0) + 1;
    } else {
      y += lineHeight;
      out.push(rowPanel, ...placed);
    }
  }
  return out;
}

type AnyPanel = Panel | RowPanel;

const bottomOf = (panels: readonly AnyPanel[], from: number): number =>
  panels.reduce((max, p) => Math.max(max, (p.gridPos?.y ?? 0) + (p.gridPos?.h ?? 0)), from);

function maxId(panels: readonly AnyPanel[]): number {
  return panels.reduce((max, p) => Math.max(max, p.id ?? 0, 'panels' in p && p.type === 'row' ? maxId(p.panels) : 0), 0);
}

/**
 * A copy of `panels` with `panel` on a new line at the bottom of the row titled `rowTitle`. Panels below move
 * down by its height; the new panel takes the next free id.
 */
export function addPanelToRow(panels: readonly AnyPanel[], rowTitle: string, { panel, w, h }: Sized): AnyPanel[] {
  const rowIndex = panels.findIndex((p) => p.type === 'row' && p.title === rowTitle);
  const rowPanel = panels[rowIndex] as RowPanel | undefined;
  if (!rowPanel) {
    const titles = panels.filter((p) => p.type === 'row').map((p) => `"${p.title}"`);
    throw new Error(`no row titled "${rowTitle}"; rows: ${titles.join(', ')}`);
  }
  const rowY = rowPanel.gridPos?.y ?? 0;
  const nextRow = panels.findIndex((p, i) => i > rowIndex && p.type === 'row');
  const end = nextRow === -1 ? panels.length : nextRow;
  const members = rowPanel.collapsed ? rowPanel.panels : panels.slice(rowIndex + 1, end);
  const y = bottomOf(members, rowY + 1);
  const added = { ...panel, id: maxId(panels) + 1, gridPos: { x: 0, y, w, h } } as Panel;
  if (rowPanel.collapsed) {
    return panels.map((p, i) => (i === rowIndex ? { ...rowPanel, panels: [...rowPanel.panels, added] } : p));
  }
  return [...panels.slice(0, end), added, ...panels.slice(end).map((p) => moveDown(p, h))];
}

/** Collapsed rows keep their panels at their opened positions, so those move too. */
function moveDown<T extends AnyPanel>(p: T, by: number): T {
  const moved = p.gridPos ? { ...p, gridPos: { ...p.gridPos, y: p.gridPos.y + by } } : p;
  return p.type === 'row' && 'panels' in p ? { ...moved, panels: (p as RowPanel).panels.map((c) => moveDown(c, by)) } : moved;
}
