/**
 * The one place SPT alerts get their cross-cutting fields: tuning (`for`, severity, extra labels) from the config,
 * summary and description from templates/alerts, and the runbook link from the config's URL pattern.
 */
import type { Rule } from '../../engine/mixin.js';
import { duration, formatMatchers, promql, type Expr } from '../../engine/promql.js';
import type { Series } from '../../engine/catalogue.js';
import { goTemplateLiteral } from '../../engine/text.js';
import { alertRule } from '../../prometheus/rules.js';
import type { SptAlertName } from '../config.js';
import { percent, type Context } from '../context.js';
import { environmentText } from '../environment.js';
import { RECORDING_WINDOW_WORDS } from '../window.js';

/** The window of the "a counter grew" alerts, and of their descriptions' "in the last ..." */
export const COUNTER_WINDOW = duration('5m');

export function sptAlert(ctx: Context, alert: SptAlertName, expr: Expr): Rule {
  const { for: forDuration, severity, labels = {} } = ctx.config.alerts[alert];
  const data = {
    config: ctx.config,
    alert,
    percent,
    literal: goTemplateLiteral,
    selector: formatMatchers(ctx.selector),
    window: COUNTER_WINDOW.text,
    where: environmentText(ctx),
    recordingWindow: RECORDING_WINDOW_WORDS,
  };
  return alertRule({
    alert,
    expr,
    for: forDuration,
    severity,
    summary: ctx.text(`alerts/${alert}.summary`, data),
    description: ctx.text(`alerts/${alert}.description`, data),
    runbookUrl: ctx.text('alerts/runbook_url', data),
    // Prometheus expands templates in alert label values too; config text must arrive as written.
    labels: Object.fromEntries(Object.entries(labels).map(([name, value]) => [name, goTemplateLiteral(value)])),
  });
}

/** Fires when a counter of events that should not happen grew within COUNTER_WINDOW. */
export function counterGrewAlert(ctx: Context, alert: SptAlertName, counter: Series): Rule {
  return sptAlert(ctx, alert, promql`increase(${counter.where(ctx.selector)}[${COUNTER_WINDOW}]) > 0`);
}
