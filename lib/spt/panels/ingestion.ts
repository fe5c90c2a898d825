/** Ingestion row: listings coming in, errors, and how long a cycle takes. */
import { query, timeseries, type PanelContent } from '../../grafana/panel.js';
import { promql } from '../../engine/promql.js';
import { metrics } from '../catalogue.js';
import type { Context } from '../context.js';
import { latencyQueries } from './quantiles.js';

export function listingsRateTimeseries({ selector, rateInterval }: Context): PanelContent {
  return timeseries({
    title: 'Listings/min',
    description: 'Listings ingested per minute.',
    unit: 'cpm',
    queries: [query(promql`60 * sum(rate(${metrics.ingestionListings.where(selector)}[${rateInterval}]))`, 'listings')],
  });
}

export function ingestionErrorsTimeseries({ selector, rateInterval }: Context): PanelContent {
  return timeseries({
    title: 'Errors/min',
    description: 'Ingestion errors per minute; SptIngestionErrors fires on any sustained error.',
    unit: 'cpm',
    min: 0,
    queries: [query(promql`60 * sum(rate(${metrics.ingestionErrors.where(selector)}[${rateInterval}]))`, 'errors')],
  });
}

export function cycleDurationTimeseries(ctx: Context): PanelContent {
  return timeseries({
    title: 'Cycle Duration',
    description: 'Duration of an ingestion cycle, p50/p95/p99, from the ingestion duration histogram.',
    unit: 's',
    queries: latencyQueries(ctx, metrics.ingestionDuration, [0.5, 0.95, 0.99]),
  });
}
