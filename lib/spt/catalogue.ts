/**
 * What SPT exports (namespace `spt`), plus the series Prometheus itself adds. The single source for the
 * content's selectors and for the checks' metric, label and type knowledge.
 */
import { Metric, Recorded, Series, catalogueOf, type MetricSpec } from '../engine/catalogue.js';

/** Labels Prometheus attaches to every scraped series. */
const TARGET_LABELS = ['job', 'instance'] as const;

const m = (name: string, spec: MetricSpec): Metric => new Metric(name, spec, TARGET_LABELS);
const httpLabels = ['method', 'path', 'status'];

export const metrics = {
  httpRequestDuration: m('spt_http_request_duration_seconds', { type: 'histogram', help: 'HTTP request latency in seconds.', labels: httpLabels }),
  httpRequests: m('spt_http_requests_total', { type: 'counter', help: 'HTTP requests served.', labels: httpLabels }),
  healthzUp: m('spt_healthz_up', { type: 'gauge', help: '1 when the liveness check passes.' }),
  readyzUp: m('spt_readyz_up', { type: 'gauge', help: '1 when the readiness check passes.' }),
  ingestionListings: m('spt_ingestion_listings_total', { type: 'counter', help: 'Listings ingested.' }),
  ingestionErrors: m('spt_ingestion_errors_total', { type: 'counter', help: 'Ingestion errors.' }),
  ingestionDuration: m('spt_ingestion_duration_seconds', { type: 'histogram', help: 'Duration of one ingestion cycle in seconds.' }),
  extractionDuration: m('spt_extraction_duration_seconds', { type: 'histogram', help: 'LLM extraction latency in seconds.' }),
  extractionFailures: m('spt_extraction_failures_total', { type: 'counter', help: 'Failed LLM extractions.' }),
  scoringDistribution: m('spt_scoring_distribution', { type: 'histogram', help: 'Distribution of listing scores.' }),
  ebayApiCalls: m('spt_ebay_api_calls_total', { type: 'counter', help: 'eBay API calls made.' }),
  ebayDailyUsage: m('spt_ebay_daily_usage', { type: 'gauge', help: 'eBay API calls made today.' }),
  ebayDailyLimitHits: m('spt_ebay_daily_limit_hits_total', { type: 'counter', help: 'Times the eBay daily limit was reached.' }),
  alertsFired: m('spt_alerts_fired_total', { type: 'counter', help: 'Deal alerts fired.' }),
  notificationFailures: m('spt_notification_failures_total', { type: 'counter', help: 'Failed alert notifications.' }),
  up: new Series('up', 'gauge', TARGET_LABELS, 'Set by Prometheus: 1 when the last scrape succeeded.'),
  processStart: m('process_start_time_seconds', { type: 'gauge', help: 'Start time of the process since the Unix epoch, in seconds.' }),
};

/**
 * Recording rules' outputs. Their labels are what the expressions keep: `sum` drops all, a bare `rate`
 * keeps the target labels.
 */
export const recorded = {
  httpRequestsRate5m: new Recorded('spt:http_requests:rate5m', [], 'Requests per second over 5m, all instances.'),
  httpErrorsRate5m: new Recorded('spt:http_errors:rate5m', [], '5xx responses per second over 5m, all instances.'),
  ingestionListingsRate5m: new Recorded('spt:ingestion_listings:rate5m', TARGET_LABELS, 'Listings ingested per second over 5m.'),
  ingestionErrorsRate5m: new Recorded('spt:ingestion_errors:rate5m', TARGET_LABELS, 'Ingestion errors per second over 5m.'),
  extractionFailuresRate5m: new Recorded('spt:extraction_failures:rate5m', TARGET_LABELS, 'Extraction failures per second over 5m.'),
  ebayApiCallsRate5m: new Recorded('spt:ebay_api_calls:rate5m', TARGET_LABELS, 'eBay API calls per second over 5m.'),
};

export const catalogue = catalogueOf([...Object.values(metrics), ...Object.values(recorded)]);
