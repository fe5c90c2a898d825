/**
 * One parse of an expression with lezer-promql, and the facts checks read from it: syntax problems and the
 * vector selectors with what surrounds them.
 *
 * Positions: Grafana variables are replaced by placeholders of exactly the same length, so every offset in the
 * substituted text is the same offset in the original and no map is needed.
 */
import { BoundedCache } from '../engine/bounded-cache.js';
import type { SyntaxNode, Tree, TreeCursor } from '@lezer/common';
import { parser } from '@prometheus-io/lezer-promql';
import {
  readLabelMatchersAt,
  spanOf,
  stringValue,
  syntaxProblems,
  type LabelMatchersRead,
  type Named,
  type PositionedMatcher,
  type Span,
  type SyntaxIssue,
} from '../engine/selector.js';

export type { Named, PositionedMatcher, Span, SyntaxIssue };

/** A Grafana variable found in the original text. */
export interface GrafanaVariable extends Span {
  /** The variable as written: `$job`, `${job:regex}`, `[[job]]`. */
  readonly text: string;
  readonly name: string;
}

export interface ParsedPromql {
  /** The expression as given. */
  readonly source: string;
  /** The expression as parsed: variables replaced, same length as `source`. */
  readonly text: string;
  /** Parsed from `text`: read node text from there. */
  readonly tree: Tree;
  readonly variables: readonly GrafanaVariable[];
  /** In text order; empty when the expression is valid. */
  readonly syntaxErrors: readonly SyntaxIssue[];
}

/** Grafana's own variable syntax: `$name`, `${name}`, `${name.field:format}`, `[[name:format]]`. */
const VARIABLE = /\$(\w+)|\$\{(\w+)(?:\.[^:}]+)?(?::[^}]+)?\}|\[\[(\w+)(?::\w+)?\]\]/y;

/**
 * A number with a trailing dot, `5.`: Prometheus's lexer (and Go's ParseFloat) read it as 5, lezer-promql's
 * number token does not; the dot is read as a space, which keeps every position.
 */
const TRAILING_DOT = /\d+\.(?![\w.])/y;

/**
 * `offset` where an operand starts, before `{`, `[` or the end, is a metric name to Prometheus (its grammar lists
 * OFFSET among the metric identifiers); lezer-promql reads it only as the modifier. It is read as an identifier of
 * the same length. As a label name (`{offset="x"}`, `by (offset)`) lezer-promql already reads it right.
 */
