/**
 * The type rules Prometheus's parser applies after the grammar (its checkAST): what each function, aggregation,
 * operator and modifier accepts. lezer-promql only knows the grammar, so without this `rate(x)`, `sum(x[5m])` or
 * `1 > 2` pass the syntax check and fail only when Prometheus loads them.
 *
 * Types of Grafana placeholders are unknown: a bare `$var` may become a number, so anything unknown is accepted
 * wherever it stands and makes its surroundings unknown too, instead of guessing.
 */
import type { RuleId } from './finding.js';
import type { SyntaxNode } from '@lezer/common';
import { isTemplated, type ParsedPromql, type Span } from './promql-parse.js';
import { childNamed, spanOf } from '../engine/selector.js';

export type ValueType = 'scalar' | 'vector' | 'matrix' | 'string';

/** A type problem, positioned in the expression; the caller adds where the expression sits. */
export interface TypeIssue {
  /** `promql/type`, `promql/arity`, `promql/aggregation`, `promql/modifier` or `promql/matching`. */
  readonly rule: RuleId;
  readonly message: string;
  readonly hint: string;
  readonly position: Span;
}

interface Signature {
  readonly args: readonly ValueType[];
  /**
   * As Prometheus counts it: 0 takes exactly `args`; n > 0 makes the last argument optional and repeatable up
   * to n times; -1 makes it optional and repeatable without limit.
   */
  readonly variadic: number;
  readonly returns: ValueType;
}

function names(list: string): string[] {
  return list.trim().split(/\s+/);
}

const sig = (args: readonly ValueType[], returns: ValueType = 'vector', variadic = 0): Signature => ({ args, returns, variadic });
const ON_VECTOR = sig(['vector']);
const OVER_TIME = sig(['matrix']);
/** Date functions default to `vector(time())` when called without an argument. */
const DATE = sig(['vector'], 'vector', 1);
const CONSTANT = sig([], 'scalar');

/**
 * Prometheus's promql/parser/functions.go, experimental functions included (promql-values.ts warns of their
 * flag). Functions the grammar knows but this table does not (lezer-promql 0.315's start_timestamp) are left
 * unchecked; functions newer than the grammar (`integral`, on Prometheus's main branch) are syntax errors.
 */
const FUNCTIONS: ReadonlyMap<string, Signature> = new Map([
  ...names(`abs absent acos acosh asin asinh atan atanh ceil cos cosh deg exp floor histogram_avg histogram_count
    histogram_stddev histogram_stdvar histogram_sum ln log10 log2 rad sgn sin sinh sort sort_desc sqrt tan tanh
    timestamp`).map((name) => [name, ON_VECTOR] as const),
  ...names(`absent_over_time avg_over_time changes count_over_time delta deriv first_over_time idelta increase irate
    last_over_time mad_over_time max_over_time min_over_time present_over_time rate resets stddev_over_time
    stdvar_over_time sum_over_time ts_of_first_over_time ts_of_last_over_time ts_of_max_over_time
    ts_of_min_over_time`).map((name) => [name, OVER_TIME] as const),
  ...names('day_of_month day_of_week day_of_year days_in_month hour minute month year').map((name) => [name, DATE] as const),
  ...names('pi time start end range step').map((name) => [name, CONSTANT] as const),
  ['clamp', sig(['vector', 'scalar', 'scalar'])],
  ['clamp_max', sig(['vector', 'scalar'])],
  ['clamp_min', sig(['vector', 'scalar'])],
  ['double_exponential_smoothing', sig(['matrix', 'scalar', 'scalar'])],
  ['histogram_fraction', sig(['scalar', 'scalar', 'vector'])],
  ['histogram_quantile', sig(['scalar', 'vector'])],
  ['histogram_quantiles', sig(['vector', 'string', 'scalar', 'scalar'], 'vector', 9)],
  ['info', sig(['vector', 'vector'], 'vector', 1)],
  ['label_join', sig(['vector', 'string', 'string', 'string'], 'vector', -1)],
  ['label_replace', sig(['vector', 'string', 'string', 'string', 'string'])],
  ['predict_linear', sig(['matrix', 'scalar'])],
  ['quantile_over_time', sig(['scalar', 'matrix'])],
  ['round', sig(['vector', 'scalar'], 'vector', 1)],
  ['scalar', sig(['vector'], 'scalar')],
  ['sort_by_label', sig(['vector', 'string'], 'vector', -1)],
  ['sort_by_label_desc', sig(['vector', 'string'], 'vector', -1)],
  ['vector', sig(['scalar'])],
]);

