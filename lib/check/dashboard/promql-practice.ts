/**
 * Dashboard query practice that Grafana's dashboard-linter checks and Prometheus does not: warnings, since the
 * query runs, but not as meant.
 */
import { finding, type Finding, type Location } from '../finding.js';
import type { Catalogue } from '../../engine/catalogue.js';
import { isTemplated, parsePromql, selectorsOf, type Selector } from '../promql-parse.js';

/** Range functions that read a counter's increase; a counter outside them shows only how long it has been counting. */
const RATE_FUNCTIONS: ReadonlySet<string> = new Set(['rate', 'irate', 'increase']);
/** What may take a counter as it is: its presence, its count, its timestamp, its resets. */
const COUNTER_SAFE: ReadonlySet<string> = new Set([
  ...RATE_FUNCTIONS, 'resets', 'changes', 'absent', 'absent_over_time', 'present_over_time', 'count', 'count_over_time',
  'group', 'timestamp', 'last_over_time',
]);
/**
 * `$__rate_interval` is at least four scrape intervals, one minute at Prometheus's default 15 s scrape: a
 * shorter fixed window returns nothing whenever it holds fewer than two samples.
 */
const MIN_RATE_WINDOW_SECONDS = 60;
const UNIT_SECONDS: Readonly<Record<string, number>> = { y: 31_536_000, w: 604_800, d: 86_400, h: 3_600, m: 60, s: 1, ms: 0.001 };

/** For an expression that already passed the syntax checks. */
export function promqlPractice(expr: string, location: Location, catalogue?: Catalogue): Finding[] {
  const parsed = parsePromql(expr);
  if (parsed.syntaxErrors.length > 0) return [];
  return selectorsOf(parsed).flatMap((selector) => [
    ...rateWindow(selector, parsed, location),
    ...counterWithoutRate(selector, location, catalogue),
  ]);
}

function rateWindow(selector: Selector, parsed: ReturnType<typeof parsePromql>, location: Location): Finding[] {
  const fn = selector.enclosing[0]?.operation;
  const window = selector.node.parent?.name === 'MatrixSelector' ? selector.node.parent.lastChild : null;
  if (!selector.range || fn?.kind !== 'function' || !RATE_FUNCTIONS.has(fn.name) || !window) return [];
  const span = { from: window.from, to: window.to };
  if (isTemplated(parsed, span)) return [];
  const seconds = durationSeconds(parsed.text.slice(span.from, span.to));
  if (seconds === undefined || seconds >= MIN_RATE_WINDOW_SECONDS) return [];
  return [finding('promql/rate-interval', 'warning',
    `${fn.name}() over a fixed ${parsed.text.slice(span.from, span.to)} window, shorter than $__rate_interval ever is (4 scrape intervals)`,
    { ...location, position: span }, 'use [$__rate_interval]: Grafana sizes it to the scrape interval and the zoom, so the panel never goes blank')];
}

function counterWithoutRate(selector: Selector, location: Location, catalogue: Catalogue | undefined): Finding[] {
  const name = selector.metric?.name;
  if (name === undefined || selector.range) return [];
  const known = catalogue?.series.get(name);
  const counter = known ? known.kind === 'counter' : name.endsWith('_total');
  if (!counter || selector.enclosing.some(({ operation }) => operation.kind !== 'binary' && COUNTER_SAFE.has(operation.name))) return [];
  return [finding('promql/counter-without-rate', 'warning', `counter ${name} is used as it is, without rate() or increase()`,
    { ...location, position: selector.position }, `show rate(${name}[$__rate_interval]) or increase(${name}[$__range]): a counter's raw value only grows`)];
}

function durationSeconds(text: string): number | undefined {
  const parts = [...text.matchAll(/(\d+)(ms|[ywdhms])/g)];
  if (parts.length === 0 || parts.map((p) => p[0]).join('') !== text) return undefined;
  return parts.reduce((sum, [, n, unit]) => sum + Number(n) * (UNIT_SECONDS[unit ?? ''] ?? 0), 0);
}
