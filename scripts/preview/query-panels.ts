/**
 * Runs every panel's queries as Grafana would against the preview's Prometheus, and turns the answers into
 * the frames the page draws: legends filled in, range results on the step grid (a missing point is a gap),
 * `format: heatmap` buckets de-accumulated as Grafana does.
 */
import type { Prometheus, Series } from '../../tests/live/prometheus.js';
import { prometheusRequests, type Target, type TimeRange } from './grafana-queries.js';
import type { Frame, PageData, PagePanel, PrometheusRequest } from './page-data.js';

const GRID_MARGIN = 8;
/** Grafana's panel padding: a panel's plot, and so its `maxDataPoints`, is this much narrower on each side. */
const PANEL_PADDING = 8;

type Json = Record<string, any>;

/** The datasource references that mean "the dashboard's Prometheus": the variable, or none (the default). */
function isPreviewDatasource(ref: unknown): boolean {
  if (ref === undefined || ref === null) return true;
  if (typeof ref === 'string') return ref === '${datasource}' || ref === '$datasource';
  const { uid, type } = ref as { uid?: string; type?: string };
  return uid === '${datasource}' || uid === '$datasource' || (uid === undefined && (type === undefined || type === 'prometheus'));
}

export async function queryPanels(dashboard: Json, prometheus: Prometheus, range: TimeRange, width: number): Promise<PageData> {
  const columnWidth = (width - GRID_MARGIN * 23) / 24;
  const panels: PagePanel[] = [];
  // Collapsed rows' panels are not shown, so Grafana does not query them either.
  for (const panel of (dashboard.panels ?? []) as Json[]) {
    const gridPos = panel.gridPos as PagePanel['gridPos'];
    const page: PagePanel = {
      id: panel.id,
      type: panel.type,
      title: panel.title ?? '',
      gridPos,
      ...(panel.type === 'row' ? { collapsed: panel.collapsed === true } : {}),
      fieldConfig: panel.fieldConfig?.defaults ?? {},
      options: panel.options ?? {},
      frames: [],
      requests: [],
    };
    panels.push(page);
    if (panel.type === 'row') continue;
    const maxDataPoints = Math.round(gridPos.w * columnWidth + (gridPos.w - 1) * GRID_MARGIN - 2 * PANEL_PADDING);
    try {
      for (const target of (panel.targets ?? []) as Target[] & Json[]) {
        if (target.hide === true || !target.expr) continue;
        const ref = target.datasource ?? panel.datasource;
        if (!isPreviewDatasource(ref)) throw new Error(`query ${target.refId} uses datasource ${JSON.stringify(ref)}, not the dashboard's Prometheus variable`);
        for (const request of prometheusRequests(target, range, maxDataPoints)) {
          page.requests.push(request);
          const series = await run(prometheus, request);
          const heatmap = target.format === 'heatmap';
          const frames = (heatmap ? byBucket(series) : series).map((s) => toFrame(s, request, target.refId ?? 'A', target.legendFormat));
          page.frames.push(...(heatmap ? deaccumulate(frames) : frames));
        }
      }
    } catch (error) {
      page.error = error instanceof Error ? error.message : String(error);
    }
  }
  return { title: dashboard.title ?? '', width, range, panels };
}

function run(prometheus: Prometheus, request: PrometheusRequest): Promise<Series[]> {
  return request.kind === 'range'
    ? prometheus.queryRange(request.expr, request.start, request.end, request.step)
    : prometheus.query(request.expr, request.time);
}

function toFrame(series: Series, request: PrometheusRequest, refId: string, legendFormat: string | undefined): Frame {
  const name = legend(series.metric, legendFormat);
  if (request.kind === 'instant') {
    const [t, v] = series.value as [number, string];
    return { refId, name, times: [t * 1000], values: [Number(v)] };
  }
  const byTime = new Map((series.values ?? []).map(([t, v]) => [Math.round(t * 1000), Number(v)]));
  const times: number[] = [];
  for (let t = request.start; t <= request.end + 1e-9; t += request.step) times.push(Math.round(t * 1000));
  return { refId, name, times, values: times.map((t) => byTime.get(t) ?? null) };
}

/** Grafana's legend template: `{{label}}` from the series' labels; no template shows the series as PromQL prints it. */
function legend(labels: Record<string, string>, format: string | undefined): string {
  if (format && format !== '__auto') return format.replace(/\{\{\s*(.+?)\s*\}\}/g, (_, name: string) => labels[name] ?? '');
  const { __name__: name = '', ...rest } = labels;
  const inner = Object.entries(rest).map(([k, v]) => `${k}="${v}"`).join(', ');
  return inner ? `${name}{${inner}}` : name || '{}';
}

function byBucket(series: Series[]): Series[] {
  const le = (s: Series) => (s.metric.le === '+Inf' ? Infinity : Number(s.metric.le));
  return [...series].sort((a, b) => le(a) - le(b));
}

/** Heatmap format: buckets in `le` order, each the count of its own band (its cumulative count minus the one below). */
function deaccumulate(sorted: Frame[]): Frame[] {
  return sorted.map((frame, i) => {
    const below = sorted[i - 1];
    return below ? { ...frame, values: frame.values.map((v, j) => (v === null ? null : v - (below.values[j] ?? 0))) } : frame;
  });
}
