/** Ingestion row: listings coming in, errors, and how long a cycle takes. */
import { timeseries, type PanelContent } from '../../grafana/panel.js';
import { metrics } from '../catalogue.js';
import type { Context } from '../context.js';
import { latencyQueries, perMinute } from './queries.js';

export function listingsRateTimeseries(ctx: Context): PanelContent {
  return timeseries({
    title: 'Listings/min',
    description: 'Listings ingested per minute.',
    unit: 'cpm',
    queries: [perMinute(ctx, metrics.ingestionListings, 'listings')],
  });
}

export function ingestionErrorsTimeseries(ctx: Context): PanelContent {
  return timeseries({
    title: 'Errors/min',
    description: 'Ingestion errors per minute; SptIngestionErrors fires on any sustained error.',
    unit: 'cpm',
    min: 0,
    queries: [perMinute(ctx, metrics.ingestionErrors, 'errors')],
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
