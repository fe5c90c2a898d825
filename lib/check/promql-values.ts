/**
 * What Prometheus's parser refuses in the values of an expression once the grammar is satisfied: selectors that
 * select everything or name the metric twice, regexes Go's regexp does not compile, numbers and durations out of
 * range, ranges that are not positive, division by zero in a duration, `@` timestamps that are not finite; and
 * which `--enable-feature` flags the expression needs, each a warning naming the flag.
 */
import type { SyntaxNode } from '@lezer/common';
import type { RuleId, Severity } from './finding.js';
import { isTemplated, selectorsOf, type ParsedPromql, type Selector, type Span } from './promql-parse.js';
import { childNamed, spanOf } from '../engine/selector.js';
import { REGEX_HINT, durationValue, isDurationSyntax, matchesEmpty, numberValue, regexProblem } from '../engine/promql-literals.js';

export interface ValueIssue {
  readonly rule: RuleId;
  readonly severity: Severity;
  readonly message: string;
  readonly hint: string;
  readonly position: Span;
}

/** Functions Prometheus's functions.go marks Experimental: refused unless promql-experimental-functions is on. */
const EXPERIMENTAL_FUNCTIONS: ReadonlySet<string> = new Set([
  'double_exponential_smoothing', 'end', 'first_over_time', 'histogram_quantiles', 'info', 'mad_over_time',
  'range', 'sort_by_label', 'sort_by_label_desc', 'start', 'step', 'ts_of_first_over_time', 'ts_of_last_over_time',
  'ts_of_max_over_time', 'ts_of_min_over_time',
]);
/** Aggregations the parser gates behind the same flag. */
const EXPERIMENTAL_AGGREGATIONS: ReadonlySet<string> = new Set(['limitk', 'limit_ratio']);
const EXPERIMENTAL_NAME = new RegExp(`\\b(?:${[...EXPERIMENTAL_FUNCTIONS, ...EXPERIMENTAL_AGGREGATIONS].join('|')})\\b`, 'i');

type Feature = 'promql-experimental-functions' | 'promql-duration-expr' | 'promql-extended-range-selectors' | 'promql-binop-fill-modifiers';

const LITERAL = 'NumberDurationLiteralInDurationContext';
const DURATION_NODES: ReadonlySet<string> = new Set(['DurationExpr', 'OffsetDurationExpr']);
/** Largest `@` timestamp: Prometheus keeps it as int64 milliseconds. */
const MAX_AT_SECONDS = 9_223_372_036_854_775.807;

interface Walk {
  readonly parsed: ParsedPromql;
  readonly issues: ValueIssue[];
  readonly features: Map<Feature, { what: string; position: Span }>;
  /** Whether `fill` occurs in the text at all: most binary operations need no look for a fill modifier. */
  readonly mayFill: boolean;
  /** Whether the text names an experimental function or info(): most calls need no look. */
  readonly mayNeedFlag: boolean;
}

export interface ValueChecks {
  /** For every expression node: the type check's walk calls it (checkTypes(parsed, checks.visit)). */
  readonly visit: (node: SyntaxNode) => void;
  /** What was found, selectors included, with a warning per feature flag needed. */
  readonly issues: () => ValueIssue[];
}

/**
 * Meant for expressions without syntax errors, like the type check, whose walk feeds it: the expression nodes
 * reach `visit` from there, so a tree is walked once for both.
 */
export function valueChecks(parsed: ParsedPromql): ValueChecks {
  const walk: Walk = {
    parsed,
    issues: [],
    features: new Map(),
    mayFill: /fill/i.test(parsed.text),
    mayNeedFlag: EXPERIMENTAL_NAME.test(parsed.text),
  };
  for (const selector of selectorsOf(parsed)) selectorIssues(selector, walk);
  return {
    visit: (node) => visit(node, walk),
    issues: () => [...walk.issues, ...featureWarnings(walk)],
  };
}

function featureWarnings(walk: Walk): ValueIssue[] {
  return [...walk.features].map(([flag, { what, position }]) => ({
    rule: 'promql/feature-flag',
    severity: 'warning' as const,
    message: `${what} needs Prometheus's --enable-feature=${flag}`,
    hint: `start Prometheus with --enable-feature=${flag}, or write the query without it`,
    position,
  }));
}

