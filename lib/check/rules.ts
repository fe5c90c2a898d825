/**
 * Lints a Prometheus rule file's groups, ours or anyone's: what Prometheus would refuse to load (shape, names,
 * durations, templates, expression types) is an error; the conventions of a good alert (severity, summary,
 * description, runbook, naming) are errors for our output and warnings for foreign files.
 */
import { isLabelName, isMetricName } from '../engine/promql.js';
import { finding, type Finding, type Location, type RuleId, type Severity } from './finding.js';
import { checkExpr } from './promql.js';
import type { Catalogue } from '../engine/catalogue.js';
import { parsePromql, selectorsOf, type ParsedPromql } from './promql-parse.js';
import { exprType } from './promql-types.js';
import { templateProblem } from './go-template.js';
import { alertConditionFindings } from './alert-condition.js';
import { isDurationSyntax } from '../engine/promql.js';

export interface RuleCheckOptions {
  file: string;
  /** Alert names must start with it, e.g. `Spt`; undefined for foreign files. */
  alertPrefix?: string;
  /** Where the groups sit, for paths: `/spec/groups` in a PrometheusRule, `/groups` in a plain rule file. */
  groupsPath: string;
  /** Conventions (summary, description, runbook, severity, naming) are errors for our own output, warnings for foreign files. */
  conventionSeverity: Severity;
  /** Also run the PromQL syntax, type and (given a catalogue) catalogue checks on every expression. */
  checkExpressions?: boolean;
  /** The metrics and labels the expressions may use; without it the catalogue checks are skipped. */
  catalogue?: Catalogue;
  /** Recording rules loaded alongside from other files, e.g. our recording rules when linting our alerts. */
  recordedElsewhere?: Iterable<string>;
}

interface Context {
  readonly options: RuleCheckOptions;
  readonly findings: Finding[];
}

interface GroupRead {
  readonly name: string;
  readonly location: Location;
  readonly rules: RuleRead[];
}

interface RuleRead {
  readonly kind: 'alert' | 'record';
  readonly name: string;
  readonly expr: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly annotations: Readonly<Record<string, string>>;
  readonly location: Location;
  readonly fields: Readonly<Record<string, unknown>>;
}

/**
 * Prometheus loads rule files strictly: an unknown key, usually a typo, fails the whole file.
 * `partial_response_strategy` is Thanos Ruler's, which shares the format.
 */
const GROUP_KEYS: ReadonlySet<string> = new Set(words('name interval query_offset limit labels rules partial_response_strategy'));
const RULE_KEYS: ReadonlySet<string> = new Set(words('record alert expr for keep_firing_for labels annotations'));
const ALERT_ONLY_KEYS = ['for', 'keep_firing_for', 'annotations'] as const;
const SEVERITIES: ReadonlySet<string> = new Set(['critical', 'warning', 'info']);
const ALERT_NAME = /^[A-Z][A-Za-z0-9]*$/;

/** Never throws: whatever the input, the answer is a list of findings. */
export function checkRuleFile(groups: unknown, options: RuleCheckOptions): Finding[] {
  const context: Context = { options, findings: [] };
  try {
    const read = readGroups(groups, context);
    const recorded = new Set(options.recordedElsewhere);
    for (const rule of read.flatMap((g) => g.rules)) if (rule.kind === 'record') recorded.add(rule.name);
    duplicateGroups(read, context);
    duplicateRules(read, context);
    for (const rule of read.flatMap((g) => g.rules)) checkRule(rule, recorded, context);
  } catch (error) {
    // Every input seen so far is handled; this keeps a checker bug from aborting a build.
    push(
      context,
      'error',
      'rules/internal',
      `the rule checker failed: ${String(error)}`,
      { file: options.file },
      'report this rule file',
    );
  }
  return context.findings;
}

function push(context: Context, severity: Severity, rule: RuleId, message: string, location: Location, hint: string): void {
  context.findings.push(finding(rule, severity, message, location, hint));
}

function convention(context: Context, rule: RuleId, message: string, location: Location, hint: string): void {
  push(context, context.options.conventionSeverity, rule, message, location, hint);
}

function shape(context: Context, message: string, location: Location, hint: string): void {
  push(context, 'error', 'rules/shape', message, location, hint);
}

