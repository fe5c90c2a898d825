/**
 * From a finding's JSON pointer to a line and column in the file, as promtool prints them: the `yaml` library
 * keeps every node's source range (JSON is read through it too, only when a finding needs a position).
 */
import { isNode, isScalar, LineCounter, type Document, type Node } from 'yaml';
import { unescapePointer } from '../engine/schema-errors.js';

export interface Position {
  line: number;
  column: number;
}

/** Where a pointer (and, for an expression, a character range in it) sits in one document's text. */
export type Locator = (pointer: string, within?: { from: number }) => Position | undefined;

export function locator(doc: Document.Parsed, lines: LineCounter, source: string): Locator {
  return (pointer, within) => {
    const node = deepestNode(doc, pointer);
    if (!node?.range) return undefined;
    const start = within && isScalar(node) ? offsetInScalar(node, source, within.from) : undefined;
    const { line, col } = lines.linePos(start ?? node.range[0]);
    return { line, column: col };
  };
}

/** The node at the pointer, or at its closest ancestor that exists (a missing key's object). */
function deepestNode(doc: Document.Parsed, pointer: string): Node | undefined {
  const segments = pointer === '' ? [] : pointer.split('/').slice(1).map(unescapePointer);
  for (let n = segments.length; n >= 0; n--) {
    const node: unknown = n === 0 ? doc.contents : doc.getIn(segments.slice(0, n), true);
    if (isNode(node)) return node;
  }
  return undefined;
}

/**
 * The source offset of a character of a scalar's value, for the forms that keep characters in place: plain and
 * quoted one-line scalars without escapes, and literal blocks (`|`), whose lines are the value's lines indented.
 */
function offsetInScalar(node: Node, source: string, from: number): number | undefined {
  if (!isScalar(node) || typeof node.value !== 'string' || !node.range) return undefined;
  const start = node.range[0];
  const raw = source.slice(start, node.range[1]);
  const value = node.value;
  if (node.type === 'PLAIN' && raw === value) return start + from;
  if ((node.type === 'QUOTE_DOUBLE' || node.type === 'QUOTE_SINGLE') && raw.slice(1, -1) === value) return start + 1 + from;
  if (node.type !== 'BLOCK_LITERAL') return undefined;
  const lineIndex = value.slice(0, from).split('\n').length - 1;
  const column = from - (value.lastIndexOf('\n', from - 1) + 1);
  const body = raw.slice(raw.indexOf('\n') + 1).split('\n');
  const indent = /^ */.exec(body.find((l) => l.trim() !== '') ?? '')?.[0].length ?? 0;
  const before = body.slice(0, lineIndex).reduce((sum, l) => sum + l.length + 1, 0);
  return start + raw.indexOf('\n') + 1 + before + indent + column;
}

export { LineCounter };
