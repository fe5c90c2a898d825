/**
 * What `_config.environmentLabels` changes in queries: aggregations keep the environment labels, dashboard
 * selectors follow the environment variables, and legends name the environment. With no environment labels each
 * helper returns the plan's single-environment form unchanged.
 */
import { Expr, re, type Matcher, type VectorSelector } from '../engine/promql.js';
import { queryVariable, type TemplateVariable } from '../grafana/dashboard.js';
import { metrics } from './catalogue.js';
import type { Context } from './context.js';

/** `op by (<environment labels>, ...extra) (inner)`; `op(inner)` when there is nothing to keep. */
export function aggregate({ environmentLabels }: Context, op: string, inner: Expr | VectorSelector, extra: readonly string[] = []): Expr {
  const labels = [...environmentLabels, ...extra];
  return new Expr(labels.length === 0 ? `${op}(${inner})` : `${op} by (${labels.join(', ')}) (${inner})`);
}

/** One `label=~"$label"` matcher per environment label: the dashboard's variables narrow every panel query. */
export const environmentMatchers = ({ environmentLabels }: Context): Matcher[] =>
  environmentLabels.map((label) => re(label, `$${label}`));

/**
 * One variable per environment label, in the configured order, each listing the values `up` of SPT's targets
 * carries under the choices of the variables before it.
 */
export function environmentVariables(ctx: Context): TemplateVariable[] {
  const matchers = environmentMatchers(ctx);
  return ctx.environmentLabels.map((label, i) =>
    queryVariable(label, `label_values(${metrics.up.where(ctx.selector, ...matchers.slice(0, i))}, ${label})`),
  );
}

/** The legend prefixed with the environment, so series of two selected environments stay apart. */
export function environmentLegend({ environmentLabels }: Context, legend: string): string {
  if (environmentLabels.length === 0) return legend;
  return `${environmentLabels.map((label) => `{{${label}}}`).join('/')} ${legend}`;
}

/** A Go template naming the alert's environment, ` in env=prod`, for alert descriptions; empty with none. */
export function environmentText({ environmentLabels }: Context): string {
  if (environmentLabels.length === 0) return '';
  return ` in ${environmentLabels.map((label) => `${label}={{ $labels.${label} }}`).join(', ')}`;
}
