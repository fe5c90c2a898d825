/**
 * Checks a Loki query's syntax with Grafana's own LogQL grammar (@grafana/lezer-logql). Grafana's variables are
 * replaced as for PromQL, by placeholders of the same length, so positions point into the original text. LogQL
 * metric queries contain PromQL-like parts; only LogQL's syntax is checked here.
 */
import { parser } from '@grafana/lezer-logql';
import { finding, type Finding, type Location } from './finding.js';
import { substituteGrafanaVariables } from './promql-parse.js';

/** Grafana's Loki-only `$__auto` range (the step, or the whole range for instant queries), as a same-length duration. */
const AUTO = /\$__auto\b|\$\{__auto\}/g;

export function checkLogql(expr: string, location: Location): Finding[] {
  const text = substituteGrafanaVariables(expr.replace(AUTO, (v) => `${'1'.repeat(v.length - 1)}s`));
  let error: { from: number; to: number } | undefined;
  parser.parse(text).iterate({
    enter: (node) => {
      if (error !== undefined) return false;
      if (node.type.isError) error = { from: node.from, to: Math.max(node.to, node.from + 1) };
      return undefined;
    },
  });
  if (error === undefined) return [];
  const near = error.from >= expr.length ? 'at the end' : `at ${JSON.stringify(expr.slice(error.from, error.from + 12))}`;
  return [finding('logql/syntax', 'error', `LogQL syntax error ${near}`, { ...location, position: { from: error.from, to: Math.min(error.to, expr.length) } },
    'check braces, quotes, pipes and brackets at this position (LogQL, as Grafana\'s Loki editor reads it)')];
}
