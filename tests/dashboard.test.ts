/** The SPT Overview dashboard, as the plan lays it out. */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import mixin from '../mixin.js';
import { GRID_COLUMNS } from '../lib/grafana/dashboard.js';

interface P {
  id: number;
  type: string;
  title: string;
  description?: string;
  gridPos: { x: number; y: number; w: number; h: number };
  datasource?: { type: string; uid: string };
  targets?: Array<{ expr: string; datasource: { uid: string }; legendFormat: string }>;
  fieldConfig?: { defaults: { unit?: string; thresholds?: { steps: Array<{ color: string; value: number | null }> } } };
  panels?: P[];
  options?: { legend?: { showLegend: boolean } };
}

const dashboard = mixin.grafanaDashboards['spt-overview.json'] as unknown as {
  uid: string;
  title: string;
  tags: string[];
  refresh: string;
  templating: { list: Array<{ name: string; type: string; query: string }> };
  panels: P[];
};

/** Rows with the panels they hold, whether the row is expanded (panels follow it) or collapsed (nested). */
function rows(): Array<{ row: P; panels: P[] }> {
  const out: Array<{ row: P; panels: P[] }> = [];
  for (const p of dashboard.panels) {
    if (p.type === 'row') out.push({ row: p, panels: [...(p.panels ?? [])] });
    else out.at(-1)?.panels.push(p);
  }
  return out;
}
const allPanels = (): P[] => rows().flatMap((r) => r.panels);

// The plan's layout table, row by row: [title, type].
const PLAN: Array<[string, Array<[string, string]>]> = [
  ['Overview', [['Healthz', 'stat'], ['Readyz', 'stat'], ['eBay Quota %', 'gauge'], ['Uptime', 'stat']]],
  ['HTTP', [['Request Rate', 'timeseries'], ['Latency p50/p95/p99', 'timeseries'], ['Error Rate %', 'timeseries']]],
  ['eBay API', [['API Calls Rate', 'timeseries'], ['Daily Usage vs Limit', 'timeseries'], ['Limit Hits', 'stat']]],
  ['Ingestion', [['Listings/min', 'timeseries'], ['Errors/min', 'timeseries'], ['Cycle Duration', 'timeseries']]],
  ['Extraction', [['Duration p50/p95', 'timeseries'], ['Failure Rate', 'timeseries']]],
  ['Scoring', [['Score Distribution', 'bargauge']]],
  ['Alerts', [['Alerts Fired Rate', 'timeseries'], ['Notification Failures', 'stat']]],
];

test('dashboard identity: title, uid, tags, refresh and the datasource variable', () => {
  assert.is(dashboard.title, 'SPT Overview');
  assert.is(dashboard.uid, 'spt-overview');
  assert.equal(dashboard.tags, ['spt', 'server-price-tracker']);
  assert.is(dashboard.refresh, '30s');
  const ds = dashboard.templating.list.find((v) => v.name === 'datasource');
  assert.equal(ds && { type: ds.type, query: ds.query }, { type: 'datasource', query: 'prometheus' });
});

test('the plan\'s 7 rows, in order, holding exactly its 18 panels with its panel types', () => {
  const actual = rows().map(({ row, panels }) => [row.title, panels.map((p) => [p.title, p.type])]);
  assert.equal(actual, PLAN);
  assert.is(allPanels().length, 18);
});

test('every panel id is unique, rows included', () => {
  const ids = [...dashboard.panels, ...dashboard.panels.flatMap((p) => p.panels ?? [])].map((p) => p.id);
  assert.is(new Set(ids).size, ids.length);
  assert.is(ids.length, 25);
});

