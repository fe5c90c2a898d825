/**
 * Label matchers read with the real PromQL grammar (lezer-promql), so a matcher list from config is accepted
 * exactly when Prometheus would accept it inside `{...}`, and nothing else can ride along with it.
 * The reading pieces (matchers of a node, string literals, syntax problems) are shared with the checks.
 */
import type { SyntaxNode, Tree, TreeCursor } from '@lezer/common';
import { parser } from '@prometheus-io/lezer-promql';
import { PromqlError, isLabelName, type Matcher } from './promql.js';
import { decodeString, regexProblem, type MatchOp } from './promql-literals.js';

/** A character range in an expression, `to` exclusive. */
export interface Span {
  readonly from: number;
  readonly to: number;
}

/** A name as written in an expression, with where it sits. */
export interface Named {
  readonly name: string;
  readonly position: Span;
}

export interface PositionedMatcher extends Matcher {
  /** The whole matcher, `label op "value"`. */
  readonly position: Span;
  /** False when the value's escapes spell bytes that are not UTF-8 (Go strings may; regexes and config may not). */
  readonly utf8: boolean;
}

export interface LabelMatchersRead {
  readonly matchers: PositionedMatcher[];
  /** Bare quoted names, `{"my.metric"}`: the UTF-8 form of a metric name. */
  readonly metricNames: Named[];
}

const MATCH_OPS: ReadonlySet<string> = new Set<MatchOp>(['=', '!=', '=~', '!~']);

/**
 * Reads the matchers under a `LabelMatchers` node, skipping ones error recovery left incomplete. Invalid
 * string literals read as their raw text, so this stays total on any tree; syntaxProblems reports them.
 */
export function readLabelMatchers(node: SyntaxNode, text: string): LabelMatchersRead {
  return readLabelMatchersAt(node.cursor(), text);
}

/** readLabelMatchers for a cursor on the `LabelMatchers` node, which is where the cursor ends. */
export function readLabelMatchersAt(cursor: TreeCursor, text: string): LabelMatchersRead {
  const matchers: PositionedMatcher[] = [];
  const metricNames: Named[] = [];
  if (!cursor.firstChild()) return { matchers, metricNames };
  do {
    const name = cursor.name;
    if (name === 'QuotedLabelName') metricNames.push({ name: stringValue(cursor.node, text), position: { from: cursor.from, to: cursor.to } });
    else if (name === 'UnquotedLabelMatcher' || name === 'QuotedLabelMatcher') {
      const matcher = matcherAt(cursor, text);
      if (matcher) matchers.push(matcher);
    }
  } while (cursor.nextSibling());
  cursor.parent();
  return { matchers, metricNames };
}

/** The matcher at the cursor, from the first label name, operator and string among its children. */
function matcherAt(cursor: TreeCursor, text: string): PositionedMatcher | undefined {
  const position = { from: cursor.from, to: cursor.to };
  let label: string | undefined;
  let quotedLabel: SyntaxNode | undefined;
  let op: string | undefined;
  let value: Span | undefined;
  if (cursor.firstChild()) {
    do {
      const name = cursor.name;
      if (name === 'LabelName') label ??= text.slice(cursor.from, cursor.to);
      else if (name === 'QuotedLabelName') quotedLabel ??= cursor.node;
      else if (name === 'MatchOp') op ??= text.slice(cursor.from, cursor.to);
      else if (name === 'StringLiteral') value ??= { from: cursor.from, to: cursor.to };
    } while (cursor.nextSibling());
    cursor.parent();
  }
  label ??= quotedLabel && stringValue(quotedLabel, text);
  if (label === undefined || op === undefined || value === undefined || !MATCH_OPS.has(op)) return undefined;
  const raw = text.slice(value.from, value.to);
  const decoded = decodeString(raw);
  return { label, op: op as MatchOp, value: decoded.ok ? decoded.value : raw, position, utf8: !decoded.ok || decoded.utf8 };
}

/**
 * SyntaxNode.getChild without the cursor it builds and the list of every match it collects: the checks ask for
 * one child of most nodes they pass.
 */
export function childNamed(node: SyntaxNode, name: string): SyntaxNode | null {
  for (let child = node.firstChild; child; child = child.nextSibling) if (child.type.is(name)) return child;
  return null;
}

export function spanOf(node: SyntaxNode): Span {
  return { from: node.from, to: node.to };
}

/** The value of a `StringLiteral` node, or of the literal inside a `QuotedLabelName`. */
export function stringValue(node: SyntaxNode, text: string): string {
  const literal = node.name === 'StringLiteral' ? node : (node.getChild('StringLiteral') ?? node);
  const raw = text.slice(literal.from, literal.to);
  const decoded = decodeString(raw);
  return decoded.ok ? decoded.value : raw;
}

export interface SyntaxIssue extends Span {
  readonly message: string;
}

/**
 * Every syntax problem in a parsed tree, in text order: lezer's error nodes, named after the token found there,
 * plus string literals Prometheus would refuse. Error nodes inside error nodes are recovery noise and skipped.
 */
export function syntaxProblems(tree: Tree, text: string): SyntaxIssue[] {
  const issues: SyntaxIssue[] = [];
  tree.iterate({
    enter: (n) => {
      if (n.type.isError) {
        issues.push(errorNodeIssue(n.node, text));
        return false;
      }
      if (n.name === 'StringLiteral') {
        const decoded = decodeString(text.slice(n.from, n.to));
        if (!decoded.ok) issues.push({ from: n.from + decoded.offset, to: n.to, message: decoded.message });
      }
      return undefined;
    },
  });
  return issues.sort((a, b) => a.from - b.from);
}

