import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { append, configDifference, merge, mergeConfig } from '../lib/engine/merge.js';
import { Duration, PromqlError, duration, eq, promql, re, VectorSelector, quoteLabelValue } from '../lib/engine/promql.js';
import { regexProblem } from '../lib/engine/promql-literals.js';
import { Metric, catalogueOf } from '../lib/engine/catalogue.js';
import { layout, row, sized } from '../lib/grafana/dashboard.js';
import { query, timeseries } from '../lib/grafana/panel.js';

test('merge: objects merge deeply, scalars and arrays are replaced (Jsonnet +:)', () => {
  const base = { a: { b: 1, c: [1, 2] }, d: 'x' };
  assert.equal(merge(base, { a: { b: 2 } }), { a: { b: 2, c: [1, 2] }, d: 'x' });
  assert.equal(merge(base, { a: { c: [9] } }), { a: { b: 1, c: [9] }, d: 'x' });
  assert.equal(base, { a: { b: 1, c: [1, 2] }, d: 'x' }, 'inputs are not mutated');
});

test('merge: append() adds to an array, and to a missing one as if it were empty', () => {
  const base: { list: number[]; nested?: { more: number[] } } = { list: [1] };
  assert.equal(merge(base, { list: append(2, 3) }), { list: [1, 2, 3] });
  assert.equal(merge(base, { nested: { more: append(4) } }), { list: [1], nested: { more: [4] } });
  assert.throws(() => merge({ x: 1 } as { x: unknown }, { x: append(1) }), /needs an array/);
});

const isPromqlError = (e: unknown): boolean => e instanceof PromqlError;
const metric = new Metric('app_requests_total', { type: 'counter', help: 'h', labels: ['code'] }, ['job']);
const hist = new Metric('app_latency_seconds', { type: 'histogram', help: 'h' }, ['job']);

test('mergeConfig: null removes a key, deep or new; plain merge keeps null as a value', () => {
  const base: { a: number; labels: Record<string, string> } = { a: 1, labels: { x: 'x', y: 'y' } };
  assert.equal(mergeConfig(base, { labels: { x: null, z: 'z' } }), { a: 1, labels: { y: 'y', z: 'z' } });
  assert.equal(mergeConfig(base, { a: null }), { labels: { x: 'x', y: 'y' } });
  assert.equal(mergeConfig<Record<string, unknown>>(base, { fresh: { keep: 1, drop: null } }), { ...base, fresh: { keep: 1 } });
  assert.equal(merge<Record<string, unknown>>(base, { a: null }), { a: null, labels: { x: 'x', y: 'y' } });
});

test('configDifference: the smallest patch that mergeConfig turns the base into the target with', () => {
  const base = { a: 1, list: [1, 2], labels: { x: 'x', y: 'y' }, deep: { k: { v: 1, w: 2 } } };
  const targets = [
    base,
    { ...base, a: 2 },
    { ...base, list: [1] },
    { ...base, labels: { y: 'y', z: 'z' } },
    { ...base, deep: { k: { v: 1, w: 3 } } },
    { a: 1, list: [1, 2], labels: {}, deep: { k: { v: 1, w: 2 } } },
  ];
  for (const target of targets) {
    const patch = configDifference(base, target);
    assert.equal(mergeConfig(base, (patch ?? {}) as never), target, JSON.stringify(target));
  }
  assert.is(configDifference(base, structuredClone(base)), undefined);
  assert.equal(configDifference(base, targets[3]), { labels: { z: 'z', x: null } });
  assert.equal(configDifference(base, targets[4]), { deep: { k: { w: 3 } } });
});

test('merge: a __proto__ key, as JSON.parse makes it, stays data and never replaces the prototype', () => {
  const patch = JSON.parse('{"__proto__": {"polluted": true}, "a": {"__proto__": {"b": 1}}}');
  for (const merged of [merge({}, patch), merge({ a: { c: 2 } }, patch)] as Array<Record<string, unknown>>) {
    assert.is(Object.getPrototypeOf(merged), Object.prototype);
    assert.equal(Object.getOwnPropertyDescriptor(merged, '__proto__')?.value, { polluted: true });
    assert.is((merged as { polluted?: unknown }).polluted, undefined);
    const a = merged.a as Record<string, unknown>;
    assert.is(Object.getPrototypeOf(a), Object.prototype);
    assert.equal(Object.getOwnPropertyDescriptor(a, '__proto__')?.value, { b: 1 });
  }
  assert.is(({} as { polluted?: unknown }).polluted, undefined);
});

