/**
 * Checks one PromQL expression: it must parse and type-check as Prometheus's parser would, and with a catalogue
 * its selectors must name known series and labels and be used as their kind allows.
 */
import { BoundedCache } from '../engine/bounded-cache.js';
import type { Catalogue, Series } from '../engine/catalogue.js';
import { finding as makeFinding, type Finding, type Location, type RuleId, type Severity } from './finding.js';
import {
  isTemplated,
  parsePromql,
  selectorsOf,
  type Named,
  type Operation,
  type ParsedPromql,
  type Selector,
  type Span,
} from './promql-parse.js';
import { checkTypes } from './promql-types.js';
import { valueChecks } from './promql-values.js';
import { closestName } from '../engine/closest.js';

/** Functions that assume a counter: over a gauge they read every decrease as a reset. */
const COUNTER_FUNCTIONS: ReadonlySet<string> = new Set(['rate', 'irate', 'increase', 'resets']);
/** Functions whose output carries labels their input did not, which a catalogue cannot vouch for. */
const LABEL_MAKERS: ReadonlySet<string> = new Set(['label_replace', 'label_join', 'count_values', 'info']);
/** Aggregations that keep each input series' labels instead of grouping them away. */
const LABEL_KEEPING_AGGREGATIONS: ReadonlySet<string> = new Set(['topk', 'bottomk', 'limitk', 'limit_ratio']);

/**
 * What an expression's checks found, without where it sits, per catalogue: an expression used by several panels
 * or rules is checked once. Bounded like the parse cache.
 */
const checked = new WeakMap<Catalogue, BoundedCache<readonly Finding[]>>();
const NO_CATALOGUE: Catalogue = { series: new Map() };

/** Never throws: whatever the input, the answer is a list of findings. */
export function checkExpr(expr: string, location: Location, catalogue?: Catalogue): Finding[] {
  if (typeof expr !== 'string' || expr.trim() === '') {
    return [finding('promql/empty', 'the expression is empty', location, 'write a PromQL expression or remove the query')];
  }
  const key = catalogue ?? NO_CATALOGUE;
  let byExpr = checked.get(key);
  if (byExpr === undefined) {
    byExpr = new BoundedCache(20_000);
    checked.set(key, byExpr);
  }
  const found = byExpr.get(expr, () => checkUncached(expr, {}, catalogue));
  return found.map((f) => ({ ...f, location: { ...location, ...f.location } }));
}

function checkUncached(expr: string, location: Location, catalogue: Catalogue | undefined): Finding[] {
  try {
    const parsed = parsePromql(expr);
    const syntax = syntaxFindings(parsed, location);
    if (syntax.length > 0) return syntax;
    const values = valueChecks(parsed);
    const types = checkTypes(parsed, values.visit).map((i) => ({ ...i, severity: 'error' as const }));
    const issues = [...types, ...values.issues()];
    const found = issues.map((i) => finding(i.rule, i.message, location, i.hint, i.position, i.severity));
    return catalogue ? [...found, ...catalogueFindings(parsed, location, catalogue)] : found;
  } catch (error) {
    // lezer and the tree walk are total on every input seen so far; this keeps a checker bug from aborting a build.
    return [finding('promql/internal', `the checker failed on this expression: ${String(error)}`, location, 'report this expression')];
  }
}

function finding(rule: RuleId, message: string, location: Location, hint: string, position?: Span, severity: Severity = 'error'): Finding {
  return makeFinding(rule, severity, message, position ? { ...location, position } : location, hint);
}

/** Only the first error: after it, lezer's recovery guesses and later errors are mostly echoes of the first. */
function syntaxFindings(parsed: ParsedPromql, location: Location): Finding[] {
  const first = parsed.syntaxErrors[0];
  if (!first) return [];
  const position = { from: first.from, to: first.to };
  const hint = isTemplated(parsed, position)
    ? 'a Grafana variable stands where its value cannot; quote it inside a label value ("$var") or use it as a whole name, number or duration'
    : 'check brackets, quotes, commas and operators at this position';
  return [finding('promql/syntax', `syntax error: ${first.message}`, location, hint, position)];
}

function catalogueFindings(parsed: ParsedPromql, location: Location, catalogue: Catalogue): Finding[] {
  const selectors = selectorsOf(parsed);
  const known = new Map<Selector, Series>();
  const findings: Finding[] = [];
  for (const selector of selectors) {
    const metric = selector.metric;
    if (!metric || isTemplated(parsed, metric.position)) continue;
    const series = catalogue.series.get(metric.name);
    if (series) known.set(selector, series);
    else findings.push(unknownMetric(metric, location, catalogue));
  }
  for (const [selector, series] of known) {
    findings.push(...matcherLabelFindings(parsed, selector, series, location));
    findings.push(...rateOnGaugeFindings(selector, series, location));
  }
  findings.push(...clauseLabelFindings(parsed, selectors, known, location));
  findings.push(...quantileFindings(parsed, selectors, location));
  return findings;
}

function unknownMetric(metric: Named, location: Location, catalogue: Catalogue): Finding {
  const closest = closestName(metric.name, catalogue.series.keys());
  const hint = closest ? `did you mean ${closest}?` : 'add the metric to the catalogue or fix its name';
  return finding('catalogue/unknown-metric', `metric ${metric.name} is not in the catalogue`, location, hint, metric.position);
}

function matcherLabelFindings(parsed: ParsedPromql, selector: Selector, series: Series, location: Location): Finding[] {
  return selector.matchers
    .filter((m) => !carries(series, m.label) && !isTemplated(parsed, m.position))
    .map((m) => unknownLabel(m.label, [series], location, m.position));
}

