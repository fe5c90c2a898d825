/** Overview row: is SPT alive, ready, within its eBay quota, and how long has it been up. */
import { gauge, query, stat, thresholds, valueText, type PanelContent } from '../../grafana/panel.js';
import { promql } from '../../engine/promql.js';
import type { Series } from '../../engine/catalogue.js';
import { metrics } from '../catalogue.js';
import { percent, type Context } from '../context.js';
import { aggregate, environmentLegend } from '../environment.js';

const upDown = valueText([
  [1, 'Up', 'green'],
  [0, 'Down', 'red'],
]);

/** A probe's result across instances: Down as soon as any instance fails it. */
function probeStat(title: string, description: string, probe: Series, ctx: Context): PanelContent {
  return stat({
    title,
    description,
    unit: 'none',
    queries: [query(aggregate(ctx, 'min', probe.where(ctx.selector)), environmentLegend(ctx, title.toLowerCase()), { instant: true })],
    thresholds: thresholds('red', [1, 'green']),
    mappings: upDown,
  });
}

export const healthzStat = (ctx: Context): PanelContent =>
  probeStat('Healthz', 'Liveness check result: Up when /healthz passes on every instance, Down when any fails.', metrics.healthzUp, ctx);

export const readyzStat = (ctx: Context): PanelContent =>
  probeStat('Readyz', 'Readiness check result: Up when /readyz passes on every instance, so SPT can serve traffic.', metrics.readyzUp, ctx);

export function quotaGauge(ctx: Context): PanelContent {
  const { selector, config } = ctx;
  const warningPercent = percent(config.ebayQuotaWarning / config.ebayDailyLimit);
  return gauge({
    title: 'eBay Quota %',
    description: `Share of the eBay daily API allowance (${config.ebayDailyLimit} calls) used today. Yellow from the ${config.ebayQuotaWarning}-call warning level, red at the limit.`,
    unit: 'percent',
    min: 0,
    max: 100,
    decimals: 1,
    queries: [
      query(promql`100 * ${aggregate(ctx, 'max', metrics.ebayDailyUsage.where(selector))} / ${config.ebayDailyLimit}`, environmentLegend(ctx, 'quota used'), {
        instant: true,
      }),
    ],
    thresholds: thresholds('green', [warningPercent, 'yellow'], [100, 'red']),
  });
}

/** How long after a restart the uptime stat stays orange, in seconds. */
const RECENT_RESTART_SECONDS = 300;

export function uptimeStat(ctx: Context): PanelContent {
  return stat({
    title: 'Uptime',
    description: `Time since the most recently started SPT process began; orange during the first ${RECENT_RESTART_SECONDS / 60} minutes after a restart.`,
    unit: 's',
    decimals: 0,
    queries: [query(promql`time() - ${aggregate(ctx, 'max', metrics.processStart.where(ctx.selector))}`, environmentLegend(ctx, 'uptime'), { instant: true })],
    thresholds: thresholds('orange', [RECENT_RESTART_SECONDS, 'green']),
  });
}
