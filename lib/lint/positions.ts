/**
 * From a finding's JSON pointer to a line and column in the file, as promtool prints them: the `yaml` library
 * keeps every YAML node's source range; for JSON, jsonc-parser's tree does (built only when a finding needs a
 * position: reading JSON through `yaml` was ten times slower).
 */
import { findNodeAtLocation, parseTree, type Node as JsonNode } from 'jsonc-parser';
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

export function jsonLocator(source: string): Locator {
  const root = parseTree(source);
  const lines = new LineCounter();
  lines.addNewLine(0);
  for (let i = source.indexOf('\n'); i !== -1; i = source.indexOf('\n', i + 1)) lines.addNewLine(i + 1);
  return (pointer, within) => {
    if (root === undefined) return undefined;
    const segments = segmentsOf(pointer).map((s) => (/^\d+$/.test(s) ? Number(s) : s));
    let node: JsonNode | undefined;
    for (let n = segments.length; n >= 0 && node === undefined; n--) node = findNodeAtLocation(root, segments.slice(0, n));
    if (node === undefined) return undefined;
    const inString = within && node.type === 'string' ? node.offset + 1 + rawIndex(source, node.offset + 1, within.from) : undefined;
    const { line, col } = lines.linePos(inString ?? node.offset);
    return { line, column: col };
  };
}

/** Where the value's character `index` sits in a JSON string literal starting at `start`: escapes take more room. */
function rawIndex(source: string, start: number, index: number): number {
  let raw = 0;
  for (let i = 0; i < index; i++) raw += source[start + raw] !== '\\' ? 1 : source[start + raw + 1] === 'u' ? 6 : 2;
  return raw;
}

function segmentsOf(pointer: string): string[] {
  return pointer === '' ? [] : pointer.split('/').slice(1).map(unescapePointer);
}

/** The node at the pointer, or at its closest ancestor that exists (a missing key's object). */
function deepestNode(doc: Document.Parsed, pointer: string): Node | undefined {
  const segments = segmentsOf(pointer);
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
