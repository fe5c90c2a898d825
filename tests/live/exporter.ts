/**
 * A stand-in for server-price-tracker's `/metrics`: every `spt_` metric of the catalogue with SPT's types,
 * labels and buckets, exposed by prom-client so Prometheus parses the genuine text format. Traffic advances
 * with the clock at fixed rates, so what the rules should compute is known; faults change rates or gauges and
 * combine freely.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Counter, Gauge, Histogram, Registry, linearBuckets } from 'prom-client';
import { Metric } from '../../lib/engine/catalogue.js';
import { metrics } from '../../lib/spt/catalogue.js';

export const FAULTS = [
  'http5xx',
  'notReady',
  'ingestionErrors',
  'extractionFailures',
  'quotaHigh',
  'limitReached',
  'notificationFailures',
  'down',
] as const;
export type Fault = (typeof FAULTS)[number];
/** `healthy` (no fault), one fault, or several at once. */
export type Scenario = 'healthy' | Fault | Iterable<Fault>;

/** Events per second, and the gauges' levels. */
export const TRAFFIC = {
  httpRequests: 10,
  /** Under `http5xx`, every 5th request is answered 500. */
  http5xxEvery: 5,
  ingestionListings: 5,
  ingestionCycles: 0.5,
  ebayApiCalls: 2,
  alertsFired: 0.5,
  /**
   * The fault rates are bursts: a young Prometheus divides a [5m] rate by the full 5 minutes, so only a burst
   * crosses a per-second threshold within the seconds a test can wait.
   */
  ingestionErrors: 2,
  extractionFailures: 20,
  notificationFailures: 1,
  /** Calls made today at start; a simulated day ends before healthy traffic could reach the warning level. */
  dailyUsageStart: 1200,
  dailyUsageDayEnd: 3000,
  dailyUsageQuotaHigh: 4600,
  dailyLimit: 5000,
} as const;

const TICK_MS = 250;

// SPT's own buckets (internal/metrics/metrics.go): prometheus.DefBuckets, which is also prom-client's default,
// except for scores, LinearBuckets(0, 10, 11).
const BUCKETS: Partial<Record<keyof typeof metrics, number[]>> = {
  scoringDistribution: linearBuckets(0, 10, 11),
};

const ROUTES = [
  { method: 'GET', path: '/api/v1/listings' },
  { method: 'GET', path: '/api/v1/watches' },
  { method: 'POST', path: '/api/v1/watches' },
  { method: 'GET', path: '/api/v1/deals' },
] as const;

// Fixed spreads, cycled, so every histogram has observations across its buckets.
const HTTP_SECONDS = [0.003, 0.008, 0.02, 0.04, 0.07, 0.15, 0.3, 0.8];
const CYCLE_SECONDS = [1.6, 2.2, 3.1, 4.4, 7.5];
const EXTRACTION_SECONDS = [0.4, 0.9, 1.3, 2.1, 3.6, 6.2];

/** The counter values one scrape served: Prometheus's samples, as the exporter saw them. */
export interface Scrape {
  /** Unix milliseconds. */
  at: number;
  counters: Array<{ name: string; labels: Record<string, string>; value: number }>;
}

type MetricKey = keyof typeof metrics;
type Instrument = Counter | Gauge | Histogram;

export class SimulatedSpt {
  /** Every successful scrape of the last 6 minutes: enough for a [5m] window. */
  readonly scrapes: Scrape[] = [];
  private readonly registry = new Registry();
  private readonly instruments = new Map<MetricKey, Instrument>();
  private faults = new Set<Fault>();
  private readonly carry = new Map<string, number>();
  private lastTick = Date.now();
  private requestSeq = 0;
  private eventSeq = 0;
  private dailyUsage: number = TRAFFIC.dailyUsageStart;
  private limitHit = false;
  private readonly timer: NodeJS.Timeout;

  private constructor(private readonly server: Server) {
    const targetLabels = new Set(metrics.up.labels);
    for (const [key, entry] of Object.entries(metrics) as Array<[MetricKey, (typeof metrics)[MetricKey]]>) {
      // `up` is Prometheus's own series, not something a service exports.
      if (!(entry instanceof Metric)) continue;
      const config = {
        name: entry.name,
        help: entry.help,
        labelNames: entry.labels.filter((l) => !targetLabels.has(l)),
        registers: [this.registry],
      };
      const instrument =
        entry.type === 'counter' ? new Counter(config)
        : entry.type === 'gauge' ? new Gauge(config)
        : new Histogram({ ...config, ...(BUCKETS[key] ? { buckets: BUCKETS[key] } : {}) });
      this.instruments.set(key, instrument);
    }
    this.gauge('processStart').set(Math.floor(Date.now() / 1000));
    this.gauge('healthzUp').set(1);
    this.updateGauges();
    server.on('request', (req, res) => {
      // Prometheus stamps a scrape's samples with the time it sent the request: the arrival is closest.
      const at = Date.now();
      if (req.url !== '/metrics') {
        res.writeHead(404).end();
      } else if (this.faults.has('down')) {
        res.writeHead(503).end('down\n');
      } else {
        this.serve(at).then(
          (text) => res.writeHead(200, { 'content-type': this.registry.contentType }).end(text),
          (error: unknown) => res.writeHead(500).end(String(error)),
        );
      }
    });
    this.timer = setInterval(() => this.tick(), TICK_MS);
  }

