import { readdirSync, readFileSync } from 'node:fs';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { hasShared } from './helpers.js';
import { parse as parseYaml } from 'yaml';
import { checkExpr } from '../lib/check/promql.js';
import { parsePromql, selectorsOf, substituteGrafanaVariables } from '../lib/check/promql-parse.js';
import { Metric, Recorded, catalogueOf } from '../lib/engine/catalogue.js';
import { eq, formatMatchers, type Matcher } from '../lib/engine/promql.js';
import { SelectorError, parseSelector } from '../lib/engine/selector.js';

const targetLabels = ['job', 'instance'];
const catalogue = catalogueOf([
  new Metric('http_requests_total', { type: 'counter', help: 'Requests.', labels: ['method', 'code'] }, targetLabels),
  new Metric('request_duration_seconds', { type: 'histogram', help: 'Latency.', labels: ['route'] }, targetLabels),
  new Metric('queue_depth', { type: 'gauge', help: 'Queued items.', labels: ['queue'] }, targetLabels),
  new Metric('up', { type: 'gauge', help: 'Scrape health.' }, targetLabels),
  new Recorded('job:http_requests:rate5m', ['job'], 'Request rate per job.'),
]);
const at = { file: 'test.json' };

/** Rule ids with positions, the part of findings the tests pin down. */
function found(expr: string, withCatalogue = false): string[] {
  return checkExpr(expr, at, withCatalogue ? catalogue : undefined).map((f) =>
    f.location.position ? `${f.rule}@${f.location.position.from}-${f.location.position.to}` : f.rule,
  );
}

// Valid PromQL, including the forms Grafana dashboards use, must parse without findings.
const valid = [
  'up',
  'rate(http_requests_total[$__rate_interval])',
  'rate(http_requests_total[${__rate_interval}])',
  'sum by (job) (rate(http_requests_total{job=~"$job", instance=~"${instance:regex}"}[$__interval]))',
  'increase(http_requests_total[$__range]) / $__range_s',
  'histogram_quantile(0.95, sum by (le) (rate(x_bucket{a="b"}[$__rate_interval])))',
  'sum(max by (job, instance) (x)) without (instance)',
  'a * on (job) group_left (version) b',
  'a / ignoring (code) group_right b',
  'a and on () b unless c or d',
  'x offset 5m',
  'x offset -1h30m',
  'rate(x[5m] offset $__interval)',
  'max_over_time(rate(x[5m])[1h:5m])',
  'max_over_time(x[1h:])',
  'x @ 1700000000',
  'x @ start()',
  'rate(x[5m] @ end() offset 1m)',
  'x{a="say \\"hi\\"", b=\'it\\\'s\', c=`raw \\ string`}',
  'x{path="C:\\\\dir\\\\file"}',
  'x{name="héllo ✓ \\u00e9 \\U0001F600 \\x41 \\101"}',
  'absent(up{job="x"})',
  'count(x) > bool 1',
  'topk(5, x) or vector(0)',
  'label_replace(up, "host", "$1", "instance", "(.*):.*")',
  '{__name__=~"x_.*", job="a"}',
  '{"utf8.metric", "utf8.label"="v"}',
  'sum by ("utf8.label") (x)',
  '-x ^ 2 % 3 atan2 y',
  '# a comment\nup',
  '$metric{job="a"} > $threshold',
  'sum by ($label) (x)',
  '$aggregation by (job) (x)',
  'x[$window] offset $shift',
  'x @ ${__to:date:seconds}',
  '[[metric]]{job="[[job]]"}',
];
for (const expr of valid) {
  test(`valid: ${expr}`, () => assert.equal(found(expr), []));
}

