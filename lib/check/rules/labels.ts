/**
 * What an alert's series carry, from the label model: every environment label the config names must survive the
 * expression (or the alert mixes environments), and a template's `$labels.x` must name a label the expression can
 * output (or it prints nothing when the alert fires).
 */
import { canCarry, outputLabels, type OutputLabels } from '../promql-labels.js';
import type { ParsedPromql } from '../promql-parse.js';
import { at, convention, push, type Context, type RuleRead } from './context.js';

/** `$labels.name` and `index $labels "name"`, the two ways a template reads a series label. */
const LABEL_READ = /\$labels\.([a-zA-Z_]\w*)|index\s+\$labels\s+"([a-zA-Z_]\w*)"/g;

export function alertLabels(rule: RuleRead, parsed: ParsedPromql, context: Context): void {
  if (rule.kind !== 'alert') return;
  const labels = outputLabels(parsed, context.options.catalogue);
  if (!labels || labels.open) return;
  for (const label of context.options.environmentLabels ?? []) {
    if (canCarry(labels, label) || label in rule.labels) continue;
    push(
      context,
      'error',
      'rules/environment-label',
      `alert ${rule.name} drops the environment label "${label}": its expression outputs ${describe(labels)}, so one alert would cover every environment`,
      at(rule.location, 'expr'),
      `keep "${label}" in every aggregation (sum by (${label}) ...) and every on (...) matching of the expression`,
    );
  }
  for (const kind of ['annotations', 'labels'] as const) {
    for (const [key, value] of Object.entries(rule[kind])) {
      const missing = [...new Set([...value.matchAll(LABEL_READ)].map((m) => (m[1] ?? m[2])!))].filter((label) => !canCarry(labels, label));
      for (const label of missing) {
        convention(
          context,
          'rules/template-label',
          `${kind}.${key} reads $labels.${label}, but the expression outputs ${describe(labels)}; it would print nothing when ${rule.name} fires`,
          at(rule.location, `${kind}/${key}`),
          `keep "${label}" in the expression (by (..., ${label}) or on (..., ${label})), or read a label it outputs`,
        );
      }
    }
  }
}

const describe = (labels: OutputLabels): string =>
  labels.names.size === 0 ? 'no labels' : `only ${[...labels.names].sort().join(', ')}`;
