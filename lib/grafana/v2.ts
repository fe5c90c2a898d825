/**
 * The classic dashboard model as Grafana 13's v2 resource (`dashboard.grafana.app/v2`): one model, two outputs.
 * Panels become elements keyed `panel-<id>` (the names Grafana gives them), rows a `RowsLayout` of `GridLayout`s
 * whose positions start at each row's top, queries `PanelQuery`s on the same datasource reference, and
 * variables their v2 kinds. Field config and options are carried over as they are.
 */
import type { AnnotationQuery, Dashboard, DataSourceRef, Panel, RowPanel, VariableModel } from '@grafana/schema';
import type {
  AnnotationQueryKind,
  DashboardCursorSync,
  DataQueryKind,
  Element,
  GridLayoutItemKind,
  GridLayoutKind,
  PanelQueryKind,
  RowsLayoutKind,
  RowsLayoutRowKind,
  Spec,
  TransformationKind,
  VariableHide,
  VariableKind,
  VariableOption,
  VariableRefresh,
} from '@grafana/schema/apis/dashboard.grafana.app/v2';

export const DASHBOARD_V2_API_VERSION = 'dashboard.grafana.app/v2';

/** The file Grafana 13 exports and Git Sync keeps: a Kubernetes-style resource named after the uid. */
export interface DashboardV2Resource {
  apiVersion: typeof DASHBOARD_V2_API_VERSION;
  kind: 'Dashboard';
  metadata: { name: string };
  spec: Spec;
}

/** Grafana's own refresh choices, which the classic model leaves implicit when `timepicker` is empty. */
const AUTO_REFRESH_INTERVALS = ['5s', '10s', '30s', '1m', '5m', '15m', '30m', '1h', '2h', '1d'];

/** The v2 element name of a classic panel id, as Grafana names them when it converts a dashboard. */
export const elementName = (id: number): string => `panel-${id}`;

export function toV2(dashboard: Dashboard): DashboardV2Resource {
  if (!dashboard.uid) throw new Error(`dashboard "${dashboard.title}" has no uid; a v2 resource is named after it`);
  const panels = dashboard.panels ?? [];
  const elements: Record<string, Element> = {};
  for (const panel of panels.flatMap((p) => (isRow(p) ? (p.panels ?? []) : [p]))) {
    if (isRow(panel)) continue;
    if (panel.id === undefined) throw new Error(`panel "${panel.title ?? ''}" of dashboard "${dashboard.title}" has no id; v2 elements are named after it`);
    elements[elementName(panel.id)] = panelElement(panel);
  }
  const timepicker = dashboard.timepicker ?? {};
  return {
    apiVersion: DASHBOARD_V2_API_VERSION,
    kind: 'Dashboard',
    metadata: { name: dashboard.uid },
    spec: {
      title: dashboard.title ?? '',
      ...(dashboard.description !== undefined ? { description: dashboard.description } : {}),
      tags: dashboard.tags ?? [],
      editable: dashboard.editable ?? true,
      liveNow: dashboard.liveNow ?? false,
      preload: false,
      cursorSync: CURSOR_SYNC[dashboard.graphTooltip ?? 0] ?? 'Off',
      links: [],
      annotations: (dashboard.annotations?.list ?? []).map(annotation),
      timeSettings: {
        ...(dashboard.timezone !== undefined ? { timezone: dashboard.timezone } : {}),
        from: dashboard.time?.from ?? 'now-6h',
        to: dashboard.time?.to ?? 'now',
        // The classic model may write `false` for no refresh; anything else is carried over for the checks to judge.
        autoRefresh: (dashboard.refresh as unknown) === false ? '' : (dashboard.refresh ?? ''),
        autoRefreshIntervals: timepicker.refresh_intervals ?? AUTO_REFRESH_INTERVALS,
        hideTimepicker: timepicker.hidden ?? false,
        fiscalYearStartMonth: dashboard.fiscalYearStartMonth ?? 0,
      },
      variables: (dashboard.templating?.list ?? []).map(variable),
      elements,
      layout: layout(panels),
    },
  };
}

const CURSOR_SYNC: readonly DashboardCursorSync[] = ['Off', 'Crosshair', 'Tooltip'];

function isRow(panel: Panel | RowPanel): panel is RowPanel {
  return panel.type === 'row';
}

