/**
 * Six hours of server-price-tracker as its `/metrics` would have told them, scraped every 15 s: a daily traffic
 * shape, a 5xx burst, a spell of ingestion errors, eBay usage climbing to the daily limit, notification failures
 * and a restart. Written as OpenMetrics text with timestamps for `promtool tsdb create-blocks-from openmetrics`.
 * A fixed seed and a fixed end make every run produce the same bytes.
 */
import type { Matcher } from '../../lib/engine/promql.js';
import { random } from '../../tests/helpers.js';

export const SCRAPE_SECONDS = 15;
export const HOURS = 6;
/** 18:00 UTC: the six hours are the busy afternoon of SPT's day. */
export const END = Date.UTC(2026, 2, 10, 18, 0, 0) / 1000;
export const START = END - HOURS * 3600;

/** What happens when, in seconds since START: what the README and the picture describe. */
export const EVENTS = {
  http5xx: { from: 1.5 * 3600, to: 1.5 * 3600 + 20 * 60 },
  ingestionErrors: { from: 2.5 * 3600, to: 3 * 3600 },
  restart: { at: 3 * 3600 + 40 * 60, downFor: 60, notReadyFor: 120 },
  notificationFailures: { from: 4 * 3600, to: 4 * 3600 + 10 * 60 },
  /** The eBay allowance is used up here; calls stop and each refused attempt counts as a limit hit. */
  limitReached: 5 * 3600 + 20 * 60,
} as const;

const DAILY_LIMIT = 5000;
const USAGE_AT_START = 2600;
const INSTANCE = 'spt-0:8080';
// prometheus.DefBuckets, SPT's buckets for every duration histogram; scores use LinearBuckets(0, 10, 11).
const DEFAULT_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];
const SCORE_BUCKETS = [0, 10, 20, 30, 40, 50, 60, 70, 80, 90, 100];

const ROUTES = [
  { method: 'GET', path: '/api/v1/listings', share: 0.55 },
  { method: 'GET', path: '/api/v1/watches', share: 0.3 },
  { method: 'POST', path: '/api/v1/watches', share: 0.15 },
];

/**
 * The target labels every series carries: job and instance, and the equality matchers of `sptSelector` (a
 * customised render's `env="prod"` is a label the scrape would add). Other matchers say what a series must not
 * be, which the scenario's series never are; a regex names no single value, so it is refused.
 */
export function targetLabels(selector: readonly Matcher[]): Record<string, string> {
  const labels: Record<string, string> = { job: 'server-price-tracker', instance: INSTANCE };
  for (const m of selector) {
    if (m.op === '=') labels[m.label] = m.value;
    else if (m.op === '=~') {
      throw new Error(`sptSelector matcher ${m.label}=~"${m.value}" names no single value; the preview needs = for the labels its series carry`);
    }
  }
  return labels;
}

/** Abramowitz–Stegun 7.1.26, enough for bucket shares. */
function erf(x: number): number {
  const t = 1 / (1 + 0.3275911 * Math.abs(x));
  const y = 1 - ((((1.061405429 * t - 1.453152027) * t + 1.421413741) * t - 0.284496736) * t + 0.254829592) * t * Math.exp(-x * x);
  return x >= 0 ? y : -y;
}
const logNormalCdf = (x: number, median: number, sigma: number) => (x <= 0 ? 0 : 0.5 * (1 + erf(Math.log(x / median) / (sigma * Math.SQRT2))));
const normalCdf = (x: number, mean: number, sd: number) => 0.5 * (1 + erf((x - mean) / (sd * Math.SQRT2)));

const within = (t: number, span: { from: number; to: number }) => t >= span.from && t < span.to;

interface Counter {
  kind: 'counter';
  total: number;
}
interface Histogram {
  kind: 'histogram';
  buckets: number[];
  counts: number[];
  sum: number;
}

/** The process's state: counters and histograms restart from zero when the process does. */
class Process {
  private counters = new Map<string, Counter>();
  private histograms = new Map<string, Histogram>();

  counter(key: string): Counter {
    let c = this.counters.get(key);
    if (!c) this.counters.set(key, (c = { kind: 'counter', total: 0 }));
    return c;
  }

  histogram(key: string, buckets: number[]): Histogram {
    let h = this.histograms.get(key);
    if (!h) this.histograms.set(key, (h = { kind: 'histogram', buckets, counts: buckets.map(() => 0).concat(0), sum: 0 }));
    return h;
  }

