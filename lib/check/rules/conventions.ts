/**
 * The conventions of a good rule file, beyond what Prometheus requires: CamelCase alert names with the mixin's
 * prefix, a severity, a static summary, a templated description, a runbook, `level:metric:operations` record
 * names, no reference to a recording rule that nothing records, no copied rule. Errors for our own output,
 * warnings for foreign files (`conventionSeverity`), except an invalid record name, which Prometheus refuses.
 */
import { isMetricName } from '../../engine/promql.js';
import type { Location } from '../finding.js';
import { selectorsOf, type ParsedPromql } from '../promql-parse.js';
import { alertConditionFindings } from '../alert-condition.js';
import { at, convention, push, type Context, type GroupRead, type RuleRead } from './context.js';

const SEVERITIES: ReadonlySet<string> = new Set(['critical', 'warning', 'info']);
const ALERT_NAME = /^[A-Z][A-Za-z0-9]*$/;

export function ruleConventions(rule: RuleRead, context: Context): void {
  if (rule.kind === 'record') {
    recordName(rule, context);
    return;
  }
  alertName(rule, context);
  severity(rule, context);
  annotationConventions(rule, context);
  context.findings.push(...alertConditionFindings(rule.expr, rule.location));
}

/**
 * A repeated name is normal: mixins give one alert several severities, and kube-prometheus records
 * `code_verb:apiserver_request_total:increase1h` four times over disjoint selectors. A rule with the same kind,
 * name, labels and expression as another, though, writes the same series twice every evaluation: a copy.
 * Prometheus loads it (promtool's lint only reports it), so it is a convention.
 */
export function duplicateRules(groups: readonly GroupRead[], context: Context): void {
  const seen = new Map<string, RuleRead>();
  for (const rule of groups.flatMap((g) => g.rules)) {
    const key = JSON.stringify([rule.kind, rule.name, sortedEntries(rule.labels), rule.expr.replace(/\s+/g, ' ').trim()]);
    const first = seen.get(key);
    if (first) {
      convention(
        context,
        'rules/duplicate-rule',
        `${rule.kind} ${rule.name} repeats ${first.location.path} with the same labels and expression`,
        rule.location,
        'remove the copy, or tell the rules apart by a label or the expression',
      );
    } else {
      seen.set(key, rule);
    }
  }
}

/** Names with a colon are recording rules by convention; one that no group here defines is likely misspelt. */
export function undefinedRecords(parsed: ParsedPromql, recorded: ReadonlySet<string>, location: Location, context: Context): void {
  const reported = new Set<string>();
  for (const { metric } of selectorsOf(parsed)) {
    if (!metric?.name.includes(':') || recorded.has(metric.name) || reported.has(metric.name)) continue;
    reported.add(metric.name);
    convention(
      context,
      'rules/undefined-record',
      `${metric.name} is not recorded by any rule in this file`,
      { ...location, position: metric.position },
      'fix the name or add the recording rule; if another file records it, check (or lint) both files together',
    );
  }
}

/**
 * Prometheus's `level:metric:operations`. Real files stretch it (`:metric:sum` aggregated to nothing,
 * `level:metric:` with no operation, `level:metric` only, a level with colons of its own), so the convention
 * checked is: a colon, a metric part, and no empty part in between.
 */
function recordName(rule: RuleRead, context: Context): void {
  const location = at(rule.location, 'record');
  if (!isMetricName(rule.name)) {
    push(context, 'error', 'rules/record-name', `${rule.name} is not a valid metric name`, location, 'use [a-zA-Z_:][a-zA-Z0-9_:]*');
    return;
  }
  const parts = rule.name.split(':');
  const hint = 'name recorded series level:metric:operations, e.g. job:http_requests:rate5m';
  if (parts.length < 2) {
    convention(context, 'rules/record-name', `${rule.name} has no colon, so it reads as a scraped metric`, location, hint);
  } else if (parts[1] === '' || parts.slice(1, -1).includes('')) {
    convention(context, 'rules/record-name', `${rule.name} has an empty part between colons`, location, hint);
  }
}

function alertName(rule: RuleRead, context: Context): void {
  const location = at(rule.location, 'alert');
  const prefix = context.options.alertPrefix;
  if (!ALERT_NAME.test(rule.name)) {
    convention(context, 'rules/alert-name', `alert ${rule.name} is not CamelCase`, location, 'start with a capital letter, then letters and digits only');
  }
  if (prefix !== undefined && !rule.name.startsWith(prefix)) {
    convention(context, 'rules/alert-name', `alert ${rule.name} does not start with ${prefix}`, location, `name it ${prefix}${rule.name}`);
  }
}

/** `none` is how kube-prometheus marks alerts that must never page (Watchdog, InfoInhibitor): noted, not refused. */
function severity(rule: RuleRead, context: Context): void {
  const value = rule.labels.severity;
  const location = at(rule.location, 'labels/severity');
  const hint = 'set labels.severity to critical, warning or info';
  if (value === undefined) {
    convention(context, 'rules/severity', `alert ${rule.name} has no severity label`, location, hint);
  } else if (value === 'none') {
    push(context, 'warning', 'rules/severity', `alert ${rule.name} has severity none`, location, hint);
  } else if (!SEVERITIES.has(value)) {
    convention(context, 'rules/severity', `severity ${JSON.stringify(value)} is not critical, warning or info`, location, hint);
  }
}

function annotationConventions(rule: RuleRead, context: Context): void {
  const { summary, description, runbook_url: runbook } = rule.annotations;
  const annotation = (key: string): Location => at(rule.location, `annotations/${key}`);
  const summaryProblem = summaryIssue(summary);
  if (summaryProblem) {
    convention(
      context,
      'rules/summary',
      `alert ${rule.name} has ${summaryProblem}`,
      annotation('summary'),
      'write one static sentence ending with a period; details go in the description',
    );
  }
  if (description === undefined || !description.includes('{{')) {
    convention(
      context,
      'rules/description',
      `alert ${rule.name} has ${description === undefined ? 'no description' : 'a description without templating'}`,
      annotation('description'),
      'describe what fired with {{ $labels.x }} and {{ $value }}',
    );
  }
  if (runbook === undefined || !isWebUrl(runbook)) {
    const what = runbook === undefined ? 'no runbook_url' : `runbook_url ${JSON.stringify(runbook)}, not an absolute http(s) URL`;
    convention(context, 'rules/runbook', `alert ${rule.name} has ${what}`, annotation('runbook_url'), 'link the runbook with an absolute https:// URL');
  }
}

/** Summaries are the static line a pager shows: one sentence, the same for every firing series. */
function summaryIssue(summary: string | undefined): string | undefined {
  if (summary === undefined) return 'no summary';
  if (summary.includes('{{')) return 'a templated summary';
  return summary.trim().endsWith('.') ? undefined : 'a summary that is not a sentence ending with a period';
}

function isWebUrl(text: string): boolean {
  try {
    const url = new URL(text);
    return url.protocol === 'https:' || url.protocol === 'http:';
  } catch {
    return false;
  }
}

function sortedEntries(map: Readonly<Record<string, string>>): [string, string][] {
  return Object.entries(map).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
}
