/**
 * What Prometheus's parser refuses in values once the grammar is satisfied (selectors, regexes, numbers, durations,
 * `@`), the PromQL that lezer-promql reads differently from Prometheus, and the feature flags an expression needs.
 * The verdicts are Prometheus 3.14's (its parse_test.go and Go's regexp); the reference-suite test checks all of
 * those, these pin the reasons down without ../shared.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { checkExpr } from '../lib/check/promql.js';
import { parsePromql, selectorsOf } from '../lib/check/promql-parse.js';
import { durationValue, matchesEmpty, numberValue, regexProblem } from '../lib/engine/promql-literals.js';

function errors(expr: string): string[] {
  return checkExpr(expr, {})
    .filter((f) => f.severity === 'error')
    .map((f) => f.rule);
}

function warnings(expr: string): string[] {
  return checkExpr(expr, {})
    .filter((f) => f.severity === 'warning')
    .map((f) => f.message);
}

// Valid to Prometheus; each was refused before lezer's reading was corrected or values were read as Prometheus does.
const accepted = [
  'time() - foo offset 10m',
  'x - y offset 10m',
  '-foo @ 100',
  '5.',
  'foo @ 3.',
  'foo[5m] @ 1m',
  '0x1f + 1e3 + Inf + NaN + -Inf + .5',
  'offset{step="1s"}[5m]',
  'rate(offset[5m])',
  'foo offset -5m',
  'foo[90]',
  'foo[1.5]',
  'up{l=~"a)(b"}',
  'up{l=~"(?i)x|\\\\Qa.b\\\\E|\\\\p{Greek}|\\\\x{41}|x{1000}"}',
  '{__name__="up"}',
  '{job=~".+"}',
  '{job!~""}',
  'up{l="\\xff"}',
];
for (const expr of accepted) {
  test(`accepted: ${expr}`, () => assert.equal(errors(expr), [], JSON.stringify(checkExpr(expr, {}))));
}

// Invalid to Prometheus, each with the rule that reports it.
const refused: Array<[expr: string, rule: string]> = [
  ['up{l=~"("}', 'promql/regex'],
  ['up{l=~"x{1001}"}', 'promql/regex'],
  ['up{l=~"(a{2}){1000}"}', 'promql/regex'],
  ['up{l=~"(?=a)"}', 'promql/regex'],
  ['up{l=~"\\\\p{Todhri}"}', 'promql/regex'],
  ['up{l=~"\\\\P{^Assigned}"}', 'promql/regex'],
  ['up{l=~"\\xff"}', 'promql/regex'],
  ['{}', 'promql/selector'],
  ['{x=""}', 'promql/selector'],
  ['{x=~".*"}', 'promql/selector'],
  ['{x!~".+"}', 'promql/selector'],
  ['{x!="a"}', 'promql/selector'],
  ['foo{__name__="bar"}', 'promql/selector'],
  ['foo{"bar"}', 'promql/selector'],
  ['foo[0s]', 'promql/value'],
  ['foo[0m:1m]', 'promql/value'],
  ['foo[-1]', 'promql/value'],
  ['foo[9.5e10]', 'promql/value'],
  ['foo offset 9.5e10', 'promql/value'],
  ['foo[5s/0d]', 'promql/value'],
  ['foo offset (4d/0)', 'promql/value'],
  ['foo[5s%0d]', 'promql/value'],
  ['foo @ NaN', 'promql/value'],
  ['foo @ +Inf', 'promql/value'],
  ['foo @ 1e400', 'promql/value'],
  ['1e400', 'promql/value'],
  ['0x8000000000000000', 'promql/value'],
  ['info(up, target_info{a="b"})', 'promql/type'],
  ['info(up, {a="b"} == 1)', 'promql/type'],
  ['a + b[5m:1m]', 'promql/type'],
  ['sum(foo) offset 5m', 'promql/modifier'],
];
for (const [expr, rule] of refused) {
  test(`refused: ${expr}`, () => assert.ok(errors(expr).includes(rule), `${expr}: ${JSON.stringify(errors(expr))}`));
}

test('offset as a metric name keeps its name; as a label name it is untouched', () => {
  assert.equal(selectorsOf(parsePromql('offset{a="b"} + rate(offset[5m])')).map((s) => s.metric?.name), ['offset', 'offset']);
  assert.equal(selectorsOf(parsePromql('sum by (offset) (x{offset="y"})'))[0]?.matchers.map((m) => m.label), ['offset']);
  assert.equal(errors('sum by (offset) (x{offset="y"})'), []);
});

test('the matcher in a selector that must not select everything is read after Grafana substitution', () => {
  assert.equal(errors('{job=~"$job"}'), []);
  assert.equal(errors('up{instance=~"${instance:regex}"}'), []);
});

const features: Array<[expr: string, flag: string]> = [
  ['foo[5m+1m]', 'promql-duration-expr'],
  ['foo offset step()', 'promql-duration-expr'],
  ['foo[(5s)]', 'promql-duration-expr'],
  ['mad_over_time(foo[5m])', 'promql-experimental-functions'],
  ['limitk(1, foo)', 'promql-experimental-functions'],
  ['info(up)', 'promql-experimental-functions'],
  ['rate(foo[5m] anchored)', 'promql-extended-range-selectors'],
  ['a + on (x) fill(0) b', 'promql-binop-fill-modifiers'],
];
for (const [expr, flag] of features) {
  test(`feature flag: ${expr}`, () => {
    assert.equal(errors(expr), []);
    assert.equal(warnings(expr).length, 1, JSON.stringify(warnings(expr)));
    assert.match(warnings(expr)[0] ?? '', `--enable-feature=${flag}`);
  });
}

test('no flag for what Prometheus does by default', () => {
  for (const expr of ['foo[5m]', 'foo offset -5m', 'foo @ start()', 'foo[5m:1m] offset 1h', 'sum(rate(x[5m]))', 'topk(3, x)']) {
    assert.equal(warnings(expr), [], expr);
  }
});

test('literals read as Prometheus reads them', () => {
  assert.equal(numberValue('0x1f'), { ok: true, value: 31 });
  assert.equal(numberValue('-Inf'), { ok: true, value: -Infinity });
  assert.equal(numberValue('5.'), { ok: true, value: 5 });
  assert.is(numberValue('1e309').ok, false);
  assert.equal(durationValue('1h30m'), { ok: true, seconds: 5400 });
  assert.equal(durationValue('1.5'), { ok: true, seconds: 1.5 });
  assert.equal(durationValue('250ms'), { ok: true, seconds: 0.25 });
  assert.is(durationValue('300y').ok, false);
  assert.is(durationValue('290y').ok, true);
  assert.is(matchesEmpty('=~', '.*'), true);
  assert.is(matchesEmpty('=~', '.+'), false);
  assert.is(matchesEmpty('!~', '.+'), true);
  assert.is(matchesEmpty('!=', ''), false);
  assert.is(matchesEmpty('=~', '('), undefined);
});

test('regex errors are one line and name Go\'s reason', () => {
  assert.is(regexProblem('x{1001}'), 'does not compile: invalid repeat count in "{1001}"');
  assert.is(regexProblem('a\n('), 'does not compile: missing closing )');
  assert.is(regexProblem('a**'), 'does not compile: invalid nested repetition operator in "**"');
  assert.is(regexProblem('[a-\\d]'), 'does not compile: invalid escape sequence in "\\\\d"');
  assert.is(regexProblem('a|b'), undefined);
});

test.run();
