/** Scoring row: how listing scores spread over the histogram's buckets. */
import { barGauge, query, thresholds, type PanelContent } from '../../grafana/panel.js';
import { dashboardDuration, promql } from '../../engine/promql.js';
import { metrics } from '../catalogue.js';
import type { Context } from '../context.js';
import { aggregate, environmentLegend } from '../environment.js';

export function scoreDistributionBarGauge(ctx: Context): PanelContent {
  return barGauge({
    title: 'Score Distribution',
    description: 'Listings scored in the selected time range, per score bucket (upper bound of the bucket).',
    unit: 'short',
    min: 0,
    decimals: 0,
    queries: [
      // `format: heatmap` makes Grafana turn cumulative `le` buckets into per-bucket counts.
      query(aggregate(ctx, 'sum', promql`increase(${metrics.scoringDistribution.bucket.where(ctx.selector)}[${dashboardDuration('$__range')}])`, ['le']), environmentLegend(ctx, '{{le}}'), {
        instant: true,
        format: 'heatmap',
      }),
    ],
    thresholds: thresholds('blue'),
  });
}
