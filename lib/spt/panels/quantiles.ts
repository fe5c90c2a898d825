/** Percentile queries over a histogram, shared by every latency panel. */
import { query, type Query } from '../../grafana/panel.js';
import { promql } from '../../engine/promql.js';
import type { Metric } from '../../engine/catalogue.js';
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
