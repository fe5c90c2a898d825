/**
 * The label model: which labels an expression's output series can carry, read from lezer-promql's tree and the
 * catalogue, following Prometheus's rules for each operation (aggregations by/without, on/ignoring and group_x,
 * absent, label_replace/label_join, recorded series). It is an upper bound: a label outside it can never appear,
 * so a check built on it (an alert that drops an environment label, a `$labels.x` that prints nothing) only
 * reports what is certain. Where the labels cannot be known (a metric outside the catalogue) the set is open.
 */
import type { SyntaxNode } from '@lezer/common';
import type { Catalogue } from '../engine/catalogue.js';
import { readLabelMatchers, stringValue } from '../engine/selector.js';
import type { ParsedPromql } from './promql-parse.js';

export interface OutputLabels {
  /** Labels the output may carry (`__name__` aside). */
  readonly names: ReadonlySet<string>;
  /** Whether labels beyond `names` may appear too, because some input's labels are not known. */
  readonly open: boolean;
}

const NONE: OutputLabels = { names: new Set(), open: false };
const UNKNOWN: OutputLabels = { names: new Set(), open: true };

/** Whether a series of the output can carry `label`. */
export const canCarry = (labels: OutputLabels, label: string): boolean => labels.open || labels.names.has(label);

/** The output labels of a parsed expression; undefined when it has syntax errors. */
export function outputLabels(parsed: ParsedPromql, catalogue?: Catalogue): OutputLabels | undefined {
  if (parsed.syntaxErrors.length > 0) return undefined;
  const top = parsed.tree.topNode.firstChild;
  return top ? labelsOf(top, parsed.text, catalogue) : NONE;
}

/** Functions whose result has no labels (a scalar, or a vector built from nothing). */
const LABEL_FREE = new Set(['vector', 'time', 'scalar', 'pi', 'minute', 'hour', 'day_of_month', 'day_of_week', 'day_of_year', 'days_in_month', 'month', 'year']);
/** Aggregations that pick series and keep each one's labels, whatever the grouping. */
const SELECTING = new Set(['topk', 'bottomk', 'limitk', 'limit_ratio']);
/** Pass-through wrappers: the labels of the one expression inside. */
const WRAPPERS = new Set(['ParenExpr', 'MatrixSelector', 'SubqueryExpr', 'OffsetExpr', 'StepInvariantExpr', 'UnaryExpr']);

function labelsOf(node: SyntaxNode, text: string, catalogue: Catalogue | undefined): OutputLabels {
  if (WRAPPERS.has(node.name)) {
    const inner = firstExpression(node);
    return inner ? labelsOf(inner, text, catalogue) : NONE;
  }
  switch (node.name) {
    case 'VectorSelector':
      return selectorLabels(node, text, catalogue);
    case 'FunctionCall':
      return functionLabels(node, text, catalogue);
    case 'AggregateExpr':
      return aggregationLabels(node, text, catalogue);
    case 'BinaryExpr':
      return binaryLabels(node, text, catalogue);
    case 'NumberDurationLiteral':
    case 'StringLiteral':
      return NONE;
    default:
      return UNKNOWN;
  }
}

const isExpression = (node: SyntaxNode): boolean =>
  WRAPPERS.has(node.name) || ['VectorSelector', 'FunctionCall', 'AggregateExpr', 'BinaryExpr', 'NumberDurationLiteral', 'StringLiteral'].includes(node.name);

function firstExpression(node: SyntaxNode): SyntaxNode | undefined {
  for (let child = node.firstChild; child; child = child.nextSibling) if (isExpression(child)) return child;
  return undefined;
}

function argumentsOf(node: SyntaxNode): SyntaxNode[] {
  const args: SyntaxNode[] = [];
  for (let child = node.getChild('FunctionCallBody')?.firstChild ?? null; child; child = child.nextSibling) if (isExpression(child)) args.push(child);
  return args;
}

function selectorLabels(node: SyntaxNode, text: string, catalogue: Catalogue | undefined): OutputLabels {
  const identifier = node.getChild('Identifier');
  const matchers = node.getChild('LabelMatchers');
  const read = matchers ? readLabelMatchers(matchers, text) : { matchers: [], metricNames: [] };
  const name =
    (identifier && text.slice(identifier.from, identifier.to)) ??
    read.metricNames[0]?.name ??
    read.matchers.find((m) => m.label === '__name__' && m.op === '=')?.value;
  const series = name === undefined ? undefined : catalogue?.series.get(name);
  return series ? { names: new Set(series.labels), open: false } : UNKNOWN;
}

