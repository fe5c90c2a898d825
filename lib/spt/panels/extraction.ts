/** Extraction row: LLM extraction latency and failures. */
import { query, thresholds, timeseries, type PanelContent } from '../../grafana/panel.js';
import { promql } from '../../engine/promql.js';
import { metrics } from '../catalogue.js';
import type { Context } from '../context.js';
import { aggregate, environmentLegend } from '../environment.js';
import { latencyQueries } from './queries.js';

export function extractionDurationTimeseries(ctx: Context): PanelContent {
  return timeseries({
    title: 'Duration p50/p95',
    description: 'LLM extraction latency percentiles, from the extraction duration histogram.',
    unit: 's',
    queries: latencyQueries(ctx, metrics.extractionDuration, [0.5, 0.95]),
  });
}

export function extractionFailuresTimeseries(ctx: Context): PanelContent {
  const { selector, rateInterval, config } = ctx;
  return timeseries({
    title: 'Failure Rate',
    description: `Failed LLM extractions per second. The red line is the SptExtractionFailures threshold (${config.extractionFailureRateThreshold}/s).`,
    unit: 'cps',
    min: 0,
    showThresholds: true,
    queries: [query(aggregate(ctx, 'sum', promql`rate(${metrics.extractionFailures.where(selector)}[${rateInterval}])`), environmentLegend(ctx, 'failures'))],
    thresholds: thresholds('green', [config.extractionFailureRateThreshold, 'red']),
  });
}