test('promql: interpolates selectors, durations, numbers and other expressions', () => {
  const inner = promql`rate(${metric.where(eq('job', 'a'), re('code', '5..'))}[${duration('5m')}])`;
  assert.is(inner.text, 'rate(app_requests_total{job="a", code=~"5.."}[5m])');
  assert.is(promql`sum(${inner}) > ${0.05}`.text, 'sum(rate(app_requests_total{job="a", code=~"5.."}[5m])) > 0.05');
  assert.is(promql`${hist.bucket.where()}`.text, 'app_latency_seconds_bucket');
});

test('promql: label values are escaped as PromQL string literals', () => {
  const s = new VectorSelector('m', [eq('a', 'say "hi"\\ \n')]);
  assert.is(s.toString(), 'm{a="say \\"hi\\"\\\\ \\n"}');
  assert.throws(() => quoteLabelValue('\ud800'), isPromqlError);
});

test('promql: raw strings and non-finite numbers are refused', () => {
  assert.throws(() => promql`sum(${'up' as never})`, isPromqlError);
  assert.throws(() => promql`${Number.NaN}`, isPromqlError);
  assert.throws(() => eq('bad-label', 'x'), isPromqlError);
  assert.throws(() => new VectorSelector('bad name', []), isPromqlError);
});

test('regex matchers: what Go RE2 accepts passes, what Prometheus would refuse is stopped', () => {
  const accepted = ['5..', '(?i)prod|stage', 'a\\.b', '\\d+', '(?P<x>a)', 'x{2,3}', '', '\\-', '\\ ', 'x{1000}', '(a{2}){500}',
    '\\Qa.b(\\E', '\\x{10FFFF}', '\\p{Greek}', '\\pL', '[[:alpha:]]', 'a)(b'];
  for (const ok of accepted) assert.is(regexProblem(ok), undefined, ok);
  const refused = ['(', '[a', 'a(?=b)', 'a(?!b)', '\\q', '\\8', '\\é', '*', 'x{1001}', '(a{2}){1000}', '((a{10}){10}){11}',
    '\\Q\\E*', '\\x{110000}', '\\p{Foo}', '\\p{Todhri}', '[[:foo:]]', 'a**', '\\C', '\\Z'];
  for (const bad of refused) assert.type(regexProblem(bad), 'string', bad);
  assert.throws(() => re('status', '5..('), isPromqlError);
  assert.throws(() => re('job', 'x{1001}'), (e: unknown) => isPromqlError(e) && !(e as Error).message.includes('\n'));
});

test('durations: Grafana variables only where Grafana substitutes them', () => {
  assert.is(Duration.parse('$__rate_interval').text, '$__rate_interval');
  assert.throws(() => duration('$__rate_interval'), isPromqlError);
  for (const bad of ['', '5', '5 m', 'm', '0m', '-1m']) assert.throws(() => duration(bad), isPromqlError, bad);
  for (const good of ['30s', '5m', '1h30m', '2d', '500ms']) assert.is(duration(good).text, good);
});

test('catalogue: histograms expose _bucket (with le), _sum and _count; names are unique', () => {
  const c = catalogueOf([metric, hist]);
  assert.equal([...c.series.keys()].sort(), [
    'app_latency_seconds_bucket',
    'app_latency_seconds_count',
    'app_latency_seconds_sum',
    'app_requests_total',
  ]);
  assert.ok(c.series.get('app_latency_seconds_bucket')?.labels.includes('le'));
  assert.throws(() => metric.bucket, /only histograms/);
  assert.throws(() => catalogueOf([metric, metric]), /twice/);
});

test('layout: rows stack, panels flow left to right and wrap, ids follow reading order', () => {
  const p = (title: string) => timeseries({ title, description: 'd', unit: 's', queries: [query(promql`${metric}`, 'x')] });
  const panels = layout([
    row('A', [sized(p('a1'), 12, 8), sized(p('a2'), 12, 4), sized(p('a3'), 24, 6)]),
    row('B', [sized(p('b1'), 8, 5)], true),
    row('C', [sized(p('c1'), 24, 3)]),
  ]);
  const summary = panels.map((x) => [x.id, x.type, x.gridPos?.x, x.gridPos?.y, x.gridPos?.w, x.gridPos?.h]);
  assert.equal(summary, [
    [1, 'row', 0, 0, 24, 1],
    [2, 'timeseries', 0, 1, 12, 8],
    [3, 'timeseries', 12, 1, 12, 4],
    [4, 'timeseries', 0, 9, 24, 6],
    [5, 'row', 0, 15, 24, 1],
    [7, 'row', 0, 16, 24, 1],
    [8, 'timeseries', 0, 17, 24, 3],
  ]);
  const collapsed = panels[4] as { panels: Array<{ id: number; gridPos: unknown }> };
  assert.equal(collapsed.panels.map((x) => [x.id, x.gridPos]), [[6, { x: 0, y: 16, w: 8, h: 5 }]]);
  assert.throws(() => layout([row('X', [sized(p('wide'), 25, 1)])]), /width must be 1-24/);
});

test.run();
