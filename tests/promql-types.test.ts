/**
 * The PromQL type check: what Prometheus's parser refuses after the grammar (argument types, arity,
 * aggregation parameters, operator operands, modifiers, vector matching), and the type a whole expression yields.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { hasShared } from './helpers.js';
import { parse as parseYaml } from 'yaml';
import { checkExpr } from '../lib/check/promql.js';
import { parsePromql } from '../lib/check/promql-parse.js';
import { checkTypes, exprType, type ValueType } from '../lib/check/promql-types.js';

/** Rule ids with positions: the part of the answer the tests pin down. */
function issues(expr: string): string[] {
  const parsed = parsePromql(expr);
  assert.equal(parsed.syntaxErrors, [], `${expr} must parse`);
  return checkTypes(parsed).map((i) => `${i.rule}@${i.position.from}-${i.position.to}`);
}

// Well-typed expressions, including Grafana placeholders whose type is only known once Grafana fills them in.
const valid = [
  'rate(x[5m])',
  'sum by (job) (rate(x_total{a="b"}[5m]))',
  'histogram_quantile(0.99, sum by (le) (rate(x_bucket[5m])))',
  'topk(5, x)',
  'quantile(0.9, x)',
  'count_values("version", build_info)',
  'limitk(2, x)',
  'absent(up{job="a"})',
  'absent_over_time(up[5m])',
  'predict_linear(x[1h], 4 * 3600) < 0',
  'quantile_over_time(0.5, x[10m])',
  'clamp(x, 0, 1) + clamp_min(x, 0) - clamp_max(x, 1)',
  'round(x)',
  'round(x, 0.5)',
  'label_replace(up, "host", "$1", "instance", "(.*):.*")',
  'label_join(up, "dst", ",")',
  'label_join(up, "dst", ",", "a", "b", "c")',
  'sort_by_label(x, "a", "b")',
  'day_of_month()',
  // Prometheus binds offset and @ tighter than any operator: these modify `foo`, not the operation.
  'time() - foo offset 10m',
  '-foo @ 100',
  'x - y offset 10m @ 100',
  '(a + b{c="d"} @ 1234)[5m:] @ 1603775019',
  '1 - -foo offset 5m',
  'hour(timestamp(x))',
  'vector(time())',
  'scalar(x) * 2',
  'time() - x > 3600',
  'pi()',
  '1 + 2',
  '1 > bool 2',
  'x > bool 1',
  'x and y or z unless w',
  'x * on (a) group_left (b) y',
  'x + on () 1',
  '-x',
  '-(1)',
  '(x)',
  '((((x))))',
  'max_over_time(rate(x[5m])[1h:5m])',
  'max_over_time((x + y)[1h:])',
  'x offset 5m',
  'x @ 100 offset 5m',
  'rate(x[5m] offset 1h)',
  'rate(x[5m] @ end())',
  'max_over_time(x[1h:5m] offset 1d)',
  'x[5m]',
  '"a string"',
  '# a comment\nsum(\n  # another\n  x\n)',
  'x # trailing\n + y',
  'topk($n, x)',
  'histogram_quantile($quantile, sum by (le) (rate(x_bucket[$__rate_interval])))',
  'x > $threshold',
  '$aggregation by (job) (x)',
  '$metric{job="a"}[5m]',
  'x / $__range_s',
  'increase(x[$__range])',
  'start_timestamp(x)', // a function newer than the table: not judged
];
for (const expr of valid) {
  test(`well typed: ${JSON.stringify(expr)}`, () => assert.equal(issues(expr), []));
}

