/** eBay API row: call volume against the daily allowance. */
import { query, stat, thresholds, timeseries, type PanelContent } from '../../grafana/panel.js';
import { promql } from '../../engine/promql.js';
import { metrics } from '../catalogue.js';
import type { Context } from '../context.js';
import { aggregate, environmentLegend } from '../environment.js';
import { inTimeRange } from './queries.js';

export function apiCallsRateTimeseries(ctx: Context): PanelContent {
  const { selector, rateInterval } = ctx;
  return timeseries({
    title: 'API Calls Rate',
    description: 'eBay API calls per second made by SPT.',
    unit: 'reqps',
    queries: [query(aggregate(ctx, 'sum', promql`rate(${metrics.ebayApiCalls.where(selector)}[${rateInterval}])`), environmentLegend(ctx, 'calls'))],
  });
}

export function dailyUsageTimeseries(ctx: Context): PanelContent {
  const { selector, config } = ctx;
  return timeseries({
    title: 'Daily Usage vs Limit',
    description: `eBay API calls made today against the daily limit of ${config.ebayDailyLimit}; SptEbayQuotaHigh fires above ${config.ebayQuotaWarning}.`,
    unit: 'short',
    min: 0,
    showThresholds: true,
    queries: [
      query(aggregate(ctx, 'max', metrics.ebayDailyUsage.where(selector)), environmentLegend(ctx, 'used today')),
      query(promql`vector(${config.ebayDailyLimit})`, 'daily limit'),
    ],
    thresholds: thresholds('green', [config.ebayQuotaWarning, 'yellow'], [config.ebayDailyLimit, 'red']),
  });
}

export function limitHitsStat(ctx: Context): PanelContent {
  return stat({
    title: 'Limit Hits',
    description: 'Times SPT hit the eBay daily limit in the selected time range; any hit means calls were refused.',
    unit: 'short',
    decimals: 0,
    queries: [inTimeRange(ctx, metrics.ebayDailyLimitHits, 'limit hits')],
    thresholds: thresholds('green', [1, 'red']),
  });
}