function visit(node: SyntaxNode, walk: Walk): void {
  switch (node.name) {
    case 'NumberDurationLiteral':
      return numberIssues(node, walk);
    case 'MatrixSelector':
      return durationIssues(childNamed(node, 'DurationExpr'), true, walk);
    case 'SubqueryExpr': {
      const [range, step] = node.getChildren('DurationExpr');
      durationIssues(range ?? null, true, walk);
      return durationIssues(step ?? null, false, walk);
    }
    case 'OffsetExpr':
      return durationIssues(childNamed(node, 'OffsetDurationExpr'), false, walk);
    case 'StepInvariantExpr':
      return atIssues(node, walk);
    case 'FunctionCall':
      return walk.mayNeedFlag ? callIssues(node, walk) : undefined;
    case 'AggregateExpr': {
      if (!walk.mayNeedFlag) return;
      const op = node.firstChild;
      const name = op?.name === 'AggregateOp' ? textOf(op, walk).toLowerCase() : '';
      if (op && EXPERIMENTAL_AGGREGATIONS.has(name)) need(walk, 'promql-experimental-functions', `the ${name} aggregation`, op);
      return;
    }
    case 'AnchoredExpr':
    case 'SmoothedExpr':
      return need(walk, 'promql-extended-range-selectors', `the ${node.name === 'AnchoredExpr' ? 'anchored' : 'smoothed'} modifier`, node);
    case 'BinaryExpr': {
      const fill = walk.mayFill ? childNamed(node, 'FillModifier') : null;
      if (fill) need(walk, 'promql-binop-fill-modifiers', 'a fill modifier', fill);
      return;
    }
    default:
      return;
  }
}

function selectorIssues(selector: Selector, walk: Walk): void {
  const { node, matchers, names } = selector;
  const nameMatchers = matchers.filter((m) => m.label === '__name__').length;
  if ((names.identifier && names.quoted + nameMatchers > 0) || names.quoted > 1) {
    error(walk, 'promql/selector', node, 'the metric name is set twice', 'name the metric once: foo{job="x"}, or {__name__="foo", job="x"}');
  }
  for (const m of matchers) {
    if (m.op !== '=~' && m.op !== '!~') continue;
    if (!m.utf8) error(walk, 'promql/regex', m.position, `regular expression ${JSON.stringify(m.value)} is not valid UTF-8`, REGEX_HINT);
    // A Grafana variable in the value is replaced by Grafana first; what it becomes is not known here.
    else if (!hasGrafanaVariable(m.value)) {
      const problem = regexProblem(m.value);
      if (problem) error(walk, 'promql/regex', m.position, `regular expression ${JSON.stringify(m.value)} ${problem}`, REGEX_HINT);
    }
  }
  if (names.identifier || names.quoted > 0 || isTemplated(walk.parsed, selector.position)) return;
  if (matchers.every((m) => matchesEmpty(m.op, m.value) === true && !hasGrafanaVariable(m.value))) {
    error(
      walk,
      'promql/selector',
      node,
      'a selector without a metric name needs a matcher that does not match the empty value',
      'name the metric, or add a matcher such as job="api" or job=~".+"; Prometheus refuses selectors that match every series',
    );
  }
}

