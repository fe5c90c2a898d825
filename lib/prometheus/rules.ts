/**
 * Rule builders and the Prometheus Operator resource that carries them. Expressions arrive as `Expr` values
 * from the promql template; durations are checked when the rule is built, not when Prometheus loads it.
 */
import type { Rule, RuleFile, RuleGroup } from '../engine/mixin.js';
import { Duration, type Expr } from '../engine/promql.js';
import { isDurationSyntax, isPromDuration } from '../engine/promql-literals.js';

export type AlertSeverity = 'critical' | 'warning' | 'info';

export function recordingRule(record: string, expr: Expr, labels?: Record<string, string>): Rule {
  return { record, expr: expr.text, ...(labels && Object.keys(labels).length > 0 ? { labels } : {}) };
}

export interface AlertSpec {
  alert: string;
  expr: Expr;
  /** How long the condition must hold; zero fires on the first evaluation. */
  for: string;
  severity: AlertSeverity;
  summary: string;
  description: string;
  runbookUrl: string;
  labels?: Record<string, string>;
}

export function alertRule(spec: AlertSpec): Rule {
  // `0`, `0m` and `0m0s` alike: a duration is zero when it has no non-zero digit.
  const zero = isDurationSyntax(spec.for) && !isPromDuration(spec.for);
  if (!zero) Duration.parse(spec.for, { grafana: false });
  return {
    alert: spec.alert,
    expr: spec.expr.text,
    // A zero `for` is Prometheus's default; omitting it keeps the rule file minimal.
    ...(zero ? {} : { for: spec.for }),
    labels: { ...spec.labels, severity: spec.severity },
    annotations: { summary: spec.summary, description: spec.description, runbook_url: spec.runbookUrl },
  };
}

export const group = (name: string, rules: Rule[], interval?: string): RuleGroup => ({
  name,
  ...(interval ? { interval } : {}),
  rules,
});

export interface PrometheusRuleResource {
  apiVersion: 'monitoring.coreos.com/v1';
  kind: 'PrometheusRule';
  metadata: { name: string; labels: Record<string, string> };
  spec: RuleFile;
}

/** No namespace: the consumer's Kustomize (or Helm) decides where the rules live. */
export function prometheusRule(name: string, labels: Record<string, string>, rules: RuleFile): PrometheusRuleResource {
  return { apiVersion: 'monitoring.coreos.com/v1', kind: 'PrometheusRule', metadata: { name, labels }, spec: rules };
}