function errorNodeIssue(node: SyntaxNode, text: string): SyntaxIssue {
  const token = tokenAt(text, node.from);
  if (!token) return { from: text.length, to: text.length, message: 'unexpected end of expression' };
  const previous = node.prevSibling;
  if (token.text === '(' && previous?.name === 'Identifier') {
    return { from: previous.from, to: token.to, message: `unknown function "${text.slice(previous.from, previous.to)}"` };
  }
  // A zero-length error sits before the token the parser could not take; point at that token.
  const to = node.to > node.from ? node.to : token.to;
  return { from: token.from, to, message: `unexpected ${quoteToken(token.text)}` };
}

/** One PromQL-ish token: Grafana variables and string literals stay whole so messages show them intact. */
const TOKEN = /\$\{[^}\s]*\}|\$\w+|\[\[\w+(?::\w+)?\]\]|"(?:[^"\\\n]|\\.)*"?|'(?:[^'\\\n]|\\.)*'?|`[^`]*`?|[\w.:]+|[=!<>]=|=~|!~|\S/y;

function tokenAt(text: string, position: number): { text: string; from: number; to: number } | undefined {
  const from = position + (text.slice(position).length - text.slice(position).trimStart().length);
  TOKEN.lastIndex = from;
  const match = TOKEN.exec(text);
  return match ? { text: match[0], from, to: from + match[0].length } : undefined;
}

function quoteToken(token: string): string {
  const short = token.length > 30 ? token.slice(0, 29) + '…' : token;
  return short.includes('"') ? `'${short}'` : `"${short}"`;
}

/** A matcher list that does not parse, with the offset in the text as given where the trouble starts. */
export class SelectorError extends PromqlError {
  constructor(
    message: string,
    hint: string,
    readonly position: number,
  ) {
    super(message, hint);
    this.name = 'SelectorError';
  }
}

const SELECTOR_HINT = 'write label matchers only, e.g. job="api", env=~"prod|stage"; quote every value';

/**
 * Parses a label-matcher list as written in config (`job="a", env=~"b"`, optionally inside braces) into
 * matchers. The text is parsed as the selector `{text}`: if the result is anything but one selector made of
 * label matchers, e.g. because a `}` closed it early and more PromQL followed, it is refused.
 */
export function parseSelector(text: string): Matcher[] {
  const inner = withoutBraces(text);
  const source = `{${inner.text}}`;
  // Positions in `source` are one past the same character in `inner.text`, which starts at `inner.start`.
  const fail = (at: number, what: string): SelectorError => {
    const position = Math.min(Math.max(0, at - 1 + inner.start), text.length);
    return new SelectorError(`selector ${JSON.stringify(text)}: ${what} at position ${position}`, SELECTOR_HINT, position);
  };

  const tree = parser.parse(source);
  const selector = leadingSelector(tree.topNode);
  const problem = syntaxProblems(tree, source)[0];
  const closedAt = selector && selector.to < source.length ? selector.to - 1 : undefined;
  if (closedAt !== undefined && (!problem || closedAt < problem.from)) {
    throw fail(closedAt, '"}" closes the matcher list early and more follows');
  }
  if (problem) {
    throw fail(problem.from, problem.from >= source.length - 1 ? 'unexpected end of matchers' : problem.message);
  }
  if (!selector) throw fail(0, 'not a label-matcher list');
  return matchersOfSelector(selector, source, fail);
}

function withoutBraces(text: string): { text: string; start: number } {
  const trimmed = text.trim();
  const start = text.indexOf(trimmed);
  return trimmed.startsWith('{') && trimmed.endsWith('}')
    ? { text: trimmed.slice(1, -1), start: start + 1 }
    : { text, start: 0 };
}

/** The vector selector the text opens with, however the parser nested it into a larger expression. */
function leadingSelector(top: SyntaxNode): SyntaxNode | undefined {
  for (let node = top.firstChild; node && node.from === 0; node = node.firstChild) {
    if (node.name === 'VectorSelector') return node;
  }
  return undefined;
}

function matchersOfSelector(
  selector: SyntaxNode,
  source: string,
  fail: (at: number, what: string) => SelectorError,
): Matcher[] {
  const name = selector.getChild('Identifier');
  if (name) throw fail(name.from, `metric name "${source.slice(name.from, name.to)}"`);
  const list = selector.getChild('LabelMatchers');
  if (!list) return [];
  const read = readLabelMatchers(list, source);
  const bare = read.metricNames[0];
  if (bare) throw fail(bare.position.from, `metric name ${JSON.stringify(bare.name)}`);
  return read.matchers.map((m) => {
    if (m.label === '__name__') throw fail(m.position.from, 'a __name__ matcher, which selects the metric');
    if (!isLabelName(m.label)) throw fail(m.position.from, `label name ${JSON.stringify(m.label)} outside [a-zA-Z_][a-zA-Z0-9_]*`);
    if (!m.utf8) throw fail(m.position.from, 'a value whose escapes are not UTF-8');
    const problem = m.op === '=~' || m.op === '!~' ? regexProblem(m.value) : undefined;
    if (problem) throw fail(m.position.from, `regular expression ${JSON.stringify(m.value)} ${problem}`);
    return { label: m.label, op: m.op, value: m.value };
  });
}