/** Aggregations that take a parameter before the vector, with the parameter's type. */
const AGGREGATION_PARAMETERS: ReadonlyMap<string, ValueType> = new Map([
  ['topk', 'scalar'],
  ['bottomk', 'scalar'],
  ['quantile', 'scalar'],
  ['limitk', 'scalar'],
  ['limit_ratio', 'scalar'],
  ['count_values', 'string'],
]);

/** The node names of lezer-promql's `expr` group. */
const EXPRESSIONS: ReadonlySet<string> = new Set(
  names(`AggregateExpr BinaryExpr FunctionCall MatrixSelector NumberDurationLiteral OffsetExpr AnchoredExpr SmoothedExpr
    ParenExpr StringLiteral SubqueryExpr UnaryExpr VectorSelector StepInvariantExpr`),
);
const COMPARISONS: ReadonlySet<string> = new Set(['Eql', 'Neq', 'Gtr', 'Lss', 'Gte', 'Lte']);
const SET_OPERATORS: ReadonlySet<string> = new Set(['And', 'Or', 'Unless']);
/** What Prometheus lets `offset` and `@` stand after: they are stored on the selector or subquery. */
const MODIFIABLE: ReadonlySet<string> = new Set(['VectorSelector', 'MatrixSelector', 'SubqueryExpr']);

/** Unknown (`undefined`) when a Grafana placeholder decides it, or when a problem below was already reported. */
type Type = ValueType | undefined;

interface Walk {
  readonly parsed: ParsedPromql;
  readonly issues: TypeIssue[];
  /** Whether `bool` occurs in the text at all: most binary operations need no look for it. */
  readonly mayBool: boolean;
  /** Whether `on` or `ignoring` occurs as a word: most binary operations have no matching clause. */
  readonly mayMatch: boolean;
  /** Called with every expression node the walk reaches, so other checks need no walk of their own. */
  readonly visit?: ((node: SyntaxNode) => void) | undefined;
}

/** Meant for expressions without syntax errors; on others the answer is empty rather than noise. */
export function checkTypes(parsed: ParsedPromql, visit?: (node: SyntaxNode) => void): TypeIssue[] {
  const root = expressionOf(parsed);
  if (!root) return [];
  const walk = walkOf(parsed, visit);
  // The rule lint asks for the same type next (exprType); this walk already found it.
  types.set(parsed, typeOf(root, walk));
  return walk.issues;
}

/**
 * The type of the whole expression, as Prometheus would return it; undefined when it has syntax errors or a
 * Grafana placeholder decides it. Rules need a vector or a scalar: a range vector or a string fails at evaluation.
 */
export function exprType(parsed: ParsedPromql): ValueType | undefined {
  if (types.has(parsed)) return types.get(parsed);
  const root = expressionOf(parsed);
  const type = root ? typeOf(root, walkOf(parsed)) : undefined;
  types.set(parsed, type);
  return type;
}

function walkOf(parsed: ParsedPromql, visit?: (node: SyntaxNode) => void): Walk {
  return { parsed, issues: [], visit, mayBool: /\bbool\b/i.test(parsed.text), mayMatch: /\b(?:on|ignoring)\b/i.test(parsed.text) };
}

/** Per parse, like the parse itself: the rule lint asks for the type of every rule's expression. */
const types = new WeakMap<ParsedPromql, ValueType | undefined>();

function expressionOf(parsed: ParsedPromql): SyntaxNode | undefined {
  if (parsed.syntaxErrors.length > 0) return undefined;
  return firstExpression(parsed.tree.topNode);
}

/**
 * Postfix forms: a range `[5m]`, a subquery `[5m:1m]`, `offset` and `@`. Prometheus's grammar binds them tighter
 * than every operator (OFFSET and LEFT_BRACKET have the highest precedence, and `@` is shifted), so in
 * `time() - foo offset 10m` or `-foo @ 100` they belong to `foo`. lezer-promql wraps them around the whole
 * binary or unary expression instead; the walk carries them down to the operand they belong to.
 */
const POSTFIX: ReadonlySet<string> = new Set(['MatrixSelector', 'SubqueryExpr', 'OffsetExpr', 'StepInvariantExpr']);