function unknownLabel(label: string, series: readonly Series[], location: Location, position: Span): Finding {
  const labels = [...new Set(series.flatMap((s) => s.labels))];
  const names = series.map((s) => s.name).join(', ');
  const closest = closestName(label, labels);
  const hint = closest ? `did you mean ${closest}? ${names} carries: ${labels.join(', ')}` : `${names} carries: ${labels.join(', ')}`;
  return finding('catalogue/unknown-label', `label ${label} is not carried by ${names}`, location, hint, position);
}

function carries(series: Series, label: string): boolean {
  return label === '__name__' || series.labels.includes(label);
}

function rateOnGaugeFindings(selector: Selector, series: Series, location: Location): Finding[] {
  const inner = selector.enclosing[0]?.operation;
  if (series.kind !== 'gauge' || inner?.kind !== 'function' || !COUNTER_FUNCTIONS.has(inner.name)) return [];
  return [
    finding(
      'catalogue/rate-on-gauge',
      `${inner.name}() over ${series.name}, which is a gauge`,
      location,
      'use deriv() or delta() for a gauge, or query the counter it derives from',
      selector.position,
    ),
  ];
}

/**
 * Labels in by/without/on/ignoring/group_x clauses must be carried by some selector under the clause (group
 * labels come from the other side of a join, so any selector below counts). A clause is skipped when what is
 * below is not fully known: an unknown or templated series, or a function that makes labels of its own.
 */
function clauseLabelFindings(
  parsed: ParsedPromql,
  selectors: readonly Selector[],
  known: ReadonlyMap<Selector, Series>,
  location: Location,
): Finding[] {
  const below = new Map<Operation, Selector[]>();
  for (const selector of selectors) {
    for (const { operation } of selector.enclosing) {
      const under = below.get(operation);
      if (under) under.push(selector);
      else below.set(operation, [selector]);
    }
  }
  const findings: Finding[] = [];
  for (const [operation, under] of below) {
    const labels = clauseLabels(operation);
    const series = under.map((s) => known.get(s));
    if (labels.length === 0 || series.includes(undefined) || under.some((s) => makesLabelsBelow(s, operation))) continue;
    const all = series.filter((s): s is Series => s !== undefined);
    for (const label of labels) {
      if (isTemplated(parsed, label.position) || all.some((s) => carries(s, label.name))) continue;
      findings.push(unknownLabel(label.name, all, location, label.position));
    }
  }
  return findings;
}

function clauseLabels(operation: Operation): readonly Named[] {
  if (operation.kind === 'aggregation') return operation.grouping?.labels ?? [];
  if (operation.kind === 'binary') return [...(operation.matching?.labels ?? []), ...(operation.matching?.group?.labels ?? [])];
  return [];
}

function makesLabelsBelow(selector: Selector, operation: Operation): boolean {
  return operationsBelow(selector, operation).some((o) => LABEL_MAKERS.has(o.name));
}

/** The operations between a selector and an enclosing operation, innermost first. */
function operationsBelow(selector: Selector, operation: Operation): Operation[] {
  const index = selector.enclosing.findIndex((e) => e.operation === operation);
  return selector.enclosing.slice(0, Math.max(0, index)).map((e) => e.operation);
}

/**
 * histogram_quantile reads the `le` label of `_bucket` series: its histogram argument must select buckets and
 * every aggregation on the way must keep `le`.
 */
function quantileFindings(parsed: ParsedPromql, selectors: readonly Selector[], location: Location): Finding[] {
  const calls = new Map<Operation, Selector[]>();
  for (const selector of selectors) {
    for (const { operation, argument } of selector.enclosing) {
      if (operation.kind === 'function' && operation.name === 'histogram_quantile' && argument === 1) {
        const under = calls.get(operation);
        if (under) under.push(selector);
        else calls.set(operation, [selector]);
      }
    }
  }
  const findings: Finding[] = [];
  const reported = new Set<Operation>();
  for (const [call, under] of calls) {
    // A selector without a fixed name (`{__name__=~"..."}`, `$metric`) may well select buckets.
    const buckets = under.filter((s) => !s.metric || s.metric.name.endsWith('_bucket') || isTemplated(parsed, s.metric.position));
    if (buckets.length === 0) {
      findings.push(
        finding(
          'catalogue/quantile-without-le',
          'histogram_quantile() over series that are not histogram buckets',
          location,
          'pass a rate of the metric\'s _bucket series, e.g. sum by (le) (rate(x_bucket[5m]))',
          call.position,
        ),
      );
    }
    for (const aggregation of buckets.flatMap((s) => operationsBelow(s, call)).filter(dropsLe)) {
      if (reported.has(aggregation)) continue;
      reported.add(aggregation);
      findings.push(leDropped(aggregation, location));
    }
  }
  return findings;
}

function dropsLe(operation: Operation): boolean {
  if (operation.kind !== 'aggregation' || LABEL_KEEPING_AGGREGATIONS.has(operation.name)) return false;
  const grouping = operation.grouping;
  const mentionsLe = grouping?.labels.some((l) => l.name === 'le') ?? false;
  return grouping?.mode === 'without' ? mentionsLe : !mentionsLe;
}

function leDropped(aggregation: Operation, location: Location): Finding {
  const position = aggregation.kind === 'aggregation' && aggregation.grouping ? aggregation.grouping.position : aggregation.position;
  return finding(
    'catalogue/quantile-without-le',
    `${aggregation.name} drops the le label that histogram_quantile() needs`,
    location,
    'keep le in the grouping, e.g. sum by (le) (...) or sum by (le, job) (...)',
    position,
  );
}
