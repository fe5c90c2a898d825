/**
 * Inhibit rules against the alerts they name. Alertmanager treats a label missing on both source and target as
 * equal, so an `equal` label that an alert can never carry silently widens the inhibition: an SptDown without
 * `env` would silence every environment. The label model says which labels each alert's expression can output.
 */
import { RE2JS } from 're2js';
import type { Catalogue } from '../engine/catalogue.js';
import type { Rule } from '../engine/mixin.js';
import type { Matcher } from '../engine/promql.js';
import type { InhibitRule } from '../prometheus/alertmanager.js';
import { finding, type Finding } from './finding.js';
import { canCarry, outputLabels } from './promql-labels.js';
import { parsePromql } from './promql-parse.js';

export interface InhibitionCheckOptions {
  /** The file the inhibit rules are written to, for the findings. */
  file: string;
  catalogue?: Catalogue;
}

export function checkInhibitions(alerts: readonly Rule[], inhibitRules: readonly InhibitRule[], options: InhibitionCheckOptions): Finding[] {
  const findings: Finding[] = [];
  const known = alerts.filter((rule) => rule.alert !== undefined).map((rule) => ({ rule, fixed: fixedLabels(rule) }));
  inhibitRules.forEach((inhibit, index) => {
    const where = { file: options.file, path: `/inhibit_rules/${index}` };
    for (const side of ['source', 'target'] as const) {
      const matched = known.filter(({ fixed }) => inhibit[side].every((m) => mayMatch(m, fixed)));
      if (matched.length === 0) {
        findings.push(
          finding('alertmanager/inhibit-unmatched', 'error', `inhibit rule ${index}: no alert matches its ${side} matchers ${describe(inhibit[side])}`, where, 'match alert names and labels the rules set'),
        );
      }
      for (const { rule, fixed } of matched) {
        const labels = outputLabels(parsePromql(rule.expr), options.catalogue);
        if (!labels) continue;
        for (const label of inhibit.equal) {
          if (label in fixed || canCarry(labels, label)) continue;
          findings.push(
            finding(
              'alertmanager/inhibit-equal',
              'error',
              `inhibit rule ${index} requires equal "${label}", but ${side} alert ${rule.alert} cannot carry it (its expression outputs ${[...labels.names].sort().join(', ') || 'no labels'}); Alertmanager counts a label missing on both sides as equal, so the inhibition would cross ${label} values`,
              { ...where, rule: rule.alert },
              `keep "${label}" in ${rule.alert}'s expression (by (..., ${label})), or leave it out of equal`,
            ),
          );
        }
      }
    }
  });
  return findings;
}

/** The labels an alert carries whatever its series: its name and the rule's own labels. */
const fixedLabels = (rule: Rule): Record<string, string> => ({ ...rule.labels, alertname: rule.alert ?? '' });

/** Whether the matcher can match the alert: decided on fixed labels, assumed for labels the series bring. */
function mayMatch(m: Matcher, fixed: Readonly<Record<string, string>>): boolean {
  const value = fixed[m.label];
  if (value === undefined) return true;
  switch (m.op) {
    case '=':
      return value === m.value;
    case '!=':
      return value !== m.value;
    case '=~':
      return RE2JS.matches(`(?:${m.value})`, value);
    case '!~':
      return !RE2JS.matches(`(?:${m.value})`, value);
  }
}

const describe = (matchers: readonly Matcher[]): string => matchers.map((m) => `${m.label}${m.op}${JSON.stringify(m.value)}`).join(', ');
