/** Query shapes several panels share, as functions of the config's selector and rate interval. */
import { query, type Query } from '../../grafana/panel.js';
import { dashboardDuration, promql } from '../../engine/promql.js';
import type { Metric, Series } from '../../engine/catalogue.js';
import type { Context } from '../context.js';

/** One `histogram_quantile` per percentile, summed over instances with `le` kept, legend `p95` etc. */
export function latencyQueries({ selector, rateInterval }: Context, histogram: Metric, quantiles: number[]): Query[] {
  return quantiles.map((q) =>
    query(
      promql`histogram_quantile(${q}, sum by (le) (rate(${histogram.bucket.where(selector)}[${rateInterval}])))`,
      `p${Math.round(q * 100)}`,
    ),
  );
}

/** A counter's events per minute, all instances together. */
export function perMinute({ selector, rateInterval }: Context, counter: Series, legend: string): Query {
  return query(promql`60 * sum(rate(${counter.where(selector)}[${rateInterval}]))`, legend);
}

/** A counter's events in the dashboard's time range, as one number. */
export function inTimeRange({ selector }: Context, counter: Series, legend: string): Query {
  return query(promql`sum(increase(${counter.where(selector)}[${dashboardDuration('$__range')}]))`, legend, { instant: true });
}