  /** Listens on 127.0.0.1; port 0 picks a free one. */
  static async start(port = 0): Promise<SimulatedSpt> {
    const server = createServer();
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, '127.0.0.1', () => resolve());
    });
    return new SimulatedSpt(server);
  }

  /** `host:port`, as a scrape target. */
  get target(): string {
    const { address, port } = this.server.address() as AddressInfo;
    return `${address}:${port}`;
  }

  get scenario(): ReadonlySet<Fault> {
    return this.faults;
  }

  set scenario(value: Scenario) {
    // Traffic up to now happened under the previous scenario.
    this.tick();
    this.faults = new Set(value === 'healthy' ? [] : typeof value === 'string' ? [value] : value);
    if (!this.faults.has('limitReached')) this.limitHit = false;
    this.updateGauges();
  }

  async close(): Promise<void> {
    clearInterval(this.timer);
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private async serve(at: number): Promise<string> {
    // Both read the registry within one turn of the event loop, so the log holds exactly what was served.
    const [text, json] = await Promise.all([this.registry.metrics(), this.registry.getMetricsAsJSON()]);
    const counters = json
      .filter((m) => this.registry.getSingleMetric(m.name) instanceof Counter)
      .flatMap((m) => m.values.map((v) => ({ name: m.name, labels: stringLabels(v.labels), value: v.value })));
    this.scrapes.push({ at, counters });
    while (this.scrapes.length > 0 && (this.scrapes[0] as Scrape).at < at - 6 * 60_000) this.scrapes.shift();
    return text;
  }

  private tick(): void {
    const now = Date.now();
    const seconds = (now - this.lastTick) / 1000;
    this.lastTick = now;
    const due = (key: string, perSecond: number): number => {
      const owed = (this.carry.get(key) ?? 0) + perSecond * seconds;
      const whole = Math.floor(owed);
      this.carry.set(key, owed - whole);
      return whole;
    };
    const has = (fault: Fault) => this.faults.has(fault);

    for (let i = due('http', TRAFFIC.httpRequests); i > 0; i--) {
      const n = ++this.requestSeq;
      const route = ROUTES[n % ROUTES.length] as (typeof ROUTES)[number];
      const failed = has('http5xx') && n % TRAFFIC.http5xxEvery === 0;
      const labels = { ...route, status: failed ? '500' : '200' };
      this.counter('httpRequests').inc(labels);
      this.histogram('httpRequestDuration').observe(labels, failed ? 2.5 : cycle(HTTP_SECONDS, Math.floor(n / ROUTES.length)));
    }
    for (let i = due('listings', TRAFFIC.ingestionListings); i > 0; i--) {
      const n = ++this.eventSeq;
      this.counter('ingestionListings').inc();
      this.histogram('extractionDuration').observe(cycle(EXTRACTION_SECONDS, n));
      // 37 is coprime with 101: consecutive listings walk every score from 0 to 100.
      this.histogram('scoringDistribution').observe((n * 37) % 101);
    }
    for (let i = due('cycles', TRAFFIC.ingestionCycles); i > 0; i--) {
      this.histogram('ingestionDuration').observe(cycle(CYCLE_SECONDS, ++this.eventSeq));
    }
    this.counter('alertsFired').inc(due('alerts', TRAFFIC.alertsFired));
    if (has('ingestionErrors')) this.counter('ingestionErrors').inc(due('ingestionErrors', TRAFFIC.ingestionErrors));
    if (has('extractionFailures')) this.counter('extractionFailures').inc(due('extractionFailures', TRAFFIC.extractionFailures));
    if (has('notificationFailures')) this.counter('notificationFailures').inc(due('notificationFailures', TRAFFIC.notificationFailures));

    if (has('limitReached')) {
      // eBay refuses calls once the limit is hit; SPT counts the hit once.
      if (!this.limitHit) this.counter('ebayDailyLimitHits').inc();
      this.limitHit = true;
    } else {
      const calls = due('ebay', TRAFFIC.ebayApiCalls);
      this.counter('ebayApiCalls').inc(calls);
      this.dailyUsage += calls;
      if (this.dailyUsage >= TRAFFIC.dailyUsageDayEnd) this.dailyUsage = TRAFFIC.dailyUsageStart;
    }
    this.updateGauges();
  }

  private updateGauges(): void {
    this.gauge('readyzUp').set(this.faults.has('notReady') ? 0 : 1);
    const usage =
      this.faults.has('limitReached') ? TRAFFIC.dailyLimit
      : this.faults.has('quotaHigh') ? Math.max(this.dailyUsage, TRAFFIC.dailyUsageQuotaHigh)
      : this.dailyUsage;
    this.gauge('ebayDailyUsage').set(usage);
  }

  private counter(key: MetricKey): Counter {
    return this.instrument(key, Counter);
  }
  private gauge(key: MetricKey): Gauge {
    return this.instrument(key, Gauge);
  }
  private histogram(key: MetricKey): Histogram {
    return this.instrument(key, Histogram);
  }

  private instrument<T extends Instrument>(key: MetricKey, kind: new (...args: never[]) => T): T {
    const instrument = this.instruments.get(key);
    if (!(instrument instanceof kind)) throw new Error(`the catalogue does not declare ${key} as a ${kind.name}`);
    return instrument;
  }
}

function cycle(values: readonly number[], n: number): number {
  return values[n % values.length] as number;
}

function stringLabels(labels: Partial<Record<string, string | number>>): Record<string, string> {
  return Object.fromEntries(Object.entries(labels).map(([k, v]) => [k, String(v)]));
}
