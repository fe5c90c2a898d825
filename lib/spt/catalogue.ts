/**
 * What SPT exports (namespace `spt`), plus the series Prometheus itself adds. The single source for the
 * content's selectors and for the checks' metric, label and type knowledge.
 */
import { Metric, Recorded, Series, catalogueOf, type Catalogue, type MetricSpec } from '../engine/catalogue.js';
import { RECORDING_WINDOW } from './window.js';

/** Labels Prometheus attaches to every scraped series. */
const TARGET_LABELS = ['job', 'instance'] as const;

const httpLabels = ['method', 'path', 'status'];

const SPECS = {
  httpRequestDuration: ['spt_http_request_duration_seconds', { type: 'histogram', help: 'HTTP request latency in seconds.', labels: httpLabels }],
  httpRequests: ['spt_http_requests_total', { type: 'counter', help: 'HTTP requests served.', labels: httpLabels }],
  healthzUp: ['spt_healthz_up', { type: 'gauge', help: '1 when the liveness check passes.' }],
  readyzUp: ['spt_readyz_up', { type: 'gauge', help: '1 when the readiness check passes.' }],
  ingestionListings: ['spt_ingestion_listings_total', { type: 'counter', help: 'Listings ingested.' }],
  ingestionErrors: ['spt_ingestion_errors_total', { type: 'counter', help: 'Ingestion errors.' }],
  ingestionDuration: ['spt_ingestion_duration_seconds', { type: 'histogram', help: 'Duration of one ingestion cycle in seconds.' }],
  extractionDuration: ['spt_extraction_duration_seconds', { type: 'histogram', help: 'LLM extraction latency in seconds.' }],
  extractionFailures: ['spt_extraction_failures_total', { type: 'counter', help: 'Failed LLM extractions.' }],
  scoringDistribution: ['spt_scoring_distribution', { type: 'histogram', help: 'Distribution of listing scores.' }],
  ebayApiCalls: ['spt_ebay_api_calls_total', { type: 'counter', help: 'eBay API calls made.' }],
  ebayDailyUsage: ['spt_ebay_daily_usage', { type: 'gauge', help: 'eBay API calls made today.' }],
  ebayDailyLimitHits: ['spt_ebay_daily_limit_hits_total', { type: 'counter', help: 'Times the eBay daily limit was reached.' }],
  alertsFired: ['spt_alerts_fired_total', { type: 'counter', help: 'Deal alerts fired.' }],
  notificationFailures: ['spt_notification_failures_total', { type: 'counter', help: 'Failed alert notifications.' }],
  processStart: ['process_start_time_seconds', { type: 'gauge', help: 'Start time of the process since the Unix epoch, in seconds.' }],
} satisfies Record<string, [string, MetricSpec]>;

type MetricKey = keyof typeof SPECS;

/**
 * The metrics with the labels every scraped series carries. `extraTargetLabels` are labels the scrape adds on
 * top of job and instance (e.g. `env` from relabelling), known from the config's selector.
 */
function metricsWith(extraTargetLabels: readonly string[]) {
  const target = [...new Set([...TARGET_LABELS, ...extraTargetLabels])];
  const built = Object.fromEntries(
    Object.entries(SPECS).map(([key, [name, spec]]) => [key, new Metric(name, spec as MetricSpec, target)]),
  ) as Record<MetricKey, Metric>;
  return { ...built, up: new Series('up', 'gauge', target, 'Set by Prometheus: 1 when the last scrape succeeded.') };
}

/**
 * Recording rules' outputs. Their labels are what the expressions keep: `sum` keeps only the environment labels,
 * a bare `rate` keeps the target labels.
 */
function recordedWith(extraTargetLabels: readonly string[], environmentLabels: readonly string[]) {
  const target = [...new Set([...TARGET_LABELS, ...extraTargetLabels, ...environmentLabels])];
  const perEnvironment = [...environmentLabels];
  const w = RECORDING_WINDOW.text;
  return {
    httpRequestsRate5m: new Recorded(`spt:http_requests:rate${w}`, perEnvironment, `Requests per second over ${w}, all instances.`),
    httpErrorsRate5m: new Recorded(`spt:http_errors:rate${w}`, perEnvironment, `5xx responses per second over ${w}, all instances.`),
    ingestionListingsRate5m: new Recorded(`spt:ingestion_listings:rate${w}`, target, `Listings ingested per second over ${w}.`),
    ingestionErrorsRate5m: new Recorded(`spt:ingestion_errors:rate${w}`, target, `Ingestion errors per second over ${w}.`),
    extractionFailuresRate5m: new Recorded(`spt:extraction_failures:rate${w}`, target, `Extraction failures per second over ${w}.`),
    ebayApiCallsRate5m: new Recorded(`spt:ebay_api_calls:rate${w}`, target, `eBay API calls per second over ${w}.`),
  };
}

/** Names, types and the standard labels: what content builds its queries from. */
export const metrics = metricsWith([]);
export const recorded = recordedWith([], []);

/**
 * The catalogue the checks read; the selector's labels and the environment labels are target labels, so every
 * scraped series carries them, and the summed recorded series keep the environment labels.
 */
export function sptCatalogue(selectorLabels: readonly string[], environmentLabels: readonly string[] = []): Catalogue {
  const target = [...selectorLabels, ...environmentLabels];
  return catalogueOf([...Object.values(metricsWith(target)), ...Object.values(recordedWith(selectorLabels, environmentLabels))]);
}