// Each broken expression yields one promql/syntax finding at the offending spot of the text as written.
const broken: Array<[expr: string, from: number, to: number]> = [
  ['sum(rate(x[5m])', 15, 15], // end of text: the closing parenthesis is missing
  ['x +', 3, 3],
  ['foo{a="b" c="d"}', 10, 11], // comma missing before c
  ['1 +* 2', 3, 4],
  ['sum by (a b) (x)', 10, 11],
  ['x{a=~}', 5, 6],
  ['sum(x))', 6, 7],
  ['foo(x)', 0, 4], // unknown function
  ['x{a="\\q"}', 5, 8], // Prometheus refuses the escape although lezer takes it
  ['x{a="\\ud800"}', 5, 12],
  ['x{a="abc}', 4, 9], // unterminated string
  ['x{a=$job}', 4, 8], // a variable cannot stand as an unquoted value
  ['rate(x[$__rate_interval]}', 24, 25], // after the 16-character variable, not after its 2-character stand-in
  ['sum(rate(x{a="$a"}[${__rate_interval}])) by (a) )', 48, 49],
];
for (const [expr, from, to] of broken) {
  test(`syntax error: ${expr}`, () => assert.equal(found(expr), [`promql/syntax@${from}-${to}`]));
}

test('empty and blank expressions', () => {
  for (const expr of ['', '   ', '\n\t']) assert.equal(found(expr), ['promql/empty']);
  assert.equal(found(undefined as unknown as string), ['promql/empty']);
});

test('substitution keeps every offset of the original text', () => {
  for (const expr of [...valid, ...broken.map(([e]) => e)]) {
    assert.is(substituteGrafanaVariables(expr).length, expr.length, expr);
  }
  assert.is(substituteGrafanaVariables('x[$__rate_interval]').trimEnd(), 'x[5m              ]');
  assert.is(substituteGrafanaVariables('x{job="$job"}'), 'x{job="$job"}');
});

// Catalogue rules: each expression with the findings it must produce (none for the quiet cases).
const catalogueCases: Array<[comment: string, expr: string, findings: string[]]> = [
  ['known counter under rate', 'sum by (job) (rate(http_requests_total{code=~"5.."}[5m]))', []],
  ['buckets keep le through the aggregation', 'histogram_quantile(0.9, sum by (le, route) (rate(request_duration_seconds_bucket[5m])))', []],
  ['le is a bucket label', 'request_duration_seconds_bucket{le="+Inf"}', []],
  ['__name__ is always there', '{__name__="up", job=~".+"}', []],
  ['group_left brings labels from the other side', 'http_requests_total * on (job, instance) group_left (queue) queue_depth', []],
  ['labels made by label_replace are not judged', 'sum by (host) (label_replace(up, "host", "$1", "instance", "(.*)"))', []],
  ['templated names are not judged', 'sum by ($label) (rate($metric{$key="x"}[5m]))', []],
  ['recorded series is queried as a gauge', 'job:http_requests:rate5m > 10', []],
  ['deriv suits a gauge', 'deriv(queue_depth[10m])', []],
  ['misspelt metric', 'rate(http_request_total[5m])', ['catalogue/unknown-metric@5-23']],
  ['metric named by __name__', '{__name__="nope"}', ['catalogue/unknown-metric@1-16']],
  ['unknown matcher label', 'http_requests_total{methd="GET"}', ['catalogue/unknown-label@20-31']],
  ['le on a series that is not a bucket', 'request_duration_seconds_count{le="1"}', ['catalogue/unknown-label@31-37']],
  ['unknown by label', 'sum by (route) (rate(http_requests_total[5m]))', ['catalogue/unknown-label@8-13']],
  ['unknown without label', 'sum without (pod) (up)', ['catalogue/unknown-label@13-16']],
  ['unknown on label', 'up * on (pod) queue_depth', ['catalogue/unknown-label@9-12']],
  ['unknown group_left label', 'up * on (job) group_left (version) queue_depth', ['catalogue/unknown-label@26-33']],
  ['rate over a gauge', 'rate(queue_depth[5m])', ['catalogue/rate-on-gauge@5-16']],
  ['increase over a recorded series', 'increase(job:http_requests:rate5m[1h])', ['catalogue/rate-on-gauge@9-33']],
  ['rate over a gauge through a subquery', 'rate(queue_depth[1h:1m])', ['catalogue/rate-on-gauge@5-16']],
  ['quantile over _sum', 'histogram_quantile(0.9, rate(request_duration_seconds_sum[5m]))', ['catalogue/quantile-without-le@0-63']],
  ['by without le', 'histogram_quantile(0.9, sum by (route) (rate(request_duration_seconds_bucket[5m])))', ['catalogue/quantile-without-le@28-38']],
  ['without le', 'histogram_quantile(0.9, sum without (le) (rate(request_duration_seconds_bucket[5m])))', ['catalogue/quantile-without-le@28-40']],
  ['plain sum drops le', 'histogram_quantile(0.9, sum(rate(request_duration_seconds_bucket[5m])))', ['catalogue/quantile-without-le@24-70']],
  ['syntax errors come alone', 'rate(nope[5m]', ['promql/syntax@13-13']],
];
for (const [comment, expr, findings] of catalogueCases) {
  test(`catalogue: ${comment}`, () => assert.equal(found(expr, true), findings));
}

