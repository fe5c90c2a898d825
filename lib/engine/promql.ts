/**
 * The `promql` tagged template: expressions are assembled from typed pieces, never from raw strings,
 * so a label value cannot break out of its quotes and a metric name cannot be misspelt by hand.
 * What it writes is read back by the same definitions, in promql-literals.ts.
 */
import { REGEX_HINT, isPromDuration, regexProblem, type MatchOp } from './promql-literals.js';

/** A finished PromQL expression. */
export class Expr {
  constructor(readonly text: string) {}
  toString(): string {
    return this.text;
  }
}


export interface Matcher {
  readonly label: string;
  readonly op: MatchOp;
  readonly value: string;
}

/** A duration literal (`5m`) or a Grafana interval variable (`$__rate_interval`), used inside `[...]`. */
export class Duration {
  private constructor(readonly text: string) {}

  /** Accepts Grafana's interval variables only where Grafana will replace them, i.e. in dashboard queries. */
  static parse(text: string, options: { grafana: boolean } = { grafana: true }): Duration {
    if (isPromDuration(text) || (options.grafana && GRAFANA_INTERVALS.has(text))) return new Duration(text);
    const also = options.grafana ? ', or one of ' + [...GRAFANA_INTERVALS].join(', ') : '';
    throw new PromqlError(`${JSON.stringify(text)} is not a duration`, `use a Prometheus duration such as 30s, 5m or 1h30m${also}`);
  }

  toString(): string {
    return this.text;
  }
}

/** Grafana's interval variables; Grafana replaces them before the query reaches Prometheus. */
export const GRAFANA_INTERVALS: ReadonlySet<string> = new Set([
  '$__rate_interval',
  '$__interval',
  '$__range',
  '${__rate_interval}',
  '${__interval}',
  '${__range}',
]);

export class PromqlError extends Error {
  constructor(
    message: string,
    readonly hint: string,
  ) {
    super(message);
    this.name = 'PromqlError';
  }
}

const METRIC_NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;
const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/;

export function isMetricName(name: string): boolean {
  return METRIC_NAME.test(name);
}

export function isLabelName(name: string): boolean {
  return LABEL_NAME.test(name);
}

/**
 * Quotes a label value as a PromQL string literal. JSON's escapes (\" \\ \n \uXXXX ...) are a subset of
 * the Go escapes PromQL accepts, so JSON.stringify is exact here; lone surrogates have no UTF-8 form and
 * would make Prometheus reject the query, so they are refused.
 */
export function quoteLabelValue(value: string): string {
  if (!value.isWellFormed()) {
    throw new PromqlError(`label value ${JSON.stringify(value)} is not well-formed Unicode`, 'remove the lone surrogate character');
  }
  return JSON.stringify(value);
}

export function matcher(label: string, op: MatchOp, value: string): Matcher {
  if (!isLabelName(label)) {
    throw new PromqlError(`${JSON.stringify(label)} is not a valid label name`, 'label names match [a-zA-Z_][a-zA-Z0-9_]*');
  }
  const problem = op === '=~' || op === '!~' ? regexProblem(value) : undefined;
  if (problem) throw new PromqlError(`regular expression ${JSON.stringify(value)} ${problem}`, REGEX_HINT);
  return { label, op, value };
}

export const eq = (label: string, value: string): Matcher => matcher(label, '=', value);
export const neq = (label: string, value: string): Matcher => matcher(label, '!=', value);
export const re = (label: string, value: string): Matcher => matcher(label, '=~', value);
export const nre = (label: string, value: string): Matcher => matcher(label, '!~', value);

export function formatMatchers(matchers: readonly Matcher[]): string {
  return matchers.map((m) => `${m.label}${m.op}${quoteLabelValue(m.value)}`).join(', ');
}

/** A metric name with its matchers: `name{a="b", c=~"d"}`. */
export class VectorSelector {
  constructor(
    readonly metric: string,
    readonly matchers: readonly Matcher[],
  ) {
    if (!isMetricName(metric)) {
      throw new PromqlError(`${JSON.stringify(metric)} is not a valid metric name`, 'metric names match [a-zA-Z_:][a-zA-Z0-9_:]*');
    }
  }

  toString(): string {
    return this.matchers.length === 0 ? this.metric : `${this.metric}{${formatMatchers(this.matchers)}}`;
  }
}

/** Anything that renders as a metric name, such as a catalogue entry. */
export interface MetricLike {
  readonly name: string;
}

export type PromqlValue = Expr | VectorSelector | Duration | number | MetricLike;

function render(value: PromqlValue, index: number): string {
  if (value instanceof Expr || value instanceof VectorSelector || value instanceof Duration) return value.toString();
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) {
      throw new PromqlError(`interpolation ${index} is ${value}`, 'interpolate a finite number');
    }
    return String(value);
  }
  if (typeof value === 'object' && value !== null && typeof value.name === 'string' && isMetricName(value.name)) {
    return value.name;
  }
  throw new PromqlError(
    `interpolation ${index} is a raw ${typeof value} (${JSON.stringify(value)})`,
    'interpolate an Expr, a selector, a Duration, a number or a catalogue metric; wrap label values in a matcher',
  );
}

export function promql(strings: TemplateStringsArray, ...values: PromqlValue[]): Expr {
  let text = strings[0] ?? '';
  values.forEach((value, i) => {
    text += render(value, i) + (strings[i + 1] ?? '');
  });
  return new Expr(text);
}

/** A Prometheus duration for rules; Grafana variables are refused because Prometheus never substitutes them. */
export const duration = (text: string): Duration => Duration.parse(text, { grafana: false });

/** A duration for dashboard queries, where Grafana's interval variables are allowed. */
export const dashboardDuration = (text: string): Duration => Duration.parse(text);