/** `pending`: postfix nodes lezer put above this node that belong to its rightmost operand, innermost first. */
function typeOf(node: SyntaxNode, walk: Walk, pending: readonly SyntaxNode[] = []): Type {
  walk.visit?.(node);
  if (POSTFIX.has(node.name)) {
    const inner = firstExpression(node);
    return inner ? typeOf(inner, walk, [node, ...pending]) : undefined;
  }
  if (node.name === 'UnaryExpr') return unaryType(node, walk, pending);
  if (node.name === 'BinaryExpr') return binaryType(node, walk, pending);
  if (pending.length > 0) return postfixedType(node, pending, walk);
  switch (node.name) {
    case 'NumberDurationLiteral':
      return 'scalar';
    case 'StringLiteral':
      return 'string';
    case 'VectorSelector':
      return vectorSelectorType(node, walk.parsed);
    case 'FunctionCall':
      return callType(node, walk);
    case 'AggregateExpr':
      return aggregationType(node, walk);
    default:
      // Parentheses, anchored/smoothed and whatever newer grammar adds: the type of what they enclose.
      return firstOrUnknown(firstExpression(node), walk);
  }
}

/** A bare Grafana variable as a whole operand (`$threshold`) may stand for a number: its type is unknown. */
function vectorSelectorType(node: SyntaxNode, parsed: ParsedPromql): Type {
  if (parsed.variables.length === 0) return 'vector';
  const name = childNamed(node, 'Identifier');
  const bare = name && !childNamed(node, 'LabelMatchers');
  return bare && isTemplated(parsed, spanOf(name)) ? undefined : 'vector';
}

/**
 * The postfixes applied to an operand in order, as Prometheus checks them: a range only on a bare selector, a
 * subquery only over an instant vector, `offset` and `@` each once and only on a selector or subquery.
 */
function postfixedType(base: SyntaxNode, postfixes: readonly SyntaxNode[], walk: Walk): Type {
  let type = typeOf(base, walk);
  let shape = base.name;
  let modifiers = new Set<string>();
  // What each postfix applies to: the base and the postfixes before it. Reports point there.
  let operand: Span = spanOf(base);
  for (const postfix of postfixes) {
    const applied = { from: base.from, to: postfix.to };
    if (postfix.name === 'MatrixSelector') {
      if (shape !== 'VectorSelector' || modifiers.size > 0) {
        const modified = modifiers.size > 0;
        reportAt(
          walk,
          'promql/type',
          operand,
          modified ? 'offset or @ before a range' : 'a range [..] after something that is not a metric selector',
          modified
            ? 'write the range first: x[5m] offset 1h'
            : 'put the range on the selector, e.g. rate(x[5m]), or use a subquery: (expr)[5m:1m]',
        );
      }
      [type, shape, modifiers] = ['matrix', postfix.name, new Set()];
    } else if (postfix.name === 'SubqueryExpr') {
      if (type && type !== 'vector') {
        reportAt(walk, 'promql/type', operand, `a subquery over ${article(type)}`, 'a subquery [range:step] takes an instant-vector expression');
      }
      [type, shape, modifiers] = ['matrix', postfix.name, new Set()];
    } else {
      const modifier = postfix.name === 'OffsetExpr' ? 'offset' : '@';
      if (!MODIFIABLE.has(shape)) {
        reportAt(
          walk,
          'promql/modifier',
          applied,
          'offset or @ after something that is not a selector or subquery',
          'move the modifier onto the selector inside: rate(x[5m] offset 1h), not rate(x[5m]) offset 1h',
        );
        shape = 'reported';
      } else if (modifiers.has(modifier)) {
        reportAt(walk, 'promql/modifier', applied, `${modifier} set more than once`, `keep one ${modifier}`);
      }
      modifiers.add(modifier);
    }
    operand = applied;
  }
  return type;
}

function unaryType(node: SyntaxNode, walk: Walk, pending: readonly SyntaxNode[]): Type {
  const operand = firstExpression(node);
  const type = operand ? typeOf(operand, walk, pending) : undefined;
  if (operand && (type === 'matrix' || type === 'string')) {
    reportAt(walk, 'promql/type', withPostfixes(operand, pending), `unary minus or plus on ${article(type)}`, 'apply it to a scalar or an instant vector');
    return undefined;
  }
  return type;
}