test('unknown metric hint names the closest catalogue metric', () => {
  const [finding] = checkExpr('rate(http_request_total[5m])', at, catalogue);
  assert.ok(finding?.hint.includes('http_requests_total'));
});

test('selectorsOf reports names, matchers, ranges and what encloses each selector', () => {
  const parsed = parsePromql('histogram_quantile(0.9, sum by (le) (rate(x_bucket{a=~"b"}[5m]))) * on (a) group_left y');
  const [bucket, y] = selectorsOf(parsed);
  assert.is(bucket?.metric?.name, 'x_bucket');
  assert.equal(bucket?.matchers.map(({ label, op, value }) => ({ label, op, value })), [{ label: 'a', op: '=~', value: 'b' }]);
  assert.ok(bucket?.range);
  assert.equal(bucket?.enclosing.map((e) => `${e.operation.name}#${e.argument}`), ['rate#0', 'sum#0', 'histogram_quantile#1', '*#0']);
  const join = y?.enclosing[0];
  assert.ok(join?.operation.kind === 'binary' && join.operation.matching?.group?.side === 'left');
  assert.is(join?.argument, 1);
  assert.is(join?.operation, bucket?.enclosing[3]?.operation, 'one shared object per operation');
});

test('checkExpr never throws', () => {
  const pieces = ['x', '{', '}', '(', ')', '[', ']', '"', "'", '`', '\\', '$', '${a}', '[[b]]', '5m', ':', ',', '=~', 'by', 'on', 'group_left',
    'offset', '@', 'rate', 'sum', 'histogram_quantile', ' ', '\n', '#', 'le', '_bucket', '\ud800', '0x', '1e9'];
  let seed = 42;
  const next = (): number => (seed = (seed * 1103515245 + 12345) % 2 ** 31);
  for (let i = 0; i < 3000; i++) {
    const expr = Array.from({ length: next() % 20 }, () => pieces[next() % pieces.length]).join('');
    const rules = checkExpr(expr, at, catalogue).map((f) => f.rule);
    assert.not.ok(rules.includes('promql/internal'), expr);
  }
  const deep = '('.repeat(5000) + 'x' + ')'.repeat(5000);
  assert.not.ok(checkExpr(deep, at, catalogue).some((f) => f.rule === 'promql/internal'));
});