// Each ill-typed expression with the findings it must produce.
const invalid: Array<[comment: string, expr: string, found: string[]]> = [
  ['rate of an instant vector', 'rate(x)', ['promql/type@5-6']],
  ['aggregation over a range', 'sum(x[5m])', ['promql/type@4-9']],
  ['abs of a range', 'abs(x[5m])', ['promql/type@4-9']],
  ['range where a scalar goes', 'vector(x)', ['promql/type@7-8']],
  ['quantile as a vector', 'histogram_quantile(x, y_bucket)', ['promql/type@19-20']],
  ['string where a vector goes', 'abs("x")', ['promql/type@4-7']],
  ['scalar where a string goes', 'label_replace(x, "a", "b", 1, "c")', ['promql/type@27-28']],
  ['over_time of an instant vector', 'quantile_over_time(0.9, x)', ['promql/type@24-25']],
  ['too many arguments', 'round(x, 1, 2)', ['promql/arity@0-14']],
  ['too few arguments', 'label_replace(x, "a")', ['promql/arity@0-21']],
  ['argument to a constant', 'time(1)', ['promql/arity@0-7']],
  ['label_join needs its separator', 'label_join(x, "a")', ['promql/arity@0-18']],
  ['topk without its parameter', 'topk(x)', ['promql/aggregation@0-7']],
  ['count_values without its label', 'count_values(x)', ['promql/aggregation@0-15']],
  ['a parameter to sum', 'sum(1, x)', ['promql/aggregation@0-9']],
  ['string parameter to topk', 'topk("5", x)', ['promql/type@5-8']],
  ['number as the count_values label', 'count_values(1, x)', ['promql/type@13-14']],
  ['comparison of two scalars', '1 > 2', ['promql/type@2-3']],
  ['comparison of scalar() results', 'scalar(x) == scalar(y)', ['promql/type@10-12']],
  ['set operator with a scalar', 'x or 1', ['promql/type@2-4']],
  ['range as an operand', 'x[5m] / 2', ['promql/type@0-5']],
  ['string as an operand', 'x + "a"', ['promql/type@4-7']],
  ['unary minus on a string', '-"a"', ['promql/type@1-4']],
  ['range on a parenthesis', '(x)[5m]', ['promql/type@0-3']],
  ['range on a function', 'rate(rate(x[5m])[5m])', ['promql/type@5-16']],
  ['offset before the range', 'rate(x offset 5m [10m])', ['promql/type@5-16']],
  ['subquery of a range', 'max_over_time(x[5m][1h:1m])', ['promql/type@14-19']],
  ['bool on arithmetic', 'x + bool y', ['promql/modifier@4-8']],
  ['offset on a function', 'rate(x[5m]) offset 1h', ['promql/modifier@0-21']],
  ['offset on an aggregation', 'sum(x) offset 1h', ['promql/modifier@0-16']],
  ['offset twice', 'x offset 1m offset 2m', ['promql/modifier@0-21']],
  ['@ twice', 'x @ 1 @ 2', ['promql/modifier@0-9']],
  ['matching with a scalar', 'x * on (a) 2', ['promql/matching@4-10']],
  ['group_left on a set operator', 'x and on (a) group_left y', ['promql/matching@13-23']],
  ['a label both in on and group_left', 'x * on (a) group_left (a) y', ['promql/matching@22-25']],
  ['only the first problem of a broken operand', 'sum(x[5m] + 1)', ['promql/type@4-9']],
  // Prometheus binds ranges, subqueries, offset and @ to the operand before them, not to the whole operation.
  ['a subquery binds to the right operand', 'a + b[5m:1m]', ['promql/type@4-12']],
  ['a range binds inside the unary minus', '-x[5m]', ['promql/type@1-6']],
  ['offset binds to the right operand, a function', 'x - rate(y[5m]) offset 1m', ['promql/modifier@4-25']],
];
for (const [comment, expr, found] of invalid) {
  test(`ill typed: ${comment}`, () => assert.equal(issues(expr), found));
}

const results: Array<[expr: string, type: ValueType | undefined]> = [
  ['x', 'vector'],
  ['sum(rate(x[5m]))', 'vector'],
  ['1 + 2', 'scalar'],
  ['scalar(x)', 'scalar'],
  ['x > 1', 'vector'],
  ['x[5m]', 'matrix'],
  ['rate(x[5m])[1h:1m]', 'matrix'],
  ['x[5m] offset 1h', 'matrix'],
  ['"s"', 'string'],
  ['(("s"))', 'string'],
  ['$threshold', undefined], // a bare Grafana variable: Grafana decides
  ['rate(x[5m]', undefined], // syntax error
];
for (const [expr, type] of results) {
  test(`exprType: ${expr}`, () => assert.is(exprType(parsePromql(expr)), type));
}

