/**
 * One fault at a time, planted in the project's own output: each must be caught by `npm run validate`'s checks
 * with the expected rule id, and the untouched mixin must stay clean.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import mixin, { patchAlert, type MixinOutputs, type Rule } from 'spt-mixin';
import { main } from '../lib/cli/commands.js';
import { checkSpt } from '../lib/spt/render.js';
import type { Patch } from '../lib/engine/merge.js';
import { serializeAll } from '../lib/render/serialize.js';
import { artifacts } from '../lib/spt/deploy.js';

const FILE = 'spt-overview.json';
type Panel = Record<string, unknown> & { title?: string; targets?: Array<Record<string, unknown>> };

/** Replaces the panel titled `title` with `edit(panel)`. */
const panel = (title: string, edit: (p: Panel) => Panel) => (current: MixinOutputs): Patch<MixinOutputs> => {
  const panels = (current.grafanaDashboards[FILE]?.panels ?? []) as unknown as Panel[];
  if (!panels.some((p) => p.title === title)) throw new Error(`no panel ${title}`);
  return { grafanaDashboards: { [FILE]: { panels: panels.map((p) => (p.title === title ? edit(p) : p)) as never } } };
};
/** Sets the first query of a panel. */
const query = (title: string, expr: string) => panel(title, (p) => ({ ...p, targets: [{ ...p.targets?.[0], expr }] }));
const without = (title: string, key: string) => panel(title, (p) => Object.fromEntries(Object.entries(p).filter(([k]) => k !== key)) as Panel);
const alertExpr = (alert: string, expr: string) => patchAlert(alert, { expr });
/** Replaces the alerts file's groups wholesale, for faults that patches of one rule cannot express. */
const alertGroups = (edit: (groups: MixinOutputs['prometheusAlerts']['groups']) => MixinOutputs['prometheusAlerts']['groups']) =>
  (current: MixinOutputs): Patch<MixinOutputs> => ({ prometheusAlerts: { groups: edit(current.prometheusAlerts.groups) } });
const withoutAnnotation = (alert: string, key: string) =>
  alertGroups((groups) =>
    groups.map((g) => ({
      ...g,
      rules: g.rules.map((r): Rule =>
        r.alert === alert ? { ...r, annotations: Object.fromEntries(Object.entries(r.annotations ?? {}).filter(([k]) => k !== key)) } : r,
      ),
    })),
  );

type Fault = [string, Parameters<typeof mixin.extend>[0], string];

