/** HTTP row: traffic, latency and server errors of SPT's API. */
import { query, thresholds, timeseries, type PanelContent } from '../../grafana/panel.js';
import { promql, re } from '../../engine/promql.js';
import { metrics } from '../catalogue.js';
import { percent, type Context } from '../context.js';
import { latencyQueries } from './queries.js';

export function requestRateTimeseries({ selector, rateInterval }: Context): PanelContent {
  return timeseries({
    title: 'Request Rate',
    description: 'HTTP requests per second, by response status.',
    unit: 'reqps',
    stacked: true,
    queries: [
      query(promql`sum by (status) (rate(${metrics.httpRequests.where(selector)}[${rateInterval}]))`, '{{status}}'),
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

export function errorRateTimeseries({ selector, rateInterval, config }: Context): PanelContent {
  const errors = metrics.httpRequests.where(selector, re('status', '5..'));
  const all = metrics.httpRequests.where(selector);
  return timeseries({
    title: 'Error Rate %',
    description: `Share of HTTP requests answered with a 5xx status. The red line is the SptHighErrorRate threshold (${percent(config.errorRateThreshold)} %).`,
    unit: 'percent',
    min: 0,
    showThresholds: true,
    queries: [
      // A client creates the 5xx series at the first 5xx; until then `or vector(0)` shows 0 % instead of No data.
      query(promql`100 * (sum(rate(${errors}[${rateInterval}])) or vector(0)) / sum(rate(${all}[${rateInterval}]))`, '5xx share'),
    ],
    thresholds: thresholds('green', [percent(config.errorRateThreshold), 'red']),
  });
}