function binaryType(node: SyntaxNode, walk: Walk, pending: readonly SyntaxNode[]): Type {
  const [left, right] = expressionChildren(node);
  const operator = left && childAfter(node, left);
  if (!left || !right || !operator) return undefined;
  const types = [operandType(left, walk), operandType(right, walk, pending)] as const;
  const op = operator.name;
  const bool = walk.mayBool ? childNamed(node, 'BoolModifier') : null;
  if (bool && !COMPARISONS.has(op)) {
    report(
      walk,
      'promql/modifier',
      bool,
      'bool on an operator that is not a comparison',
      'bool only applies to ==, !=, >, <, >= and <=',
    );
  }
  if (COMPARISONS.has(op) && !bool && types[0] === 'scalar' && types[1] === 'scalar') {
    report(
      walk,
      'promql/type',
      operator,
      'comparison between two scalars without bool',
      'write 1 > bool 0: between scalars a comparison yields 0 or 1',
    );
  }
  if (SET_OPERATORS.has(op) && types.includes('scalar')) {
    report(
      walk,
      'promql/type',
      operator,
      `${textOf(operator, walk)} with a scalar operand`,
      'and, or and unless match series: both sides must be instant vectors; for a default use "or vector(0)"',
    );
  }
  matchingIssues(node, op, types, walk);
  if (types.includes('vector')) return 'vector';
  return types[0] === 'scalar' && types[1] === 'scalar' ? 'scalar' : undefined;
}

/** Operands are scalars or instant vectors; anything else is reported here and is unknown from then on. */
function operandType(operand: SyntaxNode, walk: Walk, pending: readonly SyntaxNode[] = []): Type {
  const type = typeOf(operand, walk, pending);
  if (type !== 'matrix' && type !== 'string') return type;
  const hint =
    type === 'matrix'
      ? 'wrap the range in a function such as rate(...) or max_over_time(...)'
      : 'strings only go into function arguments';
  reportAt(walk, 'promql/type', withPostfixes(operand, pending), `an operator applied to ${article(type)}`, hint);
  return undefined;
}

/** An operand with the postfixes that belong to it, as Prometheus reads it. */
function withPostfixes(operand: SyntaxNode, pending: readonly SyntaxNode[]): Span {
  return { from: operand.from, to: Math.max(operand.to, ...pending.map((p) => p.to)) };
}

function matchingIssues(node: SyntaxNode, op: string, types: readonly [Type, Type], walk: Walk): void {
  const clause = walk.mayMatch ? childNamed(node, 'MatchingModifierClause') : null;
  if (!clause) return;
  const [labels, groupLabels] = clause.getChildren('GroupingLabels');
  const grouped = clause.getChild('GroupLeft') ?? clause.getChild('GroupRight');
  const onLabels = labels ? labelNames(labels, walk) : [];
  if (onLabels.length > 0 && types.includes('scalar')) {
    report(
      walk,
      'promql/matching',
      clause,
      'vector matching with a scalar operand',
      'on(...) and ignoring(...) only match two instant vectors; drop the clause',
    );
  }
  if (grouped && SET_OPERATORS.has(op)) {
    report(
      walk,
      'promql/matching',
      grouped,
      `${textOf(grouped, walk)} on a set operator`,
      'and, or and unless are always many-to-many: drop group_left/group_right',
    );
  }
  if (grouped && groupLabels && clause.getChild('On')) {
    const both = labelNames(groupLabels, walk).filter((label) => onLabels.includes(label));
    if (both.length > 0) {
      report(
        walk,
        'promql/matching',
        groupLabels,
        `${both.join(', ')} both in on(...) and in the group clause`,
        'a label matched on is already shared: list it only in on(...)',
      );
    }
  }
}

function labelNames(list: SyntaxNode, walk: Walk): string[] {
  return list.getChildren('LabelName').map((label) => textOf(label, walk));
}

function callType(node: SyntaxNode, walk: Walk): Type {
  const identifier = childNamed(node, 'FunctionIdentifier');
  const name = identifier ? textOf(identifier, walk) : '';
  const args = expressionChildren(childNamed(node, 'FunctionCallBody'));
  const types = args.map((arg) => typeOf(arg, walk));
  const signature = FUNCTIONS.get(name);
  if (!signature) return undefined;
  const arity = arityIssue(name, signature, args.length);
  if (arity) report(walk, 'promql/arity', node, arity, `see ${name}() in the PromQL function reference`);
  args.forEach((arg, i) => {
    const expected = expectedArgument(signature, i);
    const actual = types[i];
    if (expected && actual && actual !== expected) {
      report(
        walk,
        'promql/type',
        arg,
        `argument ${i + 1} of ${name}() is ${article(actual)}, it takes ${article(expected)}`,
        argumentHint(expected, actual),
      );
    }
  });
  return signature.returns;
}

function arityIssue(name: string, signature: Signature, count: number): string | undefined {
  const declared = signature.args.length;
  const min = signature.variadic === 0 ? declared : declared - 1;
  const max = signature.variadic < 0 ? Infinity : min + signature.variadic;
  if (count >= min && count <= max) return undefined;
  const expected = min === max ? `${min}` : max === Infinity ? `at least ${min}` : `${min} to ${max}`;
  return `${name}() takes ${expected} argument${expected === '1' ? '' : 's'}, got ${count}`;
}

