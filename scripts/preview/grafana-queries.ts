/**
 * What Grafana sends to Prometheus for a panel's queries: the frontend's interval for the panel's width
 * (@grafana/data's own `rangeUtil`), then the Prometheus data source backend's step, `$__rate_interval`,
 * `$__range` and alignment (Grafana's pkg/promlib/models/query.go, followed step by step below).
 */
import { createRequire } from 'node:module';
import type * as GrafanaData from '@grafana/data';
import type { PrometheusRequest } from './page-data.js';

// @grafana/data's ESM build does not load in Node (its moment-timezone import); its CommonJS build does.
const { rangeUtil } = createRequire(import.meta.url)('@grafana/data') as typeof GrafanaData;

/** The data source's scrape interval setting, Grafana's default and the scenario's. */
export const SCRAPE_MS = 15_000;
/** The backend never asks for more than this many points (promlib's `safeResolution`). */
const SAFE_RESOLUTION = 11_000;

export interface TimeRange {
  /** Unix milliseconds. */
  from: number;
  to: number;
}

export interface Target {
  refId?: string;
  expr?: string;
  instant?: boolean;
  range?: boolean;
  interval?: string;
  datasource?: unknown;
  hide?: boolean;
}

/**
 * The requests for one target of a panel `maxDataPoints` pixels wide: a range query, an instant query, or
 * both (Grafana runs each that is ticked; neither ticked is a range query, as in old dashboards).
 * Times in the requests are Unix seconds.
 */
export function prometheusRequests(target: Target, range: TimeRange, maxDataPoints: number): PrometheusRequest[] {
  if (target.interval) throw new Error(`query ${target.refId ?? '?'} sets a min interval (${target.interval}), which the preview does not model`);
  const expr = target.expr ?? '';
  // The frontend: interval = the range over the panel's width, rounded, at least the scrape interval.
  const intervalMs = rangeUtil.calculateInterval({ from: moment(range.from), to: moment(range.to) } as never, maxDataPoints, `${SCRAPE_MS / 1000}s`).intervalMs;
  // The backend: at least that interval, the range over the width rounded (Go's table rounds a boundary down,
  // JavaScript's up), and never more than SAFE_RESOLUTION points.
  const rangeMs = range.to - range.from;
  const perPoint = rangeMs / maxDataPoints;
  const calculated = perPoint < intervalMs ? intervalMs : goRoundInterval(perPoint);
  const step = Math.max(calculated, goRoundInterval(rangeMs / SAFE_RESOLUTION));
  const rateMs = Math.max(intervalMs + SCRAPE_MS, 4 * SCRAPE_MS);
  const resolved = interpolate(expr, { stepMs: step, rangeMs, rateMs });
  const requests: PrometheusRequest[] = [];
  const wantsRange = target.range === true || target.instant !== true;
  if (wantsRange) {
    // Start and end rounded down to a multiple of the step, as Grafana aligns them for Prometheus's cache.
    const align = (ms: number) => (Math.floor(ms / step) * step) / 1000;
    requests.push({ kind: 'range', expr: resolved, start: align(range.from), end: align(range.to), step: step / 1000 });
  }
  // Instant queries are evaluated at the end of the range itself, not aligned (grafana/grafana#69516).
  if (target.instant === true) requests.push({ kind: 'instant', expr: resolved, time: range.to / 1000 });
  return requests;
}

const moment = (ms: number) => ({ valueOf: () => ms });

const goRoundInterval = (ms: number) => rangeUtil.roundInterval(ms - 1e-6);

interface Timing {
  stepMs: number;
  rangeMs: number;
  rateMs: number;
}

/** The backend's built-in variables, in its spellings: Go durations for `$__rate_interval`, seconds for `$__range`. */
export function interpolate(expr: string, timing: Timing): string {
  const rangeS = Math.round(timing.rangeMs / 1000);
  const values: Record<string, string> = {
    __interval_ms: String(timing.stepMs),
    __interval: formatInterval(timing.stepMs),
    __range_ms: String(timing.rangeMs),
    __range_s: String(rangeS),
    __range: `${rangeS}s`,
    __rate_interval_ms: String(timing.rateMs),
    __rate_interval: goDuration(timing.rateMs),
  };
  return expr.replace(/\$\{(\w+)\}|\$(\w+)/g, (text, braced: string | undefined, bare: string | undefined) => {
    const name = (braced ?? bare) as string;
    const value = values[name];
    if (value === undefined) throw new Error(`no value for ${text} in ${expr}: the preview knows Grafana's interval and range variables only`);
    return value;
  });
}

/** Grafana's `gtime.FormatInterval`: the largest whole unit (`30s`, `2m`, `1h`, `1d`). */
export function formatInterval(ms: number): string {
  const units: Array<[number, string]> = [[86_400_000, 'd'], [3_600_000, 'h'], [60_000, 'm'], [1000, 's']];
  for (const [size, unit] of units) if (ms >= size) return `${Math.floor(ms / size)}${unit}`;
  return `${ms}ms`;
}

/** Go's `time.Duration.String()` for whole seconds: `45s`, `1m0s`, `1h2m3s`. */
export function goDuration(ms: number): string {
  const total = Math.round(ms / 1000);
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = total % 60;
  if (h > 0) return `${h}h${m}m${s}s`;
  if (m > 0) return `${m}m${s}s`;
  return `${s}s`;
}