const GRAFANA_VARIABLE = /\$\w|\$\{|\[\[/;

function hasGrafanaVariable(value: string): boolean {
  return GRAFANA_VARIABLE.test(value);
}

/** Most numbers in queries: a plain decimal a float64 holds exactly as written. */
const PLAIN_NUMBER = /^\d{1,15}(?:\.\d{0,15})?$/;

function numberIssues(node: SyntaxNode, walk: Walk): void {
  const text = textOf(node, walk).trim();
  if (PLAIN_NUMBER.test(text)) return;
  if (isDurationSyntax(text.replace(/^[+-]/, '')) || isTemplated(walk.parsed, spanOf(node))) return;
  const value = numberValue(text);
  if (!value.ok) error(walk, 'promql/value', node, value.message, 'write a number a float64 holds');
}

function atIssues(node: SyntaxNode, walk: Walk): void {
  const timestamp = childNamed(node, 'NumberDurationLiteral');
  if (!timestamp || isTemplated(walk.parsed, spanOf(timestamp))) return;
  const text = textOf(timestamp, walk).trim();
  // A duration stands for its seconds there too: `@ 1m` is 60.
  const duration = isDurationSyntax(text.replace(/^[+-]/, '')) ? durationValue(text.replace(/^[+-]/, '')) : undefined;
  const value = duration?.ok ? { ok: true, value: duration.seconds } : numberValue(text);
  if (!value.ok || !(Math.abs(value.value) < MAX_AT_SECONDS)) {
    error(walk, 'promql/value', timestamp, `timestamp ${textOf(timestamp, walk).trim()} is out of bounds for @`, 'give @ a Unix timestamp in seconds, or start() / end()');
  }
}

function callIssues(node: SyntaxNode, walk: Walk): void {
  const identifier = node.firstChild;
  const name = identifier?.name === 'FunctionIdentifier' ? textOf(identifier, walk) : '';
  if (EXPERIMENTAL_FUNCTIONS.has(name)) need(walk, 'promql-experimental-functions', `the function ${name}()`, node);
  if (name !== 'info') return;
  const body = childNamed(node, 'FunctionCallBody');
  const second = body ? childrenOf(body)[1] : undefined;
  if (second && (second.name !== 'VectorSelector' || second.getChild('Identifier'))) {
    error(walk, 'promql/type', second, 'the second argument of info() must be label matchers only', 'write info(expr, {label="value"}), without a metric name or an operation');
  }
}

/**
 * A duration position: a plain literal (with a sign, for offsets) needs no flag and is checked for range and,
 * for ranges, for being positive; anything else is a duration expression, checked for division by zero.
 */
function durationIssues(node: SyntaxNode | null, positive: boolean, walk: Walk): void {
  if (!node || isTemplated(walk.parsed, spanOf(node))) return;
  const literal = plainLiteral(node, walk);
  if (!literal) {
    need(walk, 'promql-duration-expr', 'a duration expression', node);
    zeroDivisors(node, walk);
    return;
  }
  const value = durationValue(textOf(literal.node, walk).trim());
  if (!value.ok) return error(walk, 'promql/value', node, value.message, 'Prometheus holds durations up to about 292 years');
  if (positive && literal.sign * value.seconds <= 0) {
    error(walk, 'promql/value', node, 'a range must be greater than 0', 'write a positive range such as [5m]');
  }
}

function plainLiteral(node: SyntaxNode, walk: Walk): { node: SyntaxNode; sign: number } | undefined {
  const first = node.firstChild;
  if (first?.name === LITERAL && first.nextSibling === null) return { node: first, sign: 1 };
  const children = childrenOf(node);
  if (children.length === 1 && children[0]?.name === LITERAL) return { node: children[0], sign: 1 };
  const [op, operand] = children;
  const inner = operand && DURATION_NODES.has(operand.name) ? childrenOf(operand) : [];
  if (children.length === 2 && op?.name === 'UnaryOp' && inner.length === 1 && inner[0]?.name === LITERAL) {
    return { node: inner[0], sign: textOf(op, walk) === '-' ? -1 : 1 };
  }
  return undefined;
}

/** `x / 0`, `x % 0` with a constant zero divisor anywhere in a duration expression. */
function zeroDivisors(node: SyntaxNode, walk: Walk): void {
  const children = childrenOf(node);
  children.forEach((child, i) => {
    if (child.name === 'Div' || child.name === 'Mod') {
      const divisor = children[i + 1];
      if (divisor && constantSeconds(divisor, walk) === 0) {
        error(walk, 'promql/value', node, `${child.name === 'Div' ? 'division' : 'modulo'} by zero in a duration`, 'divide by a non-zero duration');
      }
    }
    if (DURATION_NODES.has(child.name)) zeroDivisors(child, walk);
  });
}

/** The value of a constant duration expression made of literals and parentheses; undefined otherwise. */
function constantSeconds(node: SyntaxNode, walk: Walk): number | undefined {
  if (node.name === LITERAL) {
    const value = durationValue(textOf(node, walk).trim());
    return value.ok ? value.seconds : undefined;
  }
  const children = childrenOf(node);
  return DURATION_NODES.has(node.name) && children.length === 1 && children[0] ? constantSeconds(children[0], walk) : undefined;
}

function childrenOf(node: SyntaxNode): SyntaxNode[] {
  const children: SyntaxNode[] = [];
  for (let child = node.firstChild; child; child = child.nextSibling) if (child.name !== 'LineComment') children.push(child);
  return children;
}

function need(walk: Walk, flag: Feature, what: string, node: SyntaxNode): void {
  if (!walk.features.has(flag)) walk.features.set(flag, { what, position: spanOf(node) });
}

function error(walk: Walk, rule: RuleId, at: SyntaxNode | Span, message: string, hint: string): void {
  const position = 'name' in at ? spanOf(at) : at;
  walk.issues.push({ rule, severity: 'error', message, hint, position });
}

function textOf(node: SyntaxNode, walk: Walk): string {
  return walk.parsed.text.slice(node.from, node.to);
}