function functionLabels(node: SyntaxNode, text: string, catalogue: Catalogue | undefined): OutputLabels {
  const identifier = node.getChild('FunctionIdentifier');
  const name = identifier ? text.slice(identifier.from, identifier.to) : '';
  const args = argumentsOf(node);
  if (LABEL_FREE.has(name)) return NONE;
  if (name === 'absent' || name === 'absent_over_time') {
    // Prometheus gives the one output series the labels of the argument's equality matchers, nothing else.
    const selector = args[0]?.name === 'MatrixSelector' ? args[0].getChild('VectorSelector') : args[0];
    const matchers = selector?.name === 'VectorSelector' ? selector.getChild('LabelMatchers') : null;
    const equal = matchers ? readLabelMatchers(matchers, text).matchers.filter((m) => m.op === '=' && m.label !== '__name__') : [];
    return { names: new Set(equal.map((m) => m.label)), open: false };
  }
  const vector = args.find((arg) => arg.name !== 'NumberDurationLiteral' && arg.name !== 'StringLiteral');
  const inner = vector ? labelsOf(vector, text, catalogue) : NONE;
  if (name === 'label_replace' || name === 'label_join') {
    const destination = args[1];
    return destination?.name === 'StringLiteral' ? withLabels(inner, [stringValue(destination, text)]) : { ...inner, open: true };
  }
  if (name === 'histogram_quantile') return withoutLabels(inner, ['le']);
  return inner;
}

function aggregationLabels(node: SyntaxNode, text: string, catalogue: Catalogue | undefined): OutputLabels {
  const operator = node.getChild('AggregateOp');
  const name = operator ? text.slice(operator.from, operator.to).toLowerCase() : '';
  const args = argumentsOf(node);
  const inner = args.length > 0 ? labelsOf(args[args.length - 1]!, text, catalogue) : NONE;
  if (SELECTING.has(name)) return inner;
  const modifier = node.getChild('AggregateModifier');
  const grouping = modifier ? groupingLabels(modifier.getChild('GroupingLabels'), text) : [];
  let result: OutputLabels = !modifier
    ? NONE
    : modifier.getChild('Without')
      ? withoutLabels(inner, grouping)
      : // `by` keeps only the listed labels that the input has.
        { names: new Set(grouping.filter((label) => canCarry(inner, label))), open: false };
  if (name === 'count_values' && args[0]?.name === 'StringLiteral') result = withLabels(result, [stringValue(args[0], text)]);
  return result;
}

function binaryLabels(node: SyntaxNode, text: string, catalogue: Catalogue | undefined): OutputLabels {
  const [left, right] = [node.firstChild, node.lastChild];
  if (!left || !right) return UNKNOWN;
  const lhs = labelsOf(left, text, catalogue);
  const rhs = labelsOf(right, text, catalogue);
  const operator = left.nextSibling ? text.slice(left.nextSibling.from, left.nextSibling.to).toLowerCase() : '';
  if (operator === 'or') return { names: new Set([...lhs.names, ...rhs.names]), open: lhs.open || rhs.open };
  if (operator === 'and' || operator === 'unless') return lhs;
  // A scalar side leaves the vector side's labels as they are.
  if (isScalar(left)) return rhs;
  if (isScalar(right)) return lhs;
  const clause = node.getChild('MatchingModifierClause');
  const [matchLabels = null, includeLabels = null] = clause?.getChildren('GroupingLabels') ?? [];
  const matching = groupingLabels(matchLabels, text);
  if (clause?.getChild('GroupLeft')) return withLabels(lhs, groupingLabels(includeLabels, text));
  if (clause?.getChild('GroupRight')) return withLabels(rhs, groupingLabels(includeLabels, text));
  // One-to-one: Prometheus keeps the `on` labels only, or drops the `ignoring` ones, also for comparisons.
  if (clause?.getChild('On')) return { names: new Set(matching.filter((label) => canCarry(lhs, label))), open: false };
  return clause?.getChild('Ignoring') ? withoutLabels(lhs, matching) : lhs;
}

/** Number literals and label-free function results: no labels of their own to match on. */
function isScalar(node: SyntaxNode): boolean {
  if (node.name === 'NumberDurationLiteral') return true;
  if (node.name === 'ParenExpr' || node.name === 'UnaryExpr') {
    const inner = firstExpression(node);
    return inner ? isScalar(inner) : false;
  }
  return node.name === 'BinaryExpr' && node.firstChild !== null && node.lastChild !== null && isScalar(node.firstChild) && isScalar(node.lastChild);
}

function groupingLabels(node: SyntaxNode | null, text: string): string[] {
  const labels: string[] = [];
  for (let child = node?.firstChild ?? null; child; child = child.nextSibling) {
    if (child.name === 'LabelName') labels.push(text.slice(child.from, child.to));
    else if (child.name === 'QuotedLabelName') labels.push(stringValue(child, text));
  }
  return labels;
}

const withLabels = (labels: OutputLabels, extra: readonly string[]): OutputLabels => ({ names: new Set([...labels.names, ...extra]), open: labels.open });

const withoutLabels = (labels: OutputLabels, dropped: readonly string[]): OutputLabels => ({
  names: new Set([...labels.names].filter((label) => !dropped.includes(label))),
  open: labels.open,
});