const FAULTS: Fault[] = [
  ['typo in a panel metric name', query('Uptime', 'time() - max(process_start_time_second{job="server-price-tracker"})'), 'catalogue/unknown-metric'],
  ['typo in an alert metric name', alertExpr('SptReadinessDown', 'spt_readyz_upp{job="server-price-tracker"} == 0'), 'catalogue/unknown-metric'],
  ['typo in a matcher label', query('Request Rate', 'sum(rate(spt_http_requests_total{jbo="server-price-tracker"}[$__rate_interval]))'), 'catalogue/unknown-label'],
  ['typo in a by() label', query('Request Rate', 'sum by (stauts) (rate(spt_http_requests_total[$__rate_interval]))'), 'catalogue/unknown-label'],
  ['rate() over a gauge', query('Healthz', 'rate(spt_healthz_up[5m])'), 'catalogue/rate-on-gauge'],
  ['increase() over a gauge in an alert', alertExpr('SptEbayQuotaHigh', 'increase(spt_ebay_daily_usage[5m]) > 4000'), 'catalogue/rate-on-gauge'],
  ['histogram_quantile without le', query('Latency p50/p95/p99', 'histogram_quantile(0.5, sum(rate(spt_http_request_duration_seconds_bucket[5m])))'), 'catalogue/quantile-without-le'],
  ['histogram_quantile over a non-bucket series', query('Cycle Duration', 'histogram_quantile(0.5, rate(spt_ingestion_duration_seconds_sum[5m]))'), 'catalogue/quantile-without-le'],
  ['a parse error in a panel', query('Listings/min', '60 * sum(rate(spt_ingestion_listings_total[$__rate_interval])'), 'promql/syntax'],
  ['a parse error in an alert', alertExpr('SptDown', 'absent(up{job="server-price-tracker"}'), 'promql/syntax'],
  ['an unknown function', query('Listings/min', 'ratee(spt_ingestion_listings_total[5m])'), 'promql/syntax'],
  ['an empty query', query('Errors/min', ''), 'promql/empty'],
  ['rate() of an instant vector', query('Errors/min', 'rate(spt_ingestion_errors_total)'), 'promql/type'],
  ['sum() of a range vector', query('Errors/min', 'sum(spt_ingestion_errors_total[5m])'), 'promql/type'],
  ['wrong argument count', query('Duration p50/p95', 'histogram_quantile(sum by (le) (rate(spt_extraction_duration_seconds_bucket[5m])))'), 'promql/arity'],
  ['topk without its parameter', query('Failure Rate', 'topk(rate(spt_extraction_failures_total[5m]))'), 'promql/aggregation'],
  ['a rule returning a range vector', alertExpr('SptIngestionErrors', 'spt:ingestion_errors:rate5m[5m]'), 'promql/result-type'],
  ['a Grafana variable in a rule', alertExpr('SptIngestionErrors', 'rate(spt_ingestion_errors_total[$__rate_interval]) > 0'), 'rules/expr'],
  ['duplicate panel id', panel('Readyz', (p) => ({ ...p, id: 2 })), 'dashboard/duplicate-panel-id'],
  ['missing panel id', without('Readyz', 'id'), 'dashboard/missing-panel-id'],
  ['overlapping panels', panel('Readyz', (p) => ({ ...p, gridPos: { x: 3, y: 1, w: 6, h: 4 } })), 'dashboard/overlap'],
  ['a panel off the grid', panel('Uptime', (p) => ({ ...p, gridPos: { x: 20, y: 1, w: 6, h: 4 } })), 'dashboard/grid-bounds'],
  ['a hard-coded datasource on a panel', panel('Uptime', (p) => ({ ...p, datasource: { type: 'prometheus', uid: 'P1809F7CD0C75ACF3' } })), 'dashboard/datasource'],
  ['a string datasource on a query', panel('Uptime', (p) => ({ ...p, targets: [{ ...p.targets?.[0], datasource: 'Prometheus' }] })), 'dashboard/datasource'],
  ['a panel without a unit', panel('Uptime', (p) => ({ ...p, fieldConfig: { defaults: {}, overrides: [] } })), 'dashboard/unit'],
  ['a panel without a description', without('Uptime', 'description'), 'dashboard/description'],
  ['a panel without a title', panel('Uptime', (p) => ({ ...p, title: '' })), 'dashboard/title'],
  ['a removed Angular panel type', panel('Uptime', (p) => ({ ...p, type: 'singlestat' })), 'dashboard/removed-panel'],
  ['a schema violation (refresh as a number)', { grafanaDashboards: { [FILE]: { refresh: 30 as never } } }, 'dashboard/schema'],
  ['an alert without summary', withoutAnnotation('SptDown', 'summary'), 'rules/summary'],
  ['a templated summary', patchAlert('SptDown', { annotations: { summary: 'SPT {{ $labels.instance }} is down.' } }), 'rules/summary'],
  ['a summary that is not a sentence', patchAlert('SptDown', { annotations: { summary: 'SPT down' } }), 'rules/summary'],
  ['an alert without description', withoutAnnotation('SptDown', 'description'), 'rules/description'],
  ['a description without templating', patchAlert('SptDown', { annotations: { description: 'SPT is down.' } }), 'rules/description'],
  ['a broken description template', patchAlert('SptDown', { annotations: { description: 'Down at {{ $value | humanise }}.' } }), 'rules/template'],
  ['an unclosed template action', patchAlert('SptDown', { annotations: { description: 'Down at {{ $value.' } }), 'rules/template'],
  ['an alert without runbook_url', withoutAnnotation('SptDown', 'runbook_url'), 'rules/runbook'],
  ['a bogus severity', patchAlert('SptDown', { labels: { severity: 'page' } }), 'rules/severity'],
  ['a bad for', patchAlert('SptDown', { for: '5 minutes' }), 'rules/for'],
  ['an alert name without the prefix', patchAlert('SptDown', { alert: 'ServiceDown' }), 'rules/alert-name'],
  ['an alert name not in CamelCase', patchAlert('SptDown', { alert: 'Spt_down' }), 'rules/alert-name'],
  ['a malformed recording name', { prometheusRules: { groups: [{ name: 'spt.rules', rules: [{ record: 'spt-http-requests', expr: 'sum(rate(spt_http_requests_total[5m]))' }] }] } }, 'rules/record-name'],
  ['a recording name without levels', { prometheusRules: { groups: [{ name: 'spt.rules', rules: [{ record: 'spt_http_requests_rate5m', expr: 'sum(rate(spt_http_requests_total[5m]))' }] }] } }, 'rules/record-name'],
  ['an alert on an undefined recording rule', alertExpr('SptIngestionErrors', 'spt:ingestion_errors:rate1m > 0'), 'rules/undefined-record'],
  ['duplicate group names', alertGroups((groups) => groups.map((g) => ({ ...g, name: 'spt' }))), 'rules/duplicate-group'],
  ['a rule with both alert and record', patchAlert('SptDown', { record: 'spt:down:bool' }), 'rules/shape'],
];