/** Extra arguments of a variadic function repeat the type of its last declared one. */
function expectedArgument(signature: Signature, index: number): ValueType | undefined {
  if (index < signature.args.length) return signature.args[index];
  return signature.variadic === 0 ? undefined : signature.args[signature.args.length - 1];
}

function argumentHint(expected: ValueType, actual: ValueType): string {
  if (expected === 'matrix' && actual === 'vector') return 'give it a range: x[5m], or a subquery (expr)[5m:1m]';
  if (expected === 'vector' && actual === 'matrix') return 'drop the range, or reduce it with rate(...) or *_over_time(...)';
  if (expected === 'scalar' && actual === 'vector') return 'use a number, or scalar(...) of a single-series vector';
  if (expected === 'vector' && actual === 'scalar') return 'use vector(...) to turn a scalar into a vector';
  if (expected === 'string') return 'write a string literal in quotes';
  return `pass ${article(expected)}`;
}

function aggregationType(node: SyntaxNode, walk: Walk): Type {
  const op = childNamed(node, 'AggregateOp');
  const name = op ? textOf(op, walk).toLowerCase() : '';
  const args = expressionChildren(childNamed(node, 'FunctionCallBody'));
  const types = args.map((arg) => typeOf(arg, walk));
  // `$aggregation (x)` stands in as sum; the real one may take a parameter, so its arguments are not judged.
  if (!op || isTemplated(walk.parsed, spanOf(op))) return 'vector';
  const parameter = AGGREGATION_PARAMETERS.get(name);
  const wanted = parameter ? 2 : 1;
  if (args.length !== wanted) {
    const hint = parameter
      ? `write ${name}(${parameter === 'string' ? '"label"' : 'n'}, expr)`
      : `write ${name}(expr); only topk, bottomk, quantile, limitk, limit_ratio and count_values take a parameter`;
    report(
      walk,
      'promql/aggregation',
      node,
      `${name} takes ${wanted === 2 ? 'a parameter and an expression' : 'one expression'}, got ${args.length} argument${args.length === 1 ? '' : 's'}`,
      hint,
    );
    return 'vector';
  }
  const [parameterType, operandType] = [types[0], types[args.length - 1]];
  const operand = args[args.length - 1];
  if (parameter && args[0] && parameterType && parameterType !== parameter) {
    report(
      walk,
      'promql/type',
      args[0],
      `the parameter of ${name} is ${article(parameterType)}, it takes ${article(parameter)}`,
      argumentHint(parameter, parameterType),
    );
  }
  if (operand && operandType && operandType !== 'vector') {
    report(walk, 'promql/type', operand, `${name} over ${article(operandType)}`, argumentHint('vector', operandType));
  }
  return 'vector';
}

/** Comments are nodes of the tree too, anywhere between tokens; these helpers look past them. */
function firstExpression(node: SyntaxNode): SyntaxNode | undefined {
  for (let child = node.firstChild; child; child = child.nextSibling) if (EXPRESSIONS.has(child.name)) return child;
  return undefined;
}

function firstOrUnknown(node: SyntaxNode | undefined, walk: Walk): Type {
  return node ? typeOf(node, walk) : undefined;
}

function childAfter(parent: SyntaxNode, previous: SyntaxNode): SyntaxNode | undefined {
  for (let child = parent.firstChild; child; child = child.nextSibling) {
    if (child.from >= previous.to && child.name !== 'LineComment') return child;
  }
  return undefined;
}

function expressionChildren(node: SyntaxNode | null): SyntaxNode[] {
  const children: SyntaxNode[] = [];
  for (let child = node?.firstChild ?? null; child; child = child.nextSibling) {
    if (EXPRESSIONS.has(child.name)) children.push(child);
  }
  return children;
}

function textOf(node: SyntaxNode, walk: Walk): string {
  return walk.parsed.source.slice(node.from, node.to);
}

function article(type: ValueType): string {
  return { scalar: 'a scalar', vector: 'an instant vector', matrix: 'a range vector', string: 'a string' }[type];
}

function report(walk: Walk, rule: RuleId, node: SyntaxNode, message: string, hint: string): void {
  reportAt(walk, rule, spanOf(node), message, hint);
}

function reportAt(walk: Walk, rule: RuleId, position: Span, message: string, hint: string): void {
  walk.issues.push({ rule, message, hint, position });
}
