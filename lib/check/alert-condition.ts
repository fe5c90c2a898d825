/**
 * An alert fires for every series its expression returns, so an expression without a condition fires as long as
 * its series exist, whatever their value (pint's alerts/comparison). A warning: some series exist only while
 * something is wrong, which works until the exporter changes.
 */
import type { SyntaxNode } from '@lezer/common';
import { finding, type Finding, type Location } from './finding.js';
import { parsePromql } from './promql-parse.js';

const COMPARISONS: ReadonlySet<string> = new Set(['Eql', 'Neq', 'Gtr', 'Lss', 'Gte', 'Lte']);
/** Functions that return something only when a condition holds. */
const CONDITIONS: ReadonlySet<string> = new Set(['absent', 'absent_over_time']);

export function alertConditionFindings(expr: string, location: Location): Finding[] {
  const parsed = parsePromql(expr);
  if (parsed.syntaxErrors.length > 0 || hasCondition(parsed.tree.topNode, parsed.text)) return [];
  return [finding('rules/comparison', 'warning', 'the alert has no condition: it fires whenever its series exist, whatever their value',
    { ...location, path: `${location.path ?? ''}/expr` }, 'add a comparison such as "> 0" or "== 0" (without bool), or wrap the selector in absent()')];
}

function hasCondition(node: SyntaxNode, text: string): boolean {
  switch (node.name) {
    case 'BinaryExpr': {
      const op = node.firstChild?.nextSibling?.name ?? '';
      const [left, right] = [node.firstChild, node.lastChild];
      const either = (left !== null && hasCondition(left, text)) || (right !== null && hasCondition(right, text));
      if (COMPARISONS.has(op)) return node.getChild('BoolModifier') === null || either;
      if (op === 'Unless') return true;
      if (op === 'Or') return left !== null && right !== null && hasCondition(left, text) && hasCondition(right, text);
      return either;
    }
    case 'FunctionCall': {
      const name = node.getChild('FunctionIdentifier');
      if (name && CONDITIONS.has(text.slice(name.from, name.to))) return true;
      return children(node.getChild('FunctionCallBody')).some((arg) => hasCondition(arg, text));
    }
    case 'VectorSelector':
    case 'MatrixSelector':
    case 'NumberDurationLiteral':
    case 'StringLiteral':
      return false;
    default:
      return children(node).some((child) => hasCondition(child, text));
  }
}

function children(node: SyntaxNode | null): SyntaxNode[] {
  const list: SyntaxNode[] = [];
  for (let child = node?.firstChild ?? null; child; child = child.nextSibling) list.push(child);
  return list;
}
