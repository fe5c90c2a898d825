/**
 * Panel builders. A panel is content only (title, queries, unit, thresholds); its size and position are given
 * when the dashboard is assembled, so topic modules never reason about the grid.
 */
import type { DataSourceRef, Panel, ThresholdsConfig, ValueMapping } from '@grafana/schema';
import type { Expr } from '../engine/promql.js';

/** Every panel and query points at the dashboard's datasource variable, never at a concrete datasource. */
export const DATASOURCE_VARIABLE = '${datasource}';

export function datasourceRef(): DataSourceRef {
  return { type: 'prometheus', uid: DATASOURCE_VARIABLE };
}

export interface Query {
  expr: Expr;
  legend: string;
  /** Instant queries for single-value panels; Grafana's `format: heatmap` for cumulative histogram buckets. */
  instant?: boolean;
  format?: 'time_series' | 'heatmap';
}

export const query = (expr: Expr, legend: string, extra: Omit<Query, 'expr' | 'legend'> = {}): Query => ({
  expr,
  legend,
  ...extra,
});

export interface ThresholdStep {
  color: string;
  /** `null` is Grafana's "base" step, below every other. */
  value: number | null;
}

export function thresholds(base: string, ...steps: Array<[number, string]>): ThresholdsConfig {
  const list: ThresholdStep[] = [{ color: base, value: null }, ...steps.map(([value, color]) => ({ color, value }))];
  return { mode: 'absolute' as ThresholdsConfig['mode'], steps: list };
}

interface CommonOptions {
  title: string;
  description: string;
  unit: string;
  queries: Query[];
  thresholds?: ThresholdsConfig;
  min?: number;
  max?: number;
  decimals?: number;
  mappings?: ValueMapping[];
}

/** A panel without its place on the grid; the layout adds `id` and `gridPos`. */
export type PanelContent = Omit<Panel, 'id' | 'gridPos'> & { type: string; title: string };

function targets(queries: Query[]): Panel['targets'] {
  return queries.map((q, i) => ({
    refId: String.fromCharCode(65 + i),
    datasource: datasourceRef(),
    expr: q.expr.text,
    legendFormat: q.legend,
    range: !q.instant,
    instant: q.instant ?? false,
    ...(q.format ? { format: q.format } : {}),
  }));
}

function base(type: string, o: CommonOptions, custom: Record<string, unknown>, options: Record<string, unknown>): PanelContent {
  if (o.queries.length > 26) throw new Error(`panel "${o.title}" has ${o.queries.length} queries; Grafana refIds stop at Z`);
  return {
    type,
    title: o.title,
    description: o.description,
    datasource: datasourceRef(),
    targets: targets(o.queries),
    fieldConfig: {
      defaults: {
        unit: o.unit,
        ...(o.min !== undefined ? { min: o.min } : {}),
        ...(o.max !== undefined ? { max: o.max } : {}),
        ...(o.decimals !== undefined ? { decimals: o.decimals } : {}),
        ...(o.thresholds ? { thresholds: o.thresholds } : {}),
        ...(o.mappings ? { mappings: o.mappings } : {}),
        custom,
      },
      overrides: [],
    },
    options,
  };
}

const legend = { displayMode: 'table', placement: 'bottom', showLegend: true, calcs: ['mean', 'max', 'lastNotNull'] };

export interface TimeseriesOptions extends CommonOptions {
  /** Draw the thresholds as lines, for series judged against a limit. */
  showThresholds?: boolean;
  stacked?: boolean;
}

export function timeseries(o: TimeseriesOptions): PanelContent {
  return base(
    'timeseries',
    o,
    {
      drawStyle: 'line',
      lineWidth: 1,
      fillOpacity: 10,
      showPoints: 'never',
      spanNulls: false,
      stacking: { mode: o.stacked ? 'normal' : 'none', group: 'A' },
      thresholdsStyle: { mode: o.showThresholds ? 'line' : 'off' },
    },
    { legend, tooltip: { mode: 'multi', sort: 'desc' } },
  );
}

const singleValueReduce = { calcs: ['lastNotNull'], fields: '', values: false };

export function stat(o: CommonOptions): PanelContent {
  return base('stat', o, {}, {
    reduceOptions: singleValueReduce,
    colorMode: 'background',
    graphMode: 'none',
    justifyMode: 'auto',
    orientation: 'auto',
    textMode: 'auto',
  });
}

export function gauge(o: CommonOptions): PanelContent {
  return base('gauge', o, {}, {
    reduceOptions: singleValueReduce,
    orientation: 'auto',
    showThresholdLabels: false,
    showThresholdMarkers: true,
  });
}

export function barGauge(o: CommonOptions): PanelContent {
  return base('bargauge', o, {}, {
    reduceOptions: singleValueReduce,
    displayMode: 'gradient',
    orientation: 'horizontal',
    showUnfilled: true,
    minVizHeight: 10,
    minVizWidth: 0,
    valueMode: 'color',
    namePlacement: 'auto',
    sizing: 'auto',
    legend: { showLegend: true, displayMode: 'list', placement: 'bottom' },
  });
}

/** Maps exact values to text and colour, e.g. 1 → "Up" (green). */
export function valueText(entries: Array<[number, string, string]>): ValueMapping[] {
  const options = Object.fromEntries(entries.map(([value, text, color], index) => [String(value), { text, color, index }]));
  return [{ type: 'value', options } as ValueMapping];
}
