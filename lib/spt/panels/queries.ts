/** Query shapes several panels share, as functions of the config's selector and rate interval. */
import { query, type Query } from '../../grafana/panel.js';
import { dashboardDuration, promql } from '../../engine/promql.js';
import type { Metric, Series } from '../../engine/catalogue.js';
import type { Context } from '../context.js';
import { aggregate, environmentLegend } from '../environment.js';

/** One `histogram_quantile` per percentile, summed over instances with `le` kept, legend `p95` etc. */
export function latencyQueries(ctx: Context, histogram: Metric, quantiles: number[]): Query[] {
  const { selector, rateInterval } = ctx;
  return quantiles.map((q) =>
    query(
      promql`histogram_quantile(${q}, ${aggregate(ctx, 'sum', promql`rate(${histogram.bucket.where(selector)}[${rateInterval}])`, ['le'])})`,
      environmentLegend(ctx, `p${Math.round(q * 100)}`),
    ),
  );
}

/** A counter's events per minute, all instances together. */
export function perMinute(ctx: Context, counter: Series, legend: string): Query {
  return query(promql`60 * ${aggregate(ctx, 'sum', promql`rate(${counter.where(ctx.selector)}[${ctx.rateInterval}])`)}`, environmentLegend(ctx, legend));
}

/** A counter's events in the dashboard's time range, as one number. */
export function inTimeRange(ctx: Context, counter: Series, legend: string): Query {
  const increase = promql`increase(${counter.where(ctx.selector)}[${dashboardDuration('$__range')}])`;
  return query(aggregate(ctx, 'sum', increase), environmentLegend(ctx, legend), { instant: true });
}
