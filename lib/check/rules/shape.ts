/**
 * The structure of a rule file as Prometheus loads it (rulefmt): groups and rules with their known fields only,
 * either `alert` or `record`, durations in Prometheus's syntax, label and annotation names it accepts. What it
 * refuses is reported as an error; what it accepts passes, including its laxities: Go's YAML decoder takes any
 * scalar where a string is expected (`expr: 1`, a label value `true`) and null as an empty value, and a group may
 * have no rules. Only well-formed rules are returned for the other checks.
 */
import { isLabelName } from '../../engine/promql.js';
import { isDurationSyntax, isPromDuration } from '../../engine/promql-literals.js';
import type { Location } from '../finding.js';
import { at, push, type Context, type GroupRead, type RuleRead } from './context.js';

/**
 * Prometheus loads rule files strictly: an unknown key, usually a typo, fails the whole file.
 * `partial_response_strategy` is Thanos Ruler's, which shares the format.
 */
const GROUP_KEYS: ReadonlySet<string> = new Set(words('name interval query_offset limit labels rules partial_response_strategy'));
const RULE_KEYS: ReadonlySet<string> = new Set(words('record alert expr for keep_firing_for labels annotations'));

export function readGroups(groups: unknown, context: Context): GroupRead[] {
  const { file, groupsPath } = context.options;
  if (groups === null) return [];
  if (!Array.isArray(groups)) {
    shape(context, 'groups is not a list', { file, path: groupsPath }, 'write groups: as a list of { name, rules }');
    return [];
  }
  const read = groups.flatMap((group, g) => readGroup(group, `${groupsPath}/${g}`, context) ?? []);
  duplicateGroups(read, context);
  return read;
}

/** Prometheus refuses a file in which two groups share a name. */
function duplicateGroups(groups: readonly GroupRead[], context: Context): void {
  const seen = new Set<string>();
  for (const group of groups) {
    if (seen.has(group.name)) {
      push(context, 'error', 'rules/duplicate-group', `group ${group.name} is defined twice`, group.location, 'rename or merge one of the groups');
    }
    seen.add(group.name);
  }
}

/** Durations as Prometheus's model.ParseDuration reads them; null, like absence, is Prometheus's default. */
export function checkDuration(value: Record<string, unknown>, key: string, location: Location, context: Context): void {
  const duration = value[key];
  if (duration === undefined || duration === null || isDurationSyntax(scalarText(duration) ?? '')) return;
  push(
    context,
    'error',
    'rules/for',
    `${key} ${JSON.stringify(duration)} is not a Prometheus duration`,
    at(location, key),
    'write units from largest to smallest without spaces: 0, 30s, 5m, 1h30m, 1d',
  );
}

function readGroup(group: unknown, path: string, context: Context): GroupRead | undefined {
  const file = context.options.file;
  if (!isRecord(group)) {
    shape(context, 'a group is not a mapping', { file, path }, 'write each group as { name, rules }');
    return undefined;
  }
  const name = scalarText(group.name);
  const location: Location = { file, ...(name ? { group: name } : {}), path };
  unknownKeys(group, GROUP_KEYS, location, context);
  if (!name) shape(context, 'a group without a name', at(location, 'name'), 'give every group a unique name');
  const rules = group.rules ?? [];
  if (!Array.isArray(rules)) shape(context, 'rules is not a list', at(location, 'rules'), 'write rules: as a list of rules');
  checkDuration(group, 'interval', location, context);
  checkDuration(group, 'query_offset', location, context);
  if (group.labels !== undefined) stringMap(group.labels, 'labels', at(location, 'labels'), context);
  if (group.limit !== undefined && group.limit !== null && !Number.isInteger(group.limit)) {
    shape(context, 'limit is not an integer', at(location, 'limit'), 'write limit: 0 for no limit');
  }
  if (!name || !Array.isArray(rules)) return undefined;
  return { name, location, rules: rules.flatMap((rule, r) => readRule(rule, at(location, `rules/${r}`), context) ?? []) };
}

