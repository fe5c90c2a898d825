/**
 * The PromQL side of each rule and what Prometheus expands at evaluation: the expression's syntax, types and
 * catalogue (`checkExpressions`), no Grafana variables, a result Prometheus can store, and every alert label and
 * annotation as a Prometheus Go template.
 */
import type { Location } from '../finding.js';
import { checkExpr } from '../promql.js';
import { parsePromql, type ParsedPromql } from '../promql-parse.js';
import { exprType } from '../promql-types.js';
import { alertTemplateProblem } from './alert-templates.js';
import { at, push, type Context, type RuleRead } from './context.js';

/** Checks the rule's expression; answers the parsed expression when it can be read further, for the conventions. */
export function checkExpression(rule: RuleRead, context: Context): ParsedPromql | undefined {
  const location = at(rule.location, 'expr');
  if (context.options.checkExpressions) context.findings.push(...checkExpr(rule.expr, location, context.options.catalogue));
  const parsed = parsePromql(rule.expr);
  if (parsed.syntaxErrors.length > 0) return undefined;
  const variable = parsed.variables[0];
  if (variable) {
    push(
      context,
      'error',
      'rules/expr',
      `${variable.text} in a rule expression`,
      { ...location, position: { from: variable.from, to: variable.to } },
      'Prometheus does not substitute Grafana variables; write the value itself',
    );
    return undefined;
  }
  resultType(parsed, location, context);
  return parsed;
}

/** Prometheus expands an alert's labels and annotations as templates; a recording rule's labels are copied verbatim. */
export function checkTemplates(rule: RuleRead, context: Context): void {
  if (rule.kind !== 'alert') return;
  for (const kind of ['labels', 'annotations'] as const) {
    for (const [key, value] of Object.entries(rule[kind])) {
      const problem = alertTemplateProblem(value, rule.name);
      if (!problem) continue;
      push(
        context,
        'error',
        'rules/template',
        `${kind}.${key}: ${problem.message}`,
        { ...at(rule.location, `${kind}/${key}`), position: { from: problem.from, to: problem.to } },
        'Prometheus expands this as a Go text/template: balance {{ }}, close every if/range/with with {{ end }}, use Prometheus template functions',
      );
    }
  }
}

/** Prometheus evaluates a rule to a vector (a scalar becomes one); anything else fails at every evaluation. */
function resultType(parsed: ParsedPromql, location: Location, context: Context): void {
  const type = exprType(parsed);
  if (type !== 'matrix' && type !== 'string') return;
  push(
    context,
    'error',
    'promql/result-type',
    `the expression yields a ${type === 'matrix' ? 'range vector' : 'string'}`,
    location,
    type === 'matrix' ? 'reduce the range with rate(...), increase(...) or *_over_time(...)' : 'a rule must yield an instant vector or a scalar',
  );
}