test('every panel sits inside the 24-column grid and no two panels overlap', () => {
  const boxes = [...dashboard.panels, ...dashboard.panels.flatMap((p) => p.panels ?? [])];
  for (const { title, gridPos: g } of boxes) {
    assert.ok(g.x >= 0 && g.y >= 0 && g.w >= 1 && g.h >= 1 && g.x + g.w <= GRID_COLUMNS, `${title} is off the grid`);
  }
  for (const [i, a] of boxes.entries()) {
    for (const b of boxes.slice(i + 1)) {
      const apart =
        a.gridPos.x + a.gridPos.w <= b.gridPos.x ||
        b.gridPos.x + b.gridPos.w <= a.gridPos.x ||
        a.gridPos.y + a.gridPos.h <= b.gridPos.y ||
        b.gridPos.y + b.gridPos.h <= a.gridPos.y;
      assert.ok(apart, `${a.title} overlaps ${b.title}`);
    }
  }
});

test('every panel and query uses the ${datasource} variable; every panel has a description and a unit', () => {
  for (const p of allPanels()) {
    assert.equal(p.datasource, { type: 'prometheus', uid: '${datasource}' }, p.title);
    assert.ok(p.targets && p.targets.length > 0, `${p.title} has queries`);
    for (const t of p.targets ?? []) assert.is(t.datasource.uid, '${datasource}', p.title);
    assert.ok(p.description && p.description.length > 10, `${p.title} has a description`);
    assert.ok(p.fieldConfig?.defaults.unit, `${p.title} has a unit`);
  }
});

test('timeseries legends are shown', () => {
  for (const p of allPanels().filter((x) => x.type === 'timeseries')) assert.ok(p.options?.legend?.showLegend, p.title);
});

const panel = (title: string): P => {
  const found = allPanels().find((p) => p.title === title);
  if (!found) throw new Error(`no panel "${title}"`);
  return found;
};
const exprs = (title: string): string[] => (panel(title).targets ?? []).map((t) => t.expr);

test('latency panels: p50/p95/p99 (p50/p95 for extraction) from _bucket series, le kept', () => {
  const cases: Array<[string, string, string[]]> = [
    ['Latency p50/p95/p99', 'spt_http_request_duration_seconds_bucket', ['0.5', '0.95', '0.99']],
    ['Cycle Duration', 'spt_ingestion_duration_seconds_bucket', ['0.5', '0.95', '0.99']],
    ['Duration p50/p95', 'spt_extraction_duration_seconds_bucket', ['0.5', '0.95']],
  ];
  for (const [title, bucket, quantiles] of cases) {
    const list = exprs(title);
    assert.equal(list.map((e) => /^histogram_quantile\(([\d.]+),/.exec(e)?.[1]), quantiles, title);
    for (const e of list) {
      assert.ok(e.includes(`${bucket}{`) && e.includes('sum by (le)'), e);
    }
    assert.equal(panel(title).targets?.map((t) => t.legendFormat), quantiles.map((q) => `p${Math.round(Number(q) * 100)}`));
  }
});

test('dashboard rate() windows use $__rate_interval; uptime comes from process_start_time_seconds', () => {
  const all = allPanels().flatMap((p) => (p.targets ?? []).map((t) => t.expr));
  const rates = all.flatMap((e) => [...e.matchAll(/\brate\([^[]*\[([^\]]+)\]/g)].map((m) => m[1]));
  assert.ok(rates.length >= 10);
  for (const window of rates) assert.is(window, '$__rate_interval');
  assert.ok(exprs('Uptime')[0]?.includes('process_start_time_seconds{job="server-price-tracker"}'));
});

test('thresholds: health stats red/green, quota gauge 0-100 % of the daily limit', () => {
  for (const title of ['Healthz', 'Readyz']) {
    assert.equal(panel(title).fieldConfig?.defaults.thresholds?.steps, [
      { color: 'red', value: null },
      { color: 'green', value: 1 },
    ]);
  }
  const quota = panel('eBay Quota %');
  assert.equal([quota.fieldConfig?.defaults.unit, (quota.fieldConfig?.defaults as { min?: number }).min, (quota.fieldConfig?.defaults as { max?: number }).max], ['percent', 0, 100]);
  assert.ok(exprs('eBay Quota %')[0]?.endsWith('/ 5000'));
  assert.equal(quota.fieldConfig?.defaults.thresholds?.steps.map((s) => s.value), [null, 80, 100]);
});

test.run();