function dataQuery(datasource: DataSourceRef | null | undefined, spec: Record<string, unknown>): DataQueryKind {
  return {
    kind: 'DataQuery',
    group: datasource?.type ?? 'prometheus',
    version: 'v0',
    ...(datasource?.uid ? { datasource: { name: datasource.uid } } : {}),
    spec,
  };
}

function panelElement(panel: Panel): Element {
  const queries = (panel.targets ?? []).map((target, i): PanelQueryKind => {
    const { refId, hide, datasource, ...spec } = target;
    return {
      kind: 'PanelQuery',
      spec: {
        refId: typeof refId === 'string' ? refId : String.fromCharCode(65 + i),
        hidden: hide === true,
        query: dataQuery((datasource ?? panel.datasource) as DataSourceRef | undefined, spec),
      },
    };
  });
  const transformations = (panel.transformations ?? []).map(({ id, options, disabled, filter, topic }): TransformationKind => ({
    kind: 'Transformation',
    group: id,
    spec: { options, ...(disabled !== undefined ? { disabled } : {}), ...(filter ? { filter } : {}), ...(topic ? { topic } : {}) },
  }));
  return {
    kind: 'Panel',
    spec: {
      id: panel.id as number,
      title: panel.title ?? '',
      ...(panel.description !== undefined ? { description: panel.description } : {}),
      links: (panel.links ?? []).map(({ title, url = '', targetBlank }) => ({ title, url, ...(targetBlank !== undefined ? { targetBlank } : {}) })),
      data: {
        kind: 'QueryGroup',
        spec: {
          queries,
          transformations,
          queryOptions: {
            ...(panel.maxDataPoints != null ? { maxDataPoints: panel.maxDataPoints } : {}),
            ...(panel.interval != null ? { interval: panel.interval } : {}),
            ...(panel.timeFrom != null ? { timeFrom: panel.timeFrom } : {}),
            ...(panel.timeShift != null ? { timeShift: panel.timeShift } : {}),
            ...(panel.hideTimeOverride != null ? { hideTimeOverride: panel.hideTimeOverride } : {}),
          },
        },
      },
      vizConfig: {
        kind: 'VizConfig',
        group: panel.type,
        version: panel.pluginVersion ?? '',
        spec: {
          options: (panel.options ?? {}) as Record<string, unknown>,
          fieldConfig: { defaults: fieldDefaults(panel.fieldConfig?.defaults ?? {}), overrides: panel.fieldConfig?.overrides ?? [] } as never,
        },
      },
      ...(panel.transparent !== undefined ? { transparent: panel.transparent } : {}),
    },
  };
}

/** v2 spells the base threshold step's value out, `null`, where the classic model may leave it away. */
function fieldDefaults(defaults: NonNullable<Panel['fieldConfig']>['defaults']): typeof defaults {
  const thresholds = defaults.thresholds;
  if (!thresholds?.steps) return defaults;
  return { ...defaults, thresholds: { ...thresholds, steps: thresholds.steps.map((step) => ({ ...step, value: step.value ?? null })) } };
}

/**
 * Without rows, one grid at the classic positions. With rows, one grid per row, its positions counted from the
 * row's top; panels above the first row go into a row without a header, as Grafana lays them out.
 */
function layout(panels: ReadonlyArray<Panel | RowPanel>): GridLayoutKind | RowsLayoutKind {
  if (!panels.some(isRow)) return grid(panels as Panel[], 0);
  const rows: RowsLayoutRowKind[] = [];
  let loose: Panel[] = [];
  for (const [i, panel] of panels.entries()) {
    if (!isRow(panel)) {
      loose.push(panel);
      continue;
    }
    if (i > 0 && rows.length === 0) rows.push({ kind: 'RowsLayoutRow', spec: { hideHeader: true, collapse: false, layout: grid(loose, 0) } });
    loose = [];
    const children = panel.collapsed ? (panel.panels ?? []) : membersOf(panels, i);
    rows.push({
      kind: 'RowsLayoutRow',
      spec: { title: panel.title ?? '', collapse: panel.collapsed ?? false, layout: grid(children as Panel[], (panel.gridPos?.y ?? 0) + 1) },
    });
  }
  return { kind: 'RowsLayout', spec: { rows } };
}