test('checkExpr reports type findings with their location, and still reports syntax errors alone', () => {
  const at = { file: 'f.yaml', rule: 'R' };
  const [finding, ...rest] = checkExpr('rate(x)', at);
  assert.equal(rest, []);
  assert.is(finding?.rule, 'promql/type');
  assert.is(finding?.severity, 'error');
  assert.equal(finding?.location, { ...at, position: { from: 5, to: 6 } });
  assert.ok(finding?.hint.includes('x[5m]'), finding?.hint);
  assert.equal(
    checkExpr('rate(x', at).map((f) => f.rule),
    ['promql/syntax'],
  );
});

test('the deepest nesting lezer accepts does not exhaust the stack', () => {
  assert.is(exprType(parsePromql('('.repeat(1000) + 'x[5m]' + ')'.repeat(1000))), 'matrix');
  assert.is(exprType(parsePromql(Array(5000).fill('x').join(' ^ '))), 'vector'); // right-associative: 5000 deep
});

// The shared corpus sits next to the repository (../shared); checkouts without it skip these tests.
const SHARED = new URL('../../shared/', import.meta.url);

interface PanelLike {
  title?: unknown;
  targets?: Array<{ expr?: unknown }>;
  panels?: PanelLike[];
}

function ruleExpressions(): Array<{ where: string; expr: string }> {
  const out: Array<{ where: string; expr: string }> = [];
  for (const folder of ['corpus/rules/', 'corpus/prometheusrule-crs/']) {
    const dir = new URL(folder, SHARED);
    for (const name of readdirSync(dir).filter((n) => n.endsWith('.yaml'))) {
      const doc = parseYaml(readFileSync(new URL(name, dir), 'utf8')) as {
        groups?: Array<{ rules: Array<{ expr: string; record?: string; alert?: string }> }>;
        spec?: { groups?: Array<{ rules: Array<{ expr: string; record?: string; alert?: string }> }> };
      };
      for (const rule of (doc.groups ?? doc.spec?.groups ?? []).flatMap((g) => g.rules)) {
        out.push({ where: `${folder}${name} ${rule.record ?? rule.alert}`, expr: rule.expr });
      }
    }
  }
  return out;
}

function dashboardExpressions(): Array<{ where: string; expr: string }> {
  const out: Array<{ where: string; expr: string }> = [];
  const visit = (panels: PanelLike[] | undefined, where: string): void => {
    for (const panel of panels ?? []) {
      for (const target of panel.targets ?? []) {
        if (typeof target.expr === 'string' && target.expr.trim() !== '')
          out.push({ where: `${where} ${String(panel.title)}`, expr: target.expr });
      }
      visit(panel.panels, where);
    }
  };
  const dir = new URL('corpus/dashboards/', SHARED);
  for (const name of readdirSync(dir).filter((n) => n.endsWith('.json'))) {
    const dashboard = JSON.parse(readFileSync(new URL(name, dir), 'utf8')) as { panels?: PanelLike[]; rows?: PanelLike[] };
    visit(dashboard.panels, name);
    visit(dashboard.rows, name); // the old schema keeps panels in rows
  }
  return out;
}

if (existsSync(SHARED)) {
  test('every corpus rule expression type-checks and yields an instant vector or a scalar', () => {
    const expressions = ruleExpressions();
    assert.ok(expressions.length > 0);
    const failures = expressions.flatMap(({ where, expr }) => {
      const found = checkExpr(expr, {}).map((f) => `${where}: ${f.rule} ${f.message}`);
      const type = exprType(parsePromql(expr));
      return type === 'vector' || type === 'scalar' ? found : [...found, `${where}: yields ${String(type)}`];
    });
    console.log(`corpus: ${expressions.length} rule expressions type-checked`);
    assert.equal(failures, []);
  });

  test('every corpus dashboard query type-checks after Grafana variable substitution', () => {
    const expressions = dashboardExpressions();
    assert.ok(expressions.length > 0);
    const failures = expressions.flatMap(({ where, expr }) =>
      checkExpr(expr, {}).map((f) => `${where}: ${f.rule} ${f.message} in ${expr}`),
    );
    console.log(`corpus: ${expressions.length} dashboard queries type-checked`);
    assert.equal(failures, []);
  });
} else {
  test('corpus type checks', () => void hasShared(SHARED, 'corpus type checks'));
}

test.run();