  restart(): void {
    this.counters.clear();
    this.histograms.clear();
  }
}

/** `n` observations spread over the buckets by a distribution's CDF; `mean` feeds the sum. */
function observe(h: Histogram, n: number, cdf: (le: number) => number, mean: number): void {
  h.buckets.forEach((le, i) => (h.counts[i] = (h.counts[i] as number) + n * cdf(le)));
  h.counts[h.buckets.length] = (h.counts[h.buckets.length] as number) + n;
  h.sum += n * mean;
}

type Labels = Record<string, string>;

/** One sample line per series and scrape, collected per series so each series' samples stay in time order. */
class Exposition {
  private series = new Map<string, string[]>();

  add(name: string, labels: Labels, value: number, t: number): void {
    const key = `${name}{${Object.entries(labels)
      .map(([k, v]) => `${k}="${v.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n')}"`)
      .join(',')}}`;
    let lines = this.series.get(key);
    if (!lines) this.series.set(key, (lines = []));
    lines.push(`${key} ${formatValue(value)} ${t}`);
  }

  /** Families one after another (OpenMetrics forbids interleaving them), each series' samples in time order. */
  text(): string {
    const byFamily = [...this.series.entries()].sort(([a], [b]) => familyOf(a).localeCompare(familyOf(b)) || (a < b ? -1 : a > b ? 1 : 0));
    return `${byFamily.map(([, lines]) => lines.join('\n')).join('\n')}\n# EOF\n`;
  }
}

const familyOf = (key: string) => key.slice(0, key.indexOf('{')).replace(/_(bucket|sum|count)$/, '');
const formatValue = (v: number) => (Number.isInteger(v) ? String(v) : v.toFixed(6).replace(/0+$/, ''));

