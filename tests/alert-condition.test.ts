/** rules/comparison: an alert without a condition fires whenever its series exist (pint's alerts/comparison). */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { alertConditionFindings } from '../lib/check/alert-condition.js';
import { checkRuleFile } from '../lib/check/rules.js';

const warns = (expr: string) => alertConditionFindings(expr, { path: '/groups/0/rules/0' }).map((f) => `${f.severity} ${f.rule} ${f.location.path}`);

test('expressions that always return their series are reported', () => {
  for (const expr of ['up', 'rate(errors_total[5m])', 'sum by (job) (rate(errors_total[5m]))', 'up > bool 0', 'vector(1)', 'x or y > 0', 'x and y', 'label_replace(up, "a", "b", "c", "d")']) {
    assert.equal(warns(expr), ['warning rules/comparison /groups/0/rules/0/expr'], expr);
  }
});

test('expressions with a condition are not', () => {
  for (const expr of ['up == 0', '(up == 0)', 'sum(rate(e_total[5m])) / sum(rate(r_total[5m])) > 0.05', 'absent(up{job="x"})', 'absent(up) or up == 0', 'x and y > 1', 'x unless y', 'sum(up == 0) by (job)', 'x offset 5m > 1', 'count(up == 0) > bool 0', 'absent_over_time(up[5m])']) {
    assert.equal(warns(expr), [], expr);
  }
});

test('reported for alerts only, by the rule checks, and never for a syntax error', () => {
  const groups = [{ name: 'g', rules: [{ alert: 'A', expr: 'up', labels: { severity: 'info' } }, { record: 'job:up:sum', expr: 'sum by (job) (up)' }, { alert: 'B', expr: 'up ==' }] }];
  const findings = checkRuleFile(groups, { file: 'r.yaml', groupsPath: '/groups', conventionSeverity: 'warning', checkExpressions: true });
  assert.equal(findings.filter((f) => f.rule === 'rules/comparison').map((f) => f.location.path), ['/groups/0/rules/0/expr']);
});

test.run();