test('the untouched mixin is clean', () => {
  assert.equal(checkSpt(mixin), []);
});

test(`${FAULTS.length} planted faults, each caught with its rule id`, () => {
  const missed: string[] = [];
  for (const [name, patch, rule] of FAULTS) {
    const findings = checkSpt(mixin.extend(patch));
    if (!findings.some((f) => f.rule === rule && f.severity === 'error')) {
      missed.push(`${name}: expected ${rule}, got ${findings.map((f) => `${f.severity} ${f.rule}`).join(', ') || 'nothing'}`);
    }
  }
  assert.equal(missed, []);
  assert.ok(FAULTS.length >= 30);
});

/**
 * With the v2 output rendered too, every fault planted in the dashboard is also caught in the v2 file, pointing
 * into the resource, except what the v2 model cannot hold.
 */
const IN_V2_AS: Readonly<Record<string, string | null>> = {
  // v2 names elements after panel ids: the converter refuses the dashboard, and the check says so.
  'missing panel id': 'dashboard/shape',
  // v2 panels have no datasource of their own; the queries keep theirs, so the v2 file is right and the classic one is caught.
  'a hard-coded datasource on a panel': null,
};

test('the dashboard faults are caught in the v2 output as well', () => {
  const v2 = mixin.withConfig({ grafanaDashboardFormat: 'both' });
  const missed: string[] = [];
  let planted = 0;
  for (const [name, patch, rule] of FAULTS) {
    const findings = checkSpt(v2.extend(patch));
    if (!findings.some((f) => f.rule === rule && f.location.file === `grafana/data/${FILE}`)) continue;
    planted++;
    const expected = name in IN_V2_AS ? IN_V2_AS[name] : rule;
    const inV2 = findings.filter((f) => f.location.file === `grafana/v2/${FILE}` && f.severity === 'error');
    // A refused conversion has no place in the resource; every other finding points into its spec.
    const caught = (f: (typeof inV2)[number]): boolean => f.rule === expected && (f.location.path === undefined || f.location.path.startsWith('/spec/'));
    if (expected === null ? inV2.length > 0 : !inV2.some(caught)) {
      missed.push(`${name}: expected ${expected ?? 'nothing'} in the v2 file, got ${inV2.map((f) => `${f.rule} ${f.location.path}`).join(', ') || 'nothing'}`);
    }
  }
  assert.equal(missed, []);
  assert.ok(planted >= 20, `${planted} dashboard faults`);
});

/** Convention misses: what Grafana and Prometheus load fine, which only a gate on warnings catches in foreign files. */
const CONVENTION_MISSES = new Set([
  'an alert without summary', 'a bogus severity', 'an alert name not in CamelCase', 'duplicate panel id', 'overlapping panels',
  'a panel off the grid', 'a hard-coded datasource on a panel', 'a panel without a unit', 'a panel without a description',
  'an alert without runbook_url', 'a summary that is not a sentence', 'a removed Angular panel type',
]);

test('npm run lint fails on each convention miss in our rendered output; read as foreign files, with --max-warnings 0', async () => {
  const quiet = { out: () => {}, err: () => {} };
  const root = mkdtempSync(join(tmpdir(), 'spt-faults-'));
  const missed: string[] = [];
  try {
    const faults: Fault[] = [['nothing (the untouched mixin passes every way)', {}, ''], ...FAULTS.filter(([name]) => CONVENTION_MISSES.has(name))];
    assert.is(faults.length, CONVENTION_MISSES.size + 1);
    for (const [i, [name, patch]] of faults.entries()) {
      const expected = i === 0 ? 0 : 1;
      const out = join(root, String(i));
      for (const [path, text] of await serializeAll(artifacts(mixin.extend(patch)))) {
        mkdirSync(dirname(join(out, path)), { recursive: true });
        writeFileSync(join(out, path), text);
      }
      // Our own output, as `npm run lint` reads deploy/: every check validate applies.
      if ((await main(['lint', '--out', out], quiet)) !== expected) missed.push(`${name}: own output, exit code not ${expected}`);
      // The same files under another folder are foreign: convention misses are warnings, which the gate counts.
      const foreign = join(out, 'grafana');
      if ((await main(['lint', foreign, join(out, 'prometheus'), '--out', join(root, 'elsewhere')], quiet)) !== 0) missed.push(`${name}: foreign files failed without a gate`);
      if ((await main(['lint', foreign, join(out, 'prometheus'), '--out', join(root, 'elsewhere'), '--max-warnings', '0'], quiet)) !== expected) missed.push(`${name}: --max-warnings 0, exit code not ${expected}`);
    }
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
  assert.equal(missed, []);
});

test.run();