/** The scenario's OpenMetrics text for a target's labels. */
export function scenario(target: Labels): string {
  const rand = random(20260310);
  const noise = (spread: number) => 1 + spread * (rand() * 2 - 1);
  const out = new Exposition();
  const proc = new Process();
  const at = (labels: Labels = {}) => ({ ...labels, ...target });
  let processStart = START - 3 * 86400;
  let usage = USAGE_AT_START;
  let lastLimitHit = -Infinity;

  for (let t = 0; t <= HOURS * 3600; t += SCRAPE_SECONDS) {
    const ts = START + t;
    const { restart } = EVENTS;
    if (t === restart.at) proc.restart();
    if (t >= restart.at && t < restart.at + restart.downFor) continue; // no scrape answered while it restarts
    if (t === restart.at + restart.downFor) processStart = START + restart.at + 20;

    // Traffic follows the day: quiet at night, busiest in the early afternoon (hour 14 UTC).
    const hour = ((ts / 3600) % 24 + 24) % 24;
    const daily = 1 + 0.45 * Math.cos(((hour - 14) / 24) * 2 * Math.PI);
    const dt = SCRAPE_SECONDS;

    // HTTP: 12 requests per second at the peak; a fifth of them fail during the burst, and latency grows.
    const burst = within(t, EVENTS.http5xx);
    for (const route of ROUTES) {
      const n = 12 * daily * route.share * dt * noise(0.15);
      const failed = burst ? n * 0.2 : 0;
      const notFound = route.method === 'GET' ? n * 0.02 : 0;
      const parts: Array<[string, number]> = [['200', n - failed - notFound], ['404', notFound], ['500', failed]];
      for (const [status, count] of parts) {
        const labels = { method: route.method, path: route.path, status };
        if (count <= 0 && !proc.counter(`http ${route.method}${route.path}${status}`).total) continue;
        proc.counter(`http ${route.method}${route.path}${status}`).total += count;
        const h = proc.histogram(`latency ${route.method}${route.path}${status}`, DEFAULT_BUCKETS);
        const median = (burst ? 0.35 : 0.045) * (route.method === 'POST' ? 1.6 : 1);
        observe(h, count, (le) => logNormalCdf(le, median, 0.8), median * 1.4);
        out.add('spt_http_requests_total', at(labels), Math.floor(proc.counter(`http ${route.method}${route.path}${status}`).total), ts);
        histogramLines(out, 'spt_http_request_duration_seconds', at(labels), h, ts);
      }
    }

    // Liveness and readiness: ready again two minutes after the restart.
    const ready = !(t >= restart.at && t < restart.at + restart.downFor + restart.notReadyFor);
    out.add('spt_healthz_up', at(), 1, ts);
    out.add('spt_readyz_up', at(), ready ? 1 : 0, ts);
    out.add('process_start_time_seconds', at(), processStart, ts);

    // Ingestion: a cycle every 2 seconds, 4 listings a second; errors spell for half an hour.
    const listings = proc.counter('listings');
    listings.total += 4 * daily * dt * noise(0.2);
    out.add('spt_ingestion_listings_total', at(), Math.floor(listings.total), ts);
    const ingestionErrors = proc.counter('ingestion errors');
    ingestionErrors.total += (within(t, EVENTS.ingestionErrors) ? 0.4 : 0.002) * dt * noise(0.5);
    out.add('spt_ingestion_errors_total', at(), Math.floor(ingestionErrors.total), ts);
    const cycles = proc.histogram('cycles', DEFAULT_BUCKETS);
    const cycleMedian = within(t, EVENTS.ingestionErrors) ? 6 : 2.2;
    observe(cycles, dt / 2, (le) => logNormalCdf(le, cycleMedian, 0.5), cycleMedian * 1.1);
    histogramLines(out, 'spt_ingestion_duration_seconds', at(), cycles, ts);

    // Extraction: LLM calls of about a second; failures rise with the ingestion errors.
    const extractions = proc.histogram('extraction', DEFAULT_BUCKETS);
    observe(extractions, 4 * daily * dt * noise(0.2), (le) => logNormalCdf(le, 1.1, 0.6), 1.3);
    histogramLines(out, 'spt_extraction_duration_seconds', at(), extractions, ts);
    const extractionFailures = proc.counter('extraction failures');
    extractionFailures.total += (within(t, EVENTS.ingestionErrors) ? 0.15 : 0.02) * dt * noise(0.5);
    out.add('spt_extraction_failures_total', at(), Math.floor(extractionFailures.total), ts);

    // Scores: most listings are ordinary, a few are deals.
    const scores = proc.histogram('scores', SCORE_BUCKETS);
    observe(scores, 4 * daily * dt * noise(0.2), (le) => normalCdf(le, 55, 17), 55);
    histogramLines(out, 'spt_scoring_distribution', at(), scores, ts);

    // eBay: calls climb to the daily allowance; afterwards every attempt is refused and counted as a hit.
    const calls = proc.counter('ebay calls');
    const limitHits = proc.counter('limit hits');
    const callRate = (DAILY_LIMIT - USAGE_AT_START) / EVENTS.limitReached;
    if (t < EVENTS.limitReached) {
      const n = callRate * dt * noise(0.3);
      calls.total += n;
      usage = Math.min(DAILY_LIMIT, usage + n);
    } else {
      usage = DAILY_LIMIT;
      if (t - lastLimitHit >= 900) {
        limitHits.total += 1;
        lastLimitHit = t;
      }
    }
    out.add('spt_ebay_api_calls_total', at(), Math.floor(calls.total), ts);
    out.add('spt_ebay_daily_usage', at(), Math.floor(usage), ts);
    out.add('spt_ebay_daily_limit_hits_total', at(), limitHits.total, ts);

    // Deal alerts: about 20 a minute; ten minutes of failed notifications.
    const fired = proc.counter('alerts fired');
    fired.total += 0.33 * daily * dt * noise(0.4);
    out.add('spt_alerts_fired_total', at(), Math.floor(fired.total), ts);
    const failures = proc.counter('notification failures');
    failures.total += (within(t, EVENTS.notificationFailures) ? 0.05 : 0) * dt;
    out.add('spt_notification_failures_total', at(), Math.floor(failures.total), ts);
  }
  return out.text();
}

function histogramLines(out: Exposition, name: string, labels: Labels, h: Histogram, ts: number): void {
  h.buckets.forEach((le, i) => out.add(`${name}_bucket`, { ...labels, le: String(le) }, Math.floor(h.counts[i] as number), ts));
  out.add(`${name}_bucket`, { ...labels, le: '+Inf' }, Math.floor(h.counts[h.buckets.length] as number), ts);
  out.add(`${name}_sum`, labels, h.sum, ts);
  out.add(`${name}_count`, labels, Math.floor(h.counts[h.buckets.length] as number), ts);
}