/** An expanded row's members: the panels after it, up to the next row. */
function membersOf(panels: ReadonlyArray<Panel | RowPanel>, rowIndex: number): Panel[] {
  const next = panels.findIndex((p, j) => j > rowIndex && isRow(p));
  return panels.slice(rowIndex + 1, next === -1 ? undefined : next) as Panel[];
}

/**
 * Missing positions get Grafana's own defaults for a panel. Positions count from the row's top; a panel a file
 * places above its row moves the row's whole grid down with it, so the panels keep their places to each other.
 */
function grid(panels: readonly Panel[], top: number): GridLayoutKind {
  const placed = panels.map((panel) => ({ panel, x: 0, y: top, w: 6, h: 3, ...panel.gridPos }));
  const origin = Math.min(top, ...placed.map((p) => p.y));
  const items = placed.map(({ panel, x, y, w, h }): GridLayoutItemKind => {
    const element = { kind: 'ElementReference' as const, name: elementName(panel.id as number) };
    return { kind: 'GridLayoutItem', spec: { x, y: y - origin, width: w, height: h, element } };
  });
  return { kind: 'GridLayout', spec: { items } };
}

const HIDE: readonly VariableHide[] = ['dontHide', 'hideLabel', 'hideVariable'];
const REFRESH: readonly VariableRefresh[] = ['never', 'onDashboardLoad', 'onTimeRangeChanged'];

/** The classic variable kinds a mixin declares; others have no faithful v2 form here and are refused by name. */
function variable(v: VariableModel): VariableKind {
  const common = {
    name: v.name,
    ...(v.label !== undefined ? { label: v.label } : {}),
    ...(v.description != null ? { description: v.description } : {}),
    hide: HIDE[v.hide ?? 0] ?? 'dontHide',
    skipUrlSync: v.skipUrlSync ?? false,
  };
  const current: VariableOption = { text: (v.current?.text ?? '') as string | string[], value: (v.current?.value ?? '') as string | string[] };
  const options = (v.options ?? []).map((o): VariableOption => ({ text: o.text as string | string[], value: o.value as string | string[] }));
  const query = typeof v.query === 'string' ? v.query : '';
  const choice = { multi: v.multi ?? false, includeAll: v.includeAll ?? false, ...(v.allValue != null ? { allValue: v.allValue } : {}), allowCustomValue: v.allowCustomValue ?? true };
  switch (v.type) {
    case 'datasource':
      return { kind: 'DatasourceVariable', spec: { ...common, ...choice, pluginId: query, refresh: REFRESH[v.refresh ?? 1] ?? 'onDashboardLoad', regex: v.regex ?? '', current, options } };
    case 'query':
      return {
        kind: 'QueryVariable',
        spec: {
          ...common,
          ...choice,
          current,
          options,
          query: dataQuery(v.datasource, typeof v.query === 'object' && v.query !== null ? (v.query as Record<string, unknown>) : { query }),
          refresh: REFRESH[v.refresh ?? 1] ?? 'onDashboardLoad',
          regex: v.regex ?? '',
          sort: 'disabled',
        },
      };
    case 'custom':
      return { kind: 'CustomVariable', spec: { ...common, ...choice, query, current, options } };
    case 'constant':
      return { kind: 'ConstantVariable', spec: { ...common, query, current } };
    case 'textbox':
      return { kind: 'TextVariable', spec: { ...common, query, current } };
    case 'interval': {
      // The classic model keeps these beside the typed fields; @grafana/schema's VariableModel does not list them.
      const { auto = false, auto_min = '10s', auto_count = 30 } = v as { auto?: boolean; auto_min?: string; auto_count?: number };
      return { kind: 'IntervalVariable', spec: { ...common, query, current, options, auto, auto_min, auto_count, refresh: 'onTimeRangeChanged' } };
    }
    default:
      throw new Error(`variable "${v.name}" is of type "${v.type}", which the v2 output does not convert; use datasource, query, custom, constant, textbox or interval`);
  }
}

function annotation(a: AnnotationQuery): AnnotationQueryKind {
  return {
    kind: 'AnnotationQuery',
    spec: {
      name: a.name,
      enable: a.enable,
      hide: a.hide ?? false,
      iconColor: a.iconColor,
      ...(a.builtIn !== undefined ? { builtIn: Boolean(a.builtIn) } : {}),
      query: dataQuery(a.datasource, (a.target ?? {}) as Record<string, unknown>),
    },
  };
}
