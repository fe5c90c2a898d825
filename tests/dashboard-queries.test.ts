/**
 * Dashboard queries: each in the language of its datasource, only the ones Grafana sends, through the same
 * panel traversal as the schema, layout and content checks.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { checkDashboard } from '../lib/check/dashboard.js';
import type { Finding } from '../lib/check/finding.js';
import { checkDashboardQueries } from '../lib/check/queries.js';

type Json = Record<string, unknown>;

const gridPos = (y: number) => ({ x: 0, y, w: 24, h: 8 });
const target = (expr: string, extra: Json = {}): Json => ({ refId: 'A', expr, ...extra });
const panel = (id: number, targets: Json[], extra: Json = {}): Json => ({ type: 'timeseries', id, title: `p${id}`, gridPos: gridPos(id * 8), targets, ...extra });
const dashboard = (panels: Json[], variables: Json[] = []): Json => ({ title: 'q', schemaVersion: 39, panels, templating: { list: variables } });
const foreign = (d: unknown): Finding[] => checkDashboardQueries(d, { file: 'd.json' });
const summary = (findings: readonly Finding[]) => findings.map((f) => `${f.severity} ${f.rule} ${f.location.path}`);

const LOKI = { type: 'loki', uid: 'L1' };
const BAD_LOGQL = '{job="x" | ';
const GOOD_LOGQL = 'sum by (level) (count_over_time({job="$job"} |= "$search" | logfmt [$__interval]))';

test('Loki queries are checked as LogQL, however the datasource says loki', () => {
  const variables = [{ name: 'logs', type: 'datasource', query: 'loki' }];
  const cases: Array<[string, Json]> = [
    ['target datasource type', panel(1, [target(GOOD_LOGQL, { datasource: LOKI })])],
    ['panel datasource type', panel(1, [target(GOOD_LOGQL)], { datasource: LOKI })],
    ['a datasource variable of type loki', panel(1, [target(GOOD_LOGQL, { datasource: { uid: '${logs}' } })])],
    ['a variable named by string', panel(1, [target(GOOD_LOGQL)], { datasource: '$logs' })],
  ];
  for (const [name, p] of cases) {
    assert.equal(foreign(dashboard([p], variables)), [], `${name}: valid LogQL passes`);
    const broken = JSON.parse(JSON.stringify(p).replace(JSON.stringify(GOOD_LOGQL).slice(1, -1), JSON.stringify(BAD_LOGQL).slice(1, -1)));
    const findings = foreign(dashboard([broken], variables));
    assert.equal(summary(findings), ['error logql/syntax /panels/0/targets/0/expr'], name);
    assert.equal(findings[0]?.location.position, { from: 9, to: 10 });
  }
});

test('LogQL with Grafana\'s Loki variables: $__auto as a range', () => {
  for (const expr of ['sum(count_over_time({job="mysql"} |= "duration" [$__auto]))', 'rate({job="x"}[${__auto}])']) {
    assert.equal(foreign(dashboard([panel(1, [target(expr, { datasource: LOKI })])])), [], expr);
  }
});

test('a LogQL query is not read as PromQL, and PromQL still is', () => {
  assert.equal(foreign(dashboard([panel(1, [target('{job="x"} |= "error"', { datasource: LOKI })])])), []);
  assert.equal(summary(foreign(dashboard([panel(1, [target('{job="x"} |= "error"')])]))), ['error promql/syntax /panels/0/targets/0/expr']);
});

test('queries of datasources the checks do not know are noted as info, not errors', () => {
  const d = dashboard([
    panel(1, [target('not promql at all', { datasource: { type: 'elasticsearch', uid: 'E' } })]),
    panel(2, [target('SELECT 1')], { datasource: { type: 'mysql', uid: 'M' } }),
    panel(3, [target('x.y.z')], { datasource: '${graphite}' }),
  ], [{ name: 'graphite', type: 'datasource', query: 'graphite' }]);
  assert.equal(summary(foreign(d)), [
    'info query/skipped /panels/0/targets/0/expr',
    'info query/skipped /panels/1/targets/0/expr',
    'info query/skipped /panels/2/targets/0/expr',
  ]);
});

test('what Grafana does not send is not an error: non-query panels, empty and hidden queries', () => {
  const d = dashboard([
    { type: 'alertlist', id: 1, title: 'alerts', gridPos: gridPos(0), targets: [{ refId: 'A' }, target('')] },
    { type: 'text', id: 2, title: 'notes', gridPos: gridPos(8), targets: [target('')] },
    panel(3, [target(''), target('  ', { hide: true }), { refId: 'C' }]),
  ]);
  assert.equal(foreign(d), []);
  assert.equal(summary(checkDashboardQueries(d, { file: 'ours.json', strict: true })), ['error promql/empty /panels/2/targets/0/expr'],
    'our own output: an empty query is a fault, a hidden one is not sent');
  const hidden = foreign(dashboard([panel(1, [target('rate(x[5m]', { hide: true })])]));
  assert.equal(summary(hidden), ['warning promql/syntax /panels/0/targets/0/expr'], 'a broken hidden query warns: Grafana does not run it');
});

test('one traversal: an expanded row\'s own panels are neither queried nor laid out; collapsed and legacy rows\' are both', () => {
  const hiddenChild = panel(9, [target('rate(x[5m]')]);
  const expanded = dashboard([{ type: 'row', id: 1, title: 'r', collapsed: false, gridPos: { x: 0, y: 0, w: 24, h: 1 }, panels: [hiddenChild] }]);
  assert.equal(foreign(expanded), [], 'Grafana never shows, nor queries, a panel kept inside an expanded row');
  assert.equal(summary(checkDashboard(expanded, { file: 'd.json', schemaSeverity: 'warning', strict: false }).filter((f) => f.rule !== 'dashboard/schema')),
    ['warning dashboard/shape /panels/0/panels'], 'the layout check says so, and checks nothing inside');

  const collapsed = dashboard([{ type: 'row', id: 1, title: 'r', collapsed: true, gridPos: { x: 0, y: 0, w: 24, h: 1 }, panels: [hiddenChild] }]);
  assert.equal(summary(foreign(collapsed)), ['error promql/syntax /panels/0/panels/0/targets/0/expr']);

  const legacy = { title: 'old', rows: [{ panels: [{ type: 'graph', id: 1, title: 'g', targets: [target('rate(x[5m]')] }] }] };
  assert.equal(summary(foreign(legacy)), ['error promql/syntax /rows/0/panels/0/targets/0/expr'], 'legacy rows are queried after migration');
  const content = checkDashboard(legacy, { file: 'd.json', schemaSeverity: 'warning', strict: false }).filter((f) => f.rule === 'dashboard/description');
  assert.equal(summary(content), ['warning dashboard/description /rows/0/panels/0/description'], 'and their content is checked');
});

test('promql/rate-interval: a fixed rate window shorter than $__rate_interval ever is', () => {
  const rules = (expr: string) => foreign(dashboard([panel(1, [target(expr)])])).map((f) => `${f.severity} ${f.rule}`);
  assert.equal(rules('rate(x_total[30s])'), ['warning promql/rate-interval']);
  assert.equal(rules('sum(irate(x_total{a="b"}[15s]))'), ['warning promql/rate-interval']);
  assert.equal(rules('rate(x_total[$__rate_interval])'), []);
  assert.equal(rules('rate(x_total[1m])'), []);
  assert.equal(rules('rate(x_total[5m])'), []);
  assert.equal(rules('avg_over_time(x[30s])'), [], 'only counter rates need two samples');
});

test('promql/counter-without-rate: a counter shown as its raw value', () => {
  const rules = (expr: string) => foreign(dashboard([panel(1, [target(expr)])])).map((f) => `${f.severity} ${f.rule}`);
  assert.equal(rules('http_requests_total'), ['warning promql/counter-without-rate']);
  assert.equal(rules('sum by (code) (http_requests_total)'), ['warning promql/counter-without-rate']);
  assert.equal(rules('sum(rate(http_requests_total[5m]))'), []);
  assert.equal(rules('increase(http_requests_total[1h])'), []);
  assert.equal(rules('rate(http_requests_total[5m:1m])'), [], 'a subquery under rate');
  assert.equal(rules('absent(http_requests_total)'), []);
  assert.equal(rules('count(http_requests_total)'), []);
  assert.equal(rules('process_cpu_seconds'), [], 'a gauge name');
});

test.run();
