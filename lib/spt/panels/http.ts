/** HTTP row: traffic, latency and server errors of SPT's API. */
import { query, thresholds, timeseries, type PanelContent } from '../../grafana/panel.js';
import { promql, re, type Expr } from '../../engine/promql.js';
import { metrics } from '../catalogue.js';
import { percent, type Context } from '../context.js';
import { aggregate, environmentLegend } from '../environment.js';
import { latencyQueries } from './queries.js';

export function requestRateTimeseries(ctx: Context): PanelContent {
  const { selector, rateInterval } = ctx;
  return timeseries({
    title: 'Request Rate',
    description: 'HTTP requests per second, by response status.',
    unit: 'reqps',
    stacked: true,
    queries: [
      query(aggregate(ctx, 'sum', promql`rate(${metrics.httpRequests.where(selector)}[${rateInterval}])`, ['status']), environmentLegend(ctx, '{{status}}')),
    ],
  });
}

export function latencyTimeseries(ctx: Context): PanelContent {
  return timeseries({
    title: 'Latency p50/p95/p99',
    description: 'HTTP request latency percentiles across all routes, from the request duration histogram.',
    unit: 's',
    queries: latencyQueries(ctx, metrics.httpRequestDuration, [0.5, 0.95, 0.99]),
  });
}

/**
 * A client creates the 5xx series at the first 5xx; until then the errors side is filled with 0 so the panel
 * shows 0 % instead of No data: `vector(0)` for one environment, a zero per environment that serves requests
 * for several (a label-less `vector(0)` would match none of them).
 */
function errorShare(ctx: Context, errors: Expr, all: Expr): Expr {
  const total = aggregate(ctx, 'sum', all);
  const zero = ctx.environmentLabels.length === 0 ? promql`vector(0)` : promql`0 * ${total}`;
  return promql`100 * (${aggregate(ctx, 'sum', errors)} or ${zero}) / ${total}`;
}

export function errorRateTimeseries(ctx: Context): PanelContent {
  const { selector, rateInterval, config } = ctx;
  const errors = metrics.httpRequests.where(selector, re('status', '5..'));
  const all = metrics.httpRequests.where(selector);
  return timeseries({
    title: 'Error Rate %',
    description: `Share of HTTP requests answered with a 5xx status. The red line is the SptHighErrorRate threshold (${percent(config.errorRateThreshold)} %).`,
    unit: 'percent',
    min: 0,
    showThresholds: true,
    queries: [
      query(errorShare(ctx, promql`rate(${errors}[${rateInterval}])`, promql`rate(${all}[${rateInterval}])`), environmentLegend(ctx, '5xx share')),
    ],
    thresholds: thresholds('green', [percent(config.errorRateThreshold), 'red']),
  });
}