function readRule(rule: unknown, location: Location, context: Context): RuleRead | undefined {
  if (!isRecord(rule)) {
    shape(context, 'a rule is not a mapping', location, 'write each rule as { alert or record, expr, ... }');
    return undefined;
  }
  const named = ruleKind(rule, location, context);
  const ruleLocation: Location = named ? { ...location, rule: named.name } : location;
  unknownKeys(rule, RULE_KEYS, ruleLocation, context);
  const labels = stringMap(rule.labels, 'labels', at(ruleLocation, 'labels'), context);
  const annotations = stringMap(rule.annotations, 'annotations', at(ruleLocation, 'annotations'), context);
  const expr = exprField(rule, ruleLocation, context);
  checkDuration(rule, 'for', ruleLocation, context);
  checkDuration(rule, 'keep_firing_for', ruleLocation, context);
  if (named?.kind === 'record') recordOnlyFields(rule, annotations, ruleLocation, context);
  if (!named || expr === undefined || !labels || !annotations) return undefined;
  return { ...named, expr, labels, annotations, location: ruleLocation, fields: rule };
}

/** Prometheus tells the kinds apart by which of `alert` and `record` is non-empty. */
function ruleKind(rule: Record<string, unknown>, location: Location, context: Context): Pick<RuleRead, 'kind' | 'name'> | undefined {
  const alert = scalarText(rule.alert);
  const record = scalarText(rule.record);
  for (const kind of ['alert', 'record'] as const) {
    if (rule[kind] !== undefined && scalarText(rule[kind]) === undefined) {
      shape(context, `${kind} is not a string`, at(location, kind), `name the rule in ${kind}:`);
      return undefined;
    }
  }
  if (!alert === !record) {
    shape(
      context,
      alert ? 'a rule with both alert and record' : 'a rule with neither alert nor record',
      location,
      'a rule is either an alert or a recording rule: set exactly one of alert and record',
    );
    return undefined;
  }
  return alert ? { kind: 'alert', name: alert } : { kind: 'record', name: record! };
}

function exprField(rule: Record<string, unknown>, location: Location, context: Context): string | undefined {
  const expr = scalarText(rule.expr);
  if (expr !== undefined && expr.trim() !== '') return expr;
  const what = rule.expr === undefined ? 'a rule without expr' : expr === undefined ? 'expr is not a string' : 'an empty expr';
  shape(context, what, at(location, 'expr'), 'write the PromQL expression as a string in expr:');
  return undefined;
}

/** Prometheus refuses annotations and a non-zero `for` or `keep_firing_for` on a recording rule; empty ones pass. */
function recordOnlyFields(
  rule: Record<string, unknown>,
  annotations: Readonly<Record<string, string>> | undefined,
  location: Location,
  context: Context,
): void {
  const present = [
    ...(annotations && Object.keys(annotations).length > 0 ? ['annotations'] : []),
    ...(['for', 'keep_firing_for'] as const).filter((key) => isPromDuration(scalarText(rule[key]) ?? '')),
  ];
  for (const key of present) {
    shape(context, `${key} in a recording rule`, at(location, key), `${key} only applies to alerts; remove it`);
  }
}

function unknownKeys(value: Record<string, unknown>, known: ReadonlySet<string>, location: Location, context: Context): void {
  for (const key of Object.keys(value).filter((k) => !known.has(k))) {
    shape(context, `unknown field ${key}`, at(location, key), `known fields: ${[...known].join(', ')}`);
  }
}

/**
 * Labels and annotations: names by label-name rules (a label may not be `__name__`, the metric name), values
 * any scalar. Absent or null is an empty map.
 */
function stringMap(value: unknown, what: 'labels' | 'annotations', location: Location, context: Context): Record<string, string> | undefined {
  if (value === undefined || value === null) return {};
  if (!isRecord(value)) {
    shape(context, `${what} is not a mapping`, location, `write ${what} as name: "value" pairs`);
    return undefined;
  }
  const map: Record<string, string> = {};
  let valid = true;
  for (const [key, entry] of Object.entries(value)) {
    const text = scalarText(entry);
    if (text === undefined) {
      shape(context, `${what} ${key} is not a string`, at(location, key), 'quote the value');
      valid = false;
    } else {
      map[key] = text;
    }
    if (!isLabelName(key) || (what === 'labels' && key === '__name__')) {
      shape(context, `${what} name ${JSON.stringify(key)} is not a valid label name`, at(location, key), 'use [a-zA-Z_][a-zA-Z0-9_]*, not __name__');
    }
  }
  return valid ? map : undefined;
}

/** Go's YAML decoder puts a scalar's text into a string field and leaves it empty for null; undefined: not a scalar. */
function scalarText(value: unknown): string | undefined {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return value === null ? '' : undefined;
}

function shape(context: Context, message: string, location: Location, hint: string): void {
  push(context, 'error', 'rules/shape', message, location, hint);
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function words(list: string): string[] {
  return list.trim().split(/\s+/);
}
