/**
 * The one place SPT alerts get their cross-cutting fields: tuning (`for`, severity) from the config, summary and
 * description from templates/alerts, and the runbook link from the config's URL pattern.
 */
import type { Rule } from '../../engine/mixin.js';
import type { Expr } from '../../engine/promql.js';
import { goTemplateLiteral } from '../../engine/text.js';
import { alertRule } from '../../prometheus/rules.js';
import type { SptAlertName } from '../config.js';
import { percent, type Context } from '../context.js';

export function sptAlert(ctx: Context, alert: SptAlertName, expr: Expr): Rule {
  const { for: forDuration, severity } = ctx.config.alerts[alert];
  const data = { config: ctx.config, alert, percent, literal: goTemplateLiteral };
  return alertRule({
    alert,
    expr,
    for: forDuration,
    severity,
    summary: ctx.text(`alerts/${alert}.summary`, data),
    description: ctx.text(`alerts/${alert}.description`, data),
    runbookUrl: ctx.text('alerts/runbook_url', data),
  });
}