const KEYWORD_AS_NAME = /offset(?=\s*(?:\{|\[|$))/iy;

/** What any rewrite below starts with: a variable, a number with a trailing dot, `offset`. */
const REWRITTEN = /\$|\[\[|\d\.(?![\w.])|offset/i;

/** Where the substitution loop may do more than copy: a string, a comment, a bracket, or what REWRITTEN finds. */
const NEXT_CANDIDATE = /[#"'`$[\]]|\d+\.(?![\w.])|offset/gi;

/** Variables Grafana fills with a duration such as `1m`; they may stand wherever a duration can. */
const DURATION_VARIABLES: ReadonlySet<string> = new Set(['__interval', '__rate_interval', '__range']);
/** Variables Grafana fills with a plain number (milliseconds, seconds, timestamps). */
const NUMBER_VARIABLES: ReadonlySet<string> = new Set([
  '__interval_ms',
  '__rate_interval_ms',
  '__range_s',
  '__range_ms',
  '__from',
  '__to',
]);

export function substituteGrafanaVariables(expr: string): string {
  return substitute(expr).text;
}

/**
 * Replaces each variable outside string literals and comments by a same-length placeholder fit for where it
 * stands: a duration inside `[...]` or after `offset`, a number after `@`, an aggregation before `(` or
 * `by`/`without`, otherwise an identifier (the variable with its punctuation turned into `_`), which is valid
 * as a metric name, a label name and an operand. Inside strings a variable is already valid PromQL. Numbers
 * lezer-promql does not read the way Prometheus does are rewritten to the same length too.
 */
function substitute(expr: string): { text: string; variables: GrafanaVariable[] } {
  // Without anything the loop below would rewrite, the text stays as it is: most expressions, read at once.
  if (!REWRITTEN.test(expr)) return { text: expr, variables: [] };
  const variables: GrafanaVariable[] = [];
  let text = '';
  let bracketDepth = 0;
  let i = 0;
  while (i < expr.length) {
    const c = expr[i] ?? '';
    const skip = c === '#' ? commentEnd(expr, i) : `"'\``.includes(c) ? stringEnd(expr, i) : undefined;
    if (skip !== undefined) {
      text += expr.slice(i, skip);
      i = skip;
      continue;
    }
    TRAILING_DOT.lastIndex = i;
    const number = /\d/.test(c) && !/[\w.:]/.test(expr[i - 1] ?? '') ? TRAILING_DOT.exec(expr) : null;
    if (number) {
      text += number[0].slice(0, -1) + ' ';
      i += number[0].length;
      continue;
    }
    KEYWORD_AS_NAME.lastIndex = i;
    const keyword = c === 'o' || c === 'O' ? KEYWORD_AS_NAME.exec(expr) : null;
    if (keyword && /(?:^|[(,{+\-*/%^<>=!])$/.test(text.trimEnd())) {
      text += '_' + keyword[0].slice(1);
      i += keyword[0].length;
      continue;
    }
    VARIABLE.lastIndex = i;
    const match = c === '$' || c === '[' ? VARIABLE.exec(expr) : null;
    if (match) {
      const name = match[1] ?? match[2] ?? match[3] ?? '';
      const context = { before: text, after: expr.slice(i + match[0].length), inBrackets: bracketDepth > 0 };
      text += placeholder(match[0], name, context);
      variables.push({ text: match[0], name, from: i, to: i + match[0].length });
      i += match[0].length;
      continue;
    }
    if (c === '[') bracketDepth++;
    if (c === ']') bracketDepth = Math.max(0, bracketDepth - 1);
    // Up to the next character any branch above may act on, the text is copied as it is.
    NEXT_CANDIDATE.lastIndex = i + 1;
    const next = NEXT_CANDIDATE.exec(expr)?.index ?? expr.length;
    text += expr.slice(i, next);
    i = next;
  }
  return { text, variables };
}

function commentEnd(expr: string, at: number): number {
  const newline = expr.indexOf('\n', at);
  return newline === -1 ? expr.length : newline;
}

/** Index just past the string literal opening at `at`, or the end of text when it is unterminated. */
function stringEnd(expr: string, at: number): number {
  const quote = expr[at];
  for (let i = at + 1; i < expr.length; i++) {
    if (expr[i] === '\\' && quote !== '`') i++;
    else if (expr[i] === quote) return i + 1;
  }
  return expr.length;
}

interface Surroundings {
  readonly before: string;
  readonly after: string;
  readonly inBrackets: boolean;
}

function placeholder(written: string, name: string, around: Surroundings): string {
  const pad = (value: string): string => (value.length <= written.length ? value.padEnd(written.length) : identifier(written));
  if (DURATION_VARIABLES.has(name)) return pad('5m');
  if (NUMBER_VARIABLES.has(name)) return pad('60');
  const before = around.before.trimEnd();
  if (before.endsWith('[') || (around.inBrackets && before.endsWith(':')) || /\boffset$/i.test(before)) return pad('5m');
  if (before.endsWith('@')) return pad('60');
  if (/^\s*(?:\(|by\b|without\b)/i.test(around.after) && !/[\w:]$/.test(before)) return pad('sum');
  return identifier(written);
}

function identifier(written: string): string {
  return written.replace(/\W/g, '_');
}

/**
 * Parses are kept, so an expression checked by several checks (the mixin's PromQL check and the rule lint) or
 * repeated across panels and rules is parsed once. The result is never changed by its readers. Bounded: a long
 * lint run over many files starts over rather than holding every tree.
 */
const parses = new BoundedCache<ParsedPromql>(20_000);

export function parsePromql(expr: string): ParsedPromql {
  return parses.get(expr, () => parseUncached(expr));
}

function parseUncached(expr: string): ParsedPromql {
  const { text, variables } = substitute(expr);
  const tree = parser.parse(text);
  // Same positions in both texts; messages quote the original, so a misplaced `$job` reads as `$job`.
  return { source: expr, text, tree, variables, syntaxErrors: syntaxProblems(tree, expr) };
}

/** Whether a range holds text that came from a Grafana variable, so its name is not known until Grafana runs. */
export function isTemplated(parsed: ParsedPromql, span: Span): boolean {
  return parsed.variables.some((v) => v.from < span.to && span.from < v.to);
}

/** `by (...)` / `without (...)` on an aggregation. */
export interface Grouping {
  readonly mode: 'by' | 'without';
  readonly labels: readonly Named[];
  readonly position: Span;
}

/** `on (...)` / `ignoring (...)` on a binary operation, with its `group_left (...)` / `group_right (...)`. */
export interface Matching {
  readonly mode: 'on' | 'ignoring';
  readonly labels: readonly Named[];
  readonly group: { readonly side: 'left' | 'right'; readonly labels: readonly Named[] } | undefined;
  readonly position: Span;
}

/**
 * An operation that takes expressions as arguments. One object per operation in the expression, shared by all
 * selectors under it, so checks can group selectors by the operation they meet.
 */
export type Operation =
  | { readonly kind: 'function'; readonly name: string; readonly position: Span }
  | { readonly kind: 'aggregation'; readonly name: string; readonly grouping: Grouping | undefined; readonly position: Span }
  | { readonly kind: 'binary'; readonly name: string; readonly matching: Matching | undefined; readonly position: Span };

export interface Enclosing {
  readonly operation: Operation;
  /** Which argument the selector is in: 0-based for calls (`topk(5, x)`: 1), 0 left / 1 right for binaries. */
  readonly argument: number;
}

export interface Selector {
  /** From the identifier, a bare quoted name or a `__name__="..."` matcher; undefined when none names it. */
  readonly metric: Named | undefined;
  /** Every matcher inside the braces, `__name__` ones included. */
  readonly matchers: readonly PositionedMatcher[];
  /** Written with a range, `x[5m]`. */
  readonly range: boolean;
  /** How the metric is named: by an identifier (`foo{...}`) and by how many quoted names (`{"foo"}`). */
  readonly names: { readonly identifier: boolean; readonly quoted: number };
  readonly position: Span;
  /** Innermost first; offsets, `@`, subqueries and parentheses are looked through. */
  readonly enclosing: readonly Enclosing[];
  /** The VectorSelector node, for checks that need more of the tree. */
  readonly node: SyntaxNode;
}

/** Every vector selector in text order. Meant for expressions without syntax errors; on others it is partial. */
export function selectorsOf(parsed: ParsedPromql): readonly Selector[] {
  let selectors = selectorLists.get(parsed);
  if (selectors === undefined) {
    selectors = readSelectors(parsed);
    selectorLists.set(parsed, selectors);
  }
  return selectors;
}

/** Selectors of a parse, read once per parse like the parse itself. */
const selectorLists = new WeakMap<ParsedPromql, readonly Selector[]>();

/**
 * One cursor pass over the tree: nodes are read through the cursor, and SyntaxNode objects are made only for
 * what a Selector keeps or what is rare (grouping clauses, quoted names).
 */
function readSelectors(parsed: ParsedPromql): Selector[] {
  const selectors: Selector[] = [];
  const cursor = parsed.tree.cursor();
  const text = parsed.text;
  const visit = (enclosing: readonly Enclosing[], parent: string): void => {
    const name = cursor.name;
    if (name === 'VectorSelector') {
      selectors.push(selectorAt(cursor, parsed, enclosing, parent));
      return;
    }
    const operation = operationAt(cursor, text);
    if (operation) {
      visitOperands(cursor, (argument, parent) => visit([{ operation, argument }, ...enclosing], parent));
      return;
    }
    if (!cursor.firstChild()) return;
    do visit(enclosing, name);
    while (cursor.nextSibling());
    cursor.parent();
  };
  visit([], '');
  return selectors;
}

function selectorAt(cursor: TreeCursor, parsed: ParsedPromql, enclosing: readonly Enclosing[], parent: string): Selector {
  const node = cursor.node;
  let identifier: Span | undefined;
  let read: LabelMatchersRead | undefined;
  if (cursor.firstChild()) {
    do {
      if (cursor.name === 'Identifier') identifier ??= { from: cursor.from, to: cursor.to };
      else if (cursor.name === 'LabelMatchers') read ??= readLabelMatchersAt(cursor, parsed.text);
    } while (cursor.nextSibling());
    cursor.parent();
  }
  const matchers = read?.matchers ?? [];
  const metricNames = read?.metricNames ?? [];
  const nameMatcher = matchers.find((m) => m.label === '__name__' && m.op === '=');
  const metric = identifier
    ? { name: parsed.source.slice(identifier.from, identifier.to), position: identifier }
    : (metricNames[0] ?? (nameMatcher && { name: nameMatcher.value, position: nameMatcher.position }));
  return {
    metric,
    matchers,
    range: parent === 'MatrixSelector',
    names: { identifier: identifier !== undefined, quoted: metricNames.length },
    position: { from: node.from, to: node.to },
    enclosing,
    node,
  };
}

/** The operation the cursor's node is, read from its children; the cursor ends where it started. */
function operationAt(cursor: TreeCursor, text: string): Operation | undefined {
  const kind = cursor.name;
  if (kind !== 'FunctionCall' && kind !== 'AggregateExpr' && kind !== 'BinaryExpr') return undefined;
  const position = { from: cursor.from, to: cursor.to };
  let name: Span | undefined;
  let clause: SyntaxNode | undefined;
  if (cursor.firstChild()) {
    // A binary operation's operator is its second child; the others are found by name.
    let index = 0;
    do {
      const child = cursor.name;
      if (kind === 'BinaryExpr') {
        if (index === 1) name = { from: cursor.from, to: cursor.to };
        if (child === 'MatchingModifierClause') clause ??= cursor.node;
      } else if (kind === 'FunctionCall') {
        if (child === 'FunctionIdentifier') name ??= { from: cursor.from, to: cursor.to };
      } else if (child === 'AggregateOp') name ??= { from: cursor.from, to: cursor.to };
      else if (child === 'AggregateModifier') clause ??= cursor.node;
      index++;
    } while (cursor.nextSibling());
    cursor.parent();
  }
  const written = name ? text.slice(name.from, name.to) : '';
  switch (kind) {
    case 'FunctionCall':
      return { kind: 'function', name: written, position };
    case 'AggregateExpr':
      return { kind: 'aggregation', name: written.toLowerCase(), grouping: clause && groupingAt(clause, text), position };
    default:
      return { kind: 'binary', name: written.toLowerCase(), matching: clause && matchingAt(clause, text), position };
  }
}

/**
 * Moves the cursor to each argument expression of an operation in order, calling `visit` with its index and
 * the name of the node it is a child of, and back. A binary operation's arguments are its first and last child.
 */
function visitOperands(cursor: TreeCursor, visit: (argument: number, parent: string) => void): void {
  if (cursor.name === 'BinaryExpr') {
    if (!cursor.firstChild()) return;
    visit(0, 'BinaryExpr');
    cursor.parent();
    cursor.lastChild();
    visit(1, 'BinaryExpr');
    cursor.parent();
    return;
  }
  if (!cursor.firstChild()) return;
  while (cursor.name !== 'FunctionCallBody' && cursor.nextSibling());
  if (cursor.name === 'FunctionCallBody' && cursor.firstChild()) {
    let argument = 0;
    // Comments are children too; counting them would shift every later argument's index.
    do if (cursor.type.name !== 'LineComment') visit(argument++, 'FunctionCallBody');
    while (cursor.nextSibling());
    cursor.parent();
  }
  cursor.parent();
}

function groupingAt(modifier: SyntaxNode, text: string): Grouping {
  const keyword = modifier.firstChild;
  const mode = keyword?.name === 'Without' ? 'without' : 'by';
  return { mode, labels: labelsOf(modifier.getChild('GroupingLabels'), text), position: spanOf(modifier) };
}

function matchingAt(clause: SyntaxNode, text: string): Matching {
  const mode = clause.getChild('Ignoring') ? 'ignoring' : 'on';
  const [labels, groupLabels] = clause.getChildren('GroupingLabels');
  const side = clause.getChild('GroupLeft') ? 'left' : clause.getChild('GroupRight') ? 'right' : undefined;
  return {
    mode,
    labels: labelsOf(labels ?? null, text),
    group: side && { side, labels: labelsOf(groupLabels ?? null, text) },
    position: spanOf(clause),
  };
}

function labelsOf(list: SyntaxNode | null, text: string): Named[] {
  const labels: Named[] = [];
  for (let child = list?.firstChild ?? null; child; child = child.nextSibling) {
    if (child.name === 'LabelName') labels.push({ name: text.slice(child.from, child.to), position: spanOf(child) });
    if (child.name === 'QuotedLabelName') labels.push({ name: stringValue(child, text), position: spanOf(child) });
  }
  return labels;
}