// Matcher lists as written in config.
const selectorCases: Array<[text: string, matchers: Matcher[]]> = [
  ['', []],
  ['  ', []],
  ['{}', []],
  ['job="server"', [eq('job', 'server')]],
  ['{job="a", env=~"prod|stage"}', [eq('job', 'a'), { label: 'env', op: '=~', value: 'prod|stage' }]],
  [' { code!~"5..", path!="" , } ', [{ label: 'code', op: '!~', value: '5..' }, { label: 'path', op: '!=', value: '' }]],
  ['name="héllo ✓ 😀"', [eq('name', 'héllo ✓ 😀')]],
  ['q="say \\"hi\\""', [eq('q', 'say "hi"')]],
  ['p="C:\\\\dir"', [eq('p', 'C:\\dir')]],
  ['p=`C:\\dir`', [eq('p', 'C:\\dir')]],
  ["s='it\\'s'", [eq('s', "it's")]],
  ['e="\\u00e9\\x41\\n"', [eq('e', 'éA\n')]],
  ['v="x\\"} or vector(1) or up{a=\\"b"', [eq('v', 'x"} or vector(1) or up{a="b')]],
];
for (const [text, matchers] of selectorCases) {
  test(`parseSelector: ${text}`, () => {
    const parsed = parseSelector(text);
    assert.equal(parsed, matchers);
    assert.equal(parseSelector(formatMatchers(parsed)), parsed, 'round trip');
  });
}

test('parseSelector round-trips awkward values', () => {
  for (const value of ['', '"', '\\', '\\"', '}', '"}', '`', "'", '\n\t\r', '\u0000\u001f\u007f', '\u2028', 'ü😀', '$job', '{{x}}']) {
    const matchers = [eq('a', value)];
    assert.equal(parseSelector(formatMatchers(matchers)), matchers, JSON.stringify(value));
  }
});

// Anything but a plain matcher list is refused, with the offset where it goes wrong.
const badSelectors: Array<[text: string, position: number]> = [
  ['job="x"} or vector(1) or up{a="b"', 7],
  ['job="x"}', 7],
  ['{a="b"} or {c="d"}', 6],
  ['a="b"}[5m]', 5],
  ['up{a="b"}', 2],
  ['up', 2],
  ['"up"', 0],
  ['__name__="up"', 0],
  ['job=', 4],
  ['job="a" env="b"', 8],
  ['job=a', 4],
  ['a="\\q"', 3], // the backslash
  ['a="b', 2],
  ['"a.b"="c"', 0],
  ['a="b" # }', 9],
];
for (const [text, position] of badSelectors) {
  test(`parseSelector refuses: ${text}`, () => {
    try {
      parseSelector(text);
      assert.unreachable('accepted');
    } catch (error) {
      assert.instance(error, SelectorError);
      assert.is((error as SelectorError).position, position);
    }
  });
}

const shared = new URL('../../shared/', import.meta.url);

interface RuleGroup {
  rules?: Array<{ expr?: unknown }>;
}

/** Rule expressions of plain rule files (`groups`) and PrometheusRule resources (`spec.groups`). */
function corpusExpressions(): Array<{ file: string; expr: string }> {
  const out: Array<{ file: string; expr: string }> = [];
  for (const folder of ['corpus/rules/', 'corpus/prometheusrule-crs/']) {
    const dir = new URL(folder, shared);
    for (const name of readdirSync(dir).filter((n) => n.endsWith('.yaml'))) {
      const doc = parseYaml(readFileSync(new URL(name, dir), 'utf8')) as { groups?: RuleGroup[]; spec?: { groups?: RuleGroup[] } };
      for (const group of doc.groups ?? doc.spec?.groups ?? []) {
        for (const rule of group.rules ?? []) {
          if (typeof rule.expr === 'string') out.push({ file: folder + name, expr: rule.expr });
        }
      }
    }
  }
  return out;
}

test('every rule expression of the shared corpus parses', () => {
  if (!hasShared(shared, 'the corpus')) return;
  const expressions = corpusExpressions();
  const failures = expressions.flatMap(({ file, expr }) =>
    checkExpr(expr, { file }, undefined)
      .filter((f) => f.rule === 'promql/syntax')
      .map((f) => `${file}: ${f.message} at ${f.location.position?.from} in ${expr}`),
  );
  console.log(`corpus: ${expressions.length} rule expressions checked`);
  assert.ok(expressions.length > 0);
  assert.equal(failures, []);
});

test.run();