function words(list: string): string[] {
  return list.trim().split(/\s+/);
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

// ---------------------------------------------------------------------------------------------------------
// Shape: read what Prometheus would load, report what it would refuse, keep only well-formed rules.

function readGroups(groups: unknown, context: Context): GroupRead[] {
  const { file, groupsPath } = context.options;
  if (!Array.isArray(groups)) {
    shape(context, 'groups is not a list', { file, path: groupsPath }, 'write groups: as a list of { name, rules }');
    return [];
  }
  return groups.flatMap((group, g) => readGroup(group, `${groupsPath}/${g}`, context) ?? []);
}

function readGroup(group: unknown, path: string, context: Context): GroupRead | undefined {
  const file = context.options.file;
  if (!isRecord(group)) {
    shape(context, 'a group is not a mapping', { file, path }, 'write each group as { name, rules }');
    return undefined;
  }
  const name = typeof group.name === 'string' && group.name !== '' ? group.name : undefined;
  const location: Location = { file, ...(name ? { group: name } : {}), path };
  unknownKeys(group, GROUP_KEYS, location, context);
  if (!name) shape(context, 'a group without a name', { ...location, path: `${path}/name` }, 'give every group a unique name');
  if (!Array.isArray(group.rules)) {
    shape(context, 'a group without a rules list', { ...location, path: `${path}/rules` }, 'add rules: as a list of rules');
  }
  durationField(group, 'interval', location, context);
  durationField(group, 'query_offset', location, context);
  if (group.labels !== undefined) stringMap(group.labels, 'labels', { ...location, path: `${path}/labels` }, context);
  if (group.limit !== undefined && !(Number.isInteger(group.limit) && (group.limit as number) >= 0)) {
    shape(context, 'limit is not a non-negative integer', { ...location, path: `${path}/limit` }, 'write limit: 0 for no limit');
  }
  if (!name || !Array.isArray(group.rules)) return undefined;
  const rules = group.rules.flatMap((rule, r) => readRule(rule, { ...location, path: `${path}/rules/${r}` }, context) ?? []);
  return { name, location, rules };
}

function readRule(rule: unknown, at: Location, context: Context): RuleRead | undefined {
  if (!isRecord(rule)) {
    shape(context, 'a rule is not a mapping', at, 'write each rule as { alert or record, expr, ... }');
    return undefined;
  }
  const kind = ruleKind(rule, at, context);
  const name = kind ? rule[kind] : undefined;
  const location: Location = typeof name === 'string' && name !== '' ? { ...at, rule: name } : at;
  unknownKeys(rule, RULE_KEYS, location, context);
  const labels =
    rule.labels === undefined ? {} : stringMap(rule.labels, 'labels', { ...location, path: `${at.path}/labels` }, context);
  const annotations =
    rule.annotations === undefined
      ? {}
      : stringMap(rule.annotations, 'annotations', { ...location, path: `${at.path}/annotations` }, context);
  const expr = exprField(rule, location, context);
  if (kind === 'record') recordOnlyFields(rule, location, context);
  if (!kind || typeof name !== 'string' || name === '' || expr === undefined || !labels || !annotations) return undefined;
  return { kind, name, expr, labels, annotations, location, fields: rule };
}

function ruleKind(rule: Record<string, unknown>, at: Location, context: Context): 'alert' | 'record' | undefined {
  const hasAlert = rule.alert !== undefined;
  const hasRecord = rule.record !== undefined;
  if (hasAlert === hasRecord) {
    shape(
      context,
      hasAlert ? 'a rule with both alert and record' : 'a rule with neither alert nor record',
      at,
      'a rule is either an alert or a recording rule',
    );
    return undefined;
  }
  const kind = hasAlert ? 'alert' : 'record';
  if (typeof rule[kind] !== 'string' || rule[kind] === '') {
    shape(context, `${kind} is not a non-empty string`, { ...at, path: `${at.path}/${kind}` }, `name the rule in ${kind}:`);
  }
  return kind;
}

function exprField(rule: Record<string, unknown>, location: Location, context: Context): string | undefined {
  if (typeof rule.expr === 'string' && rule.expr.trim() !== '') return rule.expr;
  const what =
    rule.expr === undefined ? 'a rule without expr' : typeof rule.expr === 'string' ? 'an empty expr' : 'expr is not a string';
  shape(context, what, { ...location, path: `${location.path}/expr` }, 'write the PromQL expression as a string in expr:');
  return undefined;
}

function recordOnlyFields(rule: Record<string, unknown>, location: Location, context: Context): void {
  for (const key of ALERT_ONLY_KEYS) {
    if (rule[key] !== undefined) {
      shape(
        context,
        `${key} in a recording rule`,
        { ...location, path: `${location.path}/${key}` },
        `${key} only applies to alerts; remove it`,
      );
    }
  }
}

function unknownKeys(value: Record<string, unknown>, known: ReadonlySet<string>, location: Location, context: Context): void {
  for (const key of Object.keys(value).filter((k) => !known.has(k))) {
    shape(
      context,
      `unknown field ${key}`,
      { ...location, path: `${location.path}/${key}` },
      `known fields: ${[...known].join(', ')}`,
    );
  }
}

/** Label and annotation names follow label-name rules; `__name__` is the metric name and not settable here. */
function stringMap(value: unknown, what: string, location: Location, context: Context): Record<string, string> | undefined {
  if (!isRecord(value)) {
    shape(context, `${what} is not a mapping`, location, `write ${what} as name: "value" pairs`);
    return undefined;
  }
  let valid = true;
  for (const [key, entry] of Object.entries(value)) {
    const at = { ...location, path: `${location.path}/${key}` };
    if (typeof entry !== 'string') {
      shape(context, `${what} ${key} is not a string`, at, 'quote the value');
      valid = false;
    }
    if (!isLabelName(key) || (what !== 'annotations' && key === '__name__')) {
      shape(
        context,
        `${what} name ${JSON.stringify(key)} is not a valid label name`,
        at,
        'use [a-zA-Z_][a-zA-Z0-9_]*, not __name__',
      );
    }
  }
  return valid ? (value as Record<string, string>) : undefined;
}

function durationField(value: Record<string, unknown>, key: string, location: Location, context: Context): void {
  const duration = value[key];
  if (duration === undefined || (typeof duration === 'string' && isDurationSyntax(duration))) return;
  push(
    context,
    'error',
    'rules/for',
    `${key} ${JSON.stringify(duration)} is not a Prometheus duration`,
    { ...location, path: `${location.path}/${key}` },
    'write units from largest to smallest without spaces: 0, 30s, 5m, 1h30m, 1d',
  );
}


// ---------------------------------------------------------------------------------------------------------
// Duplicates.

/** Prometheus refuses a file in which two groups share a name. */
function duplicateGroups(groups: readonly GroupRead[], context: Context): void {
  const seen = new Set<string>();
  for (const group of groups) {
    if (seen.has(group.name)) {
      push(
        context,
        'error',
        'rules/duplicate-group',
        `group ${group.name} is defined twice`,
        group.location,
        'rename or merge one of the groups',
      );
    }
    seen.add(group.name);
  }
}

/**
 * A repeated name is normal: mixins give one alert several severities, and kube-prometheus records
 * `code_verb:apiserver_request_total:increase1h` four times over disjoint selectors. A rule with the same kind,
 * name, labels and expression as another, though, writes the same series twice every evaluation: a copy.
 */
function duplicateRules(groups: readonly GroupRead[], context: Context): void {
  const seen = new Map<string, RuleRead>();
  for (const rule of groups.flatMap((g) => g.rules)) {
    const key = JSON.stringify([rule.kind, rule.name, sortedEntries(rule.labels), rule.expr.replace(/\s+/g, ' ').trim()]);
    const first = seen.get(key);
    if (first) {
      push(
        context,
        'error',
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

function sortedEntries(map: Readonly<Record<string, string>>): [string, string][] {
  return Object.entries(map).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
}

// ---------------------------------------------------------------------------------------------------------
// One rule.

function checkRule(rule: RuleRead, recorded: ReadonlySet<string>, context: Context): void {
  if (rule.kind === 'record') {
    recordName(rule, context);
  } else {
    alertName(rule, context);
    durationField(rule.fields, 'for', rule.location, context);
    durationField(rule.fields, 'keep_firing_for', rule.location, context);
    severity(rule, context);
    annotationConventions(rule, context);
    context.findings.push(...alertConditionFindings(rule.expr, rule.location));
    // Recording rules' labels are copied verbatim; only alerts expand templates.
    templates(rule, context);
  }
  expression(rule, recorded, context);
}

/**
 * Prometheus's `level:metric:operations`. Real files stretch it (`:metric:sum` aggregated to nothing,
 * `level:metric:` with no operation, `level:metric` only, a level with colons of its own), so the convention
 * checked is: a colon, a metric part, and no empty part in between.
 */
function recordName(rule: RuleRead, context: Context): void {
  const location = { ...rule.location, path: `${rule.location.path}/record` };
  if (!isMetricName(rule.name)) {
    push(
      context,
      'error',
      'rules/record-name',
      `${rule.name} is not a valid metric name`,
      location,
      'use [a-zA-Z_:][a-zA-Z0-9_:]*',
    );
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
  const location = { ...rule.location, path: `${rule.location.path}/alert` };
  const prefix = context.options.alertPrefix;
  if (!ALERT_NAME.test(rule.name)) {
    convention(
      context,
      'rules/alert-name',
      `alert ${rule.name} is not CamelCase`,
      location,
      'start with a capital letter, then letters and digits only',
    );
  }
  if (prefix !== undefined && !rule.name.startsWith(prefix)) {
    convention(
      context,
      'rules/alert-name',
      `alert ${rule.name} does not start with ${prefix}`,
      location,
      `name it ${prefix}${rule.name}`,
    );
  }
}

/** `none` is how kube-prometheus marks alerts that must never page (Watchdog, InfoInhibitor): noted, not refused. */
function severity(rule: RuleRead, context: Context): void {
  const value = rule.labels.severity;
  const location = { ...rule.location, path: `${rule.location.path}/labels/severity` };
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
  const at = (key: string): Location => ({ ...rule.location, path: `${rule.location.path}/annotations/${key}` });
  const summaryProblem = summaryIssue(summary);
  if (summaryProblem) {
    convention(
      context,
      'rules/summary',
      `alert ${rule.name} has ${summaryProblem}`,
      at('summary'),
      'write one static sentence ending with a period; details go in the description',
    );
  }
  if (description === undefined || !description.includes('{{')) {
    convention(
      context,
      'rules/description',
      `alert ${rule.name} has ${description === undefined ? 'no description' : 'a description without templating'}`,
      at('description'),
      'describe what fired with {{ $labels.x }} and {{ $value }}',
    );
  }
  if (runbook === undefined || !isWebUrl(runbook)) {
    const what = runbook === undefined ? 'no runbook_url' : `runbook_url ${JSON.stringify(runbook)}, not an absolute http(s) URL`;
    convention(
      context,
      'rules/runbook',
      `alert ${rule.name} has ${what}`,
      at('runbook_url'),
      'link the runbook with an absolute https:// URL',
    );
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

function templates(rule: RuleRead, context: Context): void {
  for (const kind of ['labels', 'annotations'] as const) {
    for (const [key, value] of Object.entries(rule[kind])) {
      const problem = templateProblem(value);
      if (!problem) continue;
      push(
        context,
        'error',
        'rules/template',
        `${kind}.${key}: ${problem.message}`,
        { ...rule.location, path: `${rule.location.path}/${kind}/${key}`, position: { from: problem.from, to: problem.to } },
        'Prometheus expands this as a Go text/template: balance {{ }}, close every if/range/with with {{ end }}, use Prometheus template functions',
      );
    }
  }
}

function expression(rule: RuleRead, recorded: ReadonlySet<string>, context: Context): void {
  const location = { ...rule.location, path: `${rule.location.path}/expr` };
  if (context.options.checkExpressions) context.findings.push(...checkExpr(rule.expr, location, context.options.catalogue));
  const parsed = parsePromql(rule.expr);
  if (parsed.syntaxErrors.length > 0) return;
  const variable = parsed.variables[0];
  if (variable) {
    push(
      context,
      'error',
      'rules/expr',
      `${variable.text} in a rule expression`,
      { ...location, position: { from: variable.from, to: variable.to } },
      'Prometheus does not substitute Grafana variables; write the value itself',
    );
    return;
  }
  resultType(parsed, location, context);
  undefinedRecords(parsed, recorded, location, context);
}

/** Prometheus evaluates a rule to a vector (a scalar becomes one); anything else fails at every evaluation. */
function resultType(parsed: ParsedPromql, location: Location, context: Context): void {
  const type = exprType(parsed);
  if (type !== 'matrix' && type !== 'string') return;
  push(
    context,
    'error',
    'promql/result-type',
    `the expression yields a ${type === 'matrix' ? 'range vector' : 'string'}`,
    location,
    type === 'matrix'
      ? 'reduce the range with rate(...), increase(...) or *_over_time(...)'
      : 'a rule must yield an instant vector or a scalar',
  );
}

/** Names with a colon are recording rules by convention; one that no group here defines is likely misspelt. */
function undefinedRecords(parsed: ParsedPromql, recorded: ReadonlySet<string>, location: Location, context: Context): void {
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
