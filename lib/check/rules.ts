/**
 * Lints a Prometheus rule file's groups, ours or anyone's: what Prometheus would refuse to load (shape, names,
 * durations, templates, expression types) is an error; the conventions of a good alert (severity, summary,
 * description, runbook, naming) are errors for our output and warnings for foreign files.
 */
import { isLabelName, isMetricName } from '../engine/promql.js';
import type { Finding, Location, Severity } from './finding.js';
import { checkExpr } from './promql.js';
import { parsePromql, selectorsOf, type ParsedPromql } from './promql-parse.js';
import { exprType } from './promql-types.js';

export interface RuleCheckOptions {
  file: string;
  /** Alert names must start with it, e.g. `Spt`; undefined for foreign files. */
  alertPrefix?: string;
  /** Where the groups sit, for paths: `/spec/groups` in a PrometheusRule, `/groups` in a plain rule file. */
  groupsPath: string;
  /** Conventions (summary, description, runbook, severity, naming) are errors for our own output, warnings for foreign files. */
  conventionSeverity: Severity;
  /**
   * Also run the PromQL syntax and type checks on every expression. The mixin check runs them itself, with its
   * catalogue, so it leaves this off to keep one finding per problem; foreign lint turns it on.
   */
  checkExpressions?: boolean;
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
/** Prometheus's model.ParseDuration: units from largest to smallest, each at most once, no spaces or fractions. */
const DURATION = /^(?:\d+y)?(?:\d+w)?(?:\d+d)?(?:\d+h)?(?:\d+m)?(?:\d+s)?(?:\d+ms)?$/;
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

function push(context: Context, severity: Severity, rule: string, message: string, location: Location, hint: string): void {
  context.findings.push({ severity, rule, message, location, hint });
}

function convention(context: Context, rule: string, message: string, location: Location, hint: string): void {
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
  if (duration === undefined || (typeof duration === 'string' && isDuration(duration))) return;
  push(
    context,
    'error',
    'rules/for',
    `${key} ${JSON.stringify(duration)} is not a Prometheus duration`,
    { ...location, path: `${location.path}/${key}` },
    'write units from largest to smallest without spaces: 0, 30s, 5m, 1h30m, 1d',
  );
}

function isDuration(text: string): boolean {
  return text === '0' || (text !== '' && DURATION.test(text));
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
  if (context.options.checkExpressions) context.findings.push(...checkExpr(rule.expr, location));
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
      'fix the name or add the recording rule; if another file records it, pass its names in recordedElsewhere',
    );
  }
}

// ---------------------------------------------------------------------------------------------------------
// Go text/template, as Prometheus parses alert labels and annotations: enough of the grammar to catch what
// fails to parse there (unbalanced delimiters, unknown functions, unclosed blocks, bad literals, undefined
// variables). Only the first problem is reported, as Go's parser does.

interface TemplateProblem {
  readonly message: string;
  readonly from: number;
  readonly to: number;
}

type TokenKind = 'identifier' | 'keyword' | 'field' | 'variable' | 'literal' | 'dot' | '(' | ')' | '|' | ',' | ':=' | '=';

interface Token {
  readonly kind: TokenKind;
  readonly text: string;
  readonly from: number;
  readonly to: number;
}

/** Prometheus's own template functions (template/template.go), older and newer versions together. */
const PROMETHEUS_FUNCTIONS = `query first label value strvalue sortByLabel args reReplaceAll safeHtml match title toUpper
  toLower graphLink tableLink stripPort stripDomain humanize humanize1024 humanizeDuration humanizePercentage
  humanizeTimestamp toTime toDuration now pathPrefix externalURL parseDuration`;
/** Go's text/template builtins. */
const GO_FUNCTIONS = 'and or not len index slice print printf println html js urlquery call eq ne lt le gt ge';
const TEMPLATE_FUNCTIONS: ReadonlySet<string> = new Set(words(`${PROMETHEUS_FUNCTIONS} ${GO_FUNCTIONS}`));
const KEYWORDS: ReadonlySet<string> = new Set(words('if else end range with define template block break continue'));
const LITERAL_WORDS: ReadonlySet<string> = new Set(['true', 'false', 'nil']);
/** Prometheus prefixes every alert template with these definitions; `$` is the data itself. */
const PREDEFINED_VARIABLES = ['$', '$labels', '$value', '$externalLabels', '$externalURL'];

/** The first problem Go's template parser would have with the text, or undefined when it parses. */
function templateProblem(text: string): TemplateProblem | undefined {
  const parser = new TemplateParser(text);
  try {
    parser.parse();
    return undefined;
  } catch (error) {
    if (error instanceof TemplateError) return error.problem;
    throw error;
  }
}

class TemplateError extends Error {
  constructor(readonly problem: TemplateProblem) {
    super(problem.message);
  }
}

function fail(message: string, from: number, to: number): never {
  throw new TemplateError({ message, from, to: Math.max(from, to) });
}

interface Block {
  readonly keyword: string;
  readonly open: Token;
  elseSeen: boolean;
  readonly variables: Set<string>;
}

/** Each action is lexed and parsed on its own; blocks and variable scopes span actions. */
class TemplateParser {
  private readonly blocks: Block[] = [];
  private readonly topVariables = new Set(PREDEFINED_VARIABLES);

  constructor(private readonly text: string) {}

  parse(): void {
    let at = 0;
    for (let open = this.text.indexOf('{{', at); open !== -1; open = this.text.indexOf('{{', at)) {
      at = this.action(open);
    }
    const unclosed = this.blocks.at(-1);
    if (unclosed) fail(`{{ ${unclosed.keyword} }} is never closed by {{ end }}`, unclosed.open.from, unclosed.open.to);
  }

  /** Handles the action opening at `open`; returns the index just past it. */
  private action(open: number): number {
    let start = open + 2;
    if (this.text[start] === '-' && isSpace(this.text[start + 1])) start += 2;
    const comment = this.comment(open, start);
    if (comment !== undefined) return comment;
    const { tokens, end } = lexAction(this.text, start, open);
    if (tokens.length === 0) fail('empty action {{ }}', open, end);
    this.statement(tokens, open, end);
    return end;
  }

  private comment(open: number, start: number): number | undefined {
    // Go takes a comment only right after the delimiter and its trim marker: `{{ /* x */ }}` is a parse error.
    if (!this.text.startsWith('/*', start)) return undefined;
    const close = this.text.indexOf('*/', start + 2);
    if (close === -1) fail('unclosed comment', open, this.text.length);
    let after = close + 2;
    if (isSpace(this.text[after]) && this.text[after + 1] === '-') after += 2;
    if (!this.text.startsWith('}}', after)) fail('comment ends before the closing }}', open, after);
    return after + 2;
  }

  private statement(tokens: readonly Token[], open: number, end: number): void {
    const first = tokens[0] as Token;
    if (first.kind !== 'keyword') {
      this.pipeline(new Cursor(tokens, end), false);
      return;
    }
    const rest = new Cursor(tokens.slice(1), end);
    switch (first.text) {
      case 'if':
      case 'with':
      case 'range':
        this.openBlock(first, rest);
        return;
      case 'else':
        this.elseBranch(first, rest);
        return;
      case 'end':
        this.closeBlock(first, rest);
        return;
      case 'define':
      case 'block':
        this.definition(first, rest);
        return;
      case 'template':
        this.templateCall(first, rest);
        return;
      default:
        this.loopControl(first, rest, open);
    }
  }

  private openBlock(keyword: Token, rest: Cursor): void {
    const block: Block = { keyword: keyword.text, open: keyword, elseSeen: false, variables: new Set() };
    this.blocks.push(block);
    this.pipeline(rest, keyword.text === 'range', `missing value for ${keyword.text}`);
  }

  /** `else`, or `else if` / `else with` chaining, which share the block's single `end`. */
  private elseBranch(keyword: Token, rest: Cursor): void {
    const block = this.blocks.at(-1);
    if (!block || !['if', 'with', 'range'].includes(block.keyword)) {
      fail('{{ else }} outside if, with or range', keyword.from, keyword.to);
    }
    if (block.elseSeen) fail(`a second {{ else }} in one ${block.keyword}`, keyword.from, keyword.to);
    const chained = rest.peek();
    if (chained?.kind === 'keyword' && (chained.text === 'if' || chained.text === 'with') && block.keyword === chained.text) {
      rest.next();
      this.pipeline(rest, false, `missing value for else ${chained.text}`);
      return;
    }
    block.elseSeen = true;
    rest.expectEnd('else');
  }

  private closeBlock(keyword: Token, rest: Cursor): void {
    if (!this.blocks.pop()) fail('{{ end }} without an open if, range, with, define or block', keyword.from, keyword.to);
    rest.expectEnd('end');
  }

  /** `define` and `block` name a template; `block` also runs it with a pipeline. Either starts a fresh scope. */
  private definition(keyword: Token, rest: Cursor): void {
    if (keyword.text === 'define' && this.blocks.length > 0) fail('{{ define }} inside another block', keyword.from, keyword.to);
    templateName(keyword, rest);
    const block: Block = { keyword: keyword.text, open: keyword, elseSeen: false, variables: new Set() };
    if (keyword.text === 'block') {
      this.pipeline(rest, false, 'missing value for block');
      this.blocks.push(block);
    } else {
      this.blocks.push(block);
      rest.expectEnd('define');
    }
  }

  private templateCall(keyword: Token, rest: Cursor): void {
    templateName(keyword, rest);
    if (rest.peek()) this.pipeline(rest, false);
  }

  private loopControl(keyword: Token, rest: Cursor, open: number): void {
    if (keyword.text !== 'break' && keyword.text !== 'continue') fail(`unexpected ${keyword.text}`, keyword.from, keyword.to);
    if (!this.blocks.some((b) => b.keyword === 'range')) fail(`{{ ${keyword.text} }} outside {{ range }}`, open, keyword.to);
    rest.expectEnd(keyword.text);
  }

  /** `[$x :=] command | command ...`; `range` alone may declare two variables. */
  private pipeline(cursor: Cursor, inRange: boolean, missing = 'missing value for command'): void {
    this.declaration(cursor, inRange);
    const start = cursor.peek();
    if (!start || start.kind === ')') fail(missing, start?.from ?? cursor.end, start?.to ?? cursor.end);
    for (let stage = 1; ; stage++) {
      const command = cursor.peek();
      if (!command || command.kind === '|' || command.kind === ')') {
        fail('missing command in pipeline', command?.from ?? cursor.end, command?.to ?? cursor.end);
      }
      if (stage > 1 && (command.kind === 'literal' || command.kind === 'dot')) {
        fail(`${command.text} cannot take the piped value (pipeline stage ${stage})`, command.from, command.to);
      }
      this.command(cursor);
      if (cursor.peek()?.kind !== '|') return;
      cursor.next();
    }
  }

  private declaration(cursor: Cursor, inRange: boolean): void {
    const names = cursor.declaredVariables(inRange);
    if (!names) return;
    const assign = cursor.next() as Token;
    for (const name of names) {
      if (assign.kind === '=' && !this.isDefined(name.text)) fail(`undefined variable ${name.text}`, name.from, name.to);
      if (assign.kind === ':=') this.scope().add(rootVariable(name.text));
    }
  }

  private command(cursor: Cursor): void {
    for (let token = cursor.peek(); token && token.kind !== '|' && token.kind !== ')'; token = cursor.peek()) {
      this.operand(cursor);
    }
    const stray = cursor.peek();
    if (stray?.kind === ')' && cursor.depth === 0) fail('unexpected ) in action', stray.from, stray.to);
  }

  private operand(cursor: Cursor): void {
    const token = cursor.next() as Token;
    switch (token.kind) {
      case 'identifier':
        if (!TEMPLATE_FUNCTIONS.has(token.text)) fail(`function "${token.text}" not defined`, token.from, token.to);
        return;
      case 'variable':
        if (!this.isDefined(token.text)) fail(`undefined variable ${rootVariable(token.text)}`, token.from, token.to);
        return;
      case '(':
        this.parenthesized(cursor, token);
        return;
      case 'field':
      case 'literal':
      case 'dot':
        return;
      default:
        fail(`unexpected ${token.text} in operand`, token.from, token.to);
    }
  }

  private parenthesized(cursor: Cursor, open: Token): void {
    cursor.depth++;
    this.pipeline(cursor, false);
    const close = cursor.next();
    if (close?.kind !== ')') fail('unclosed left parenthesis', open.from, open.to);
    cursor.depth--;
  }

  private scope(): Set<string> {
    return this.blocks.at(-1)?.variables ?? this.topVariables;
  }

  /** Variables declared in enclosing blocks are visible; a define or block sees only `$`. */
  private isDefined(variable: string): boolean {
    const name = rootVariable(variable);
    for (let i = this.blocks.length - 1; i >= 0; i--) {
      const block = this.blocks[i] as Block;
      if (block.variables.has(name)) return true;
      if (block.keyword === 'define' || block.keyword === 'block') return name === '$';
    }
    return this.topVariables.has(name);
  }
}

function templateName(keyword: Token, rest: Cursor): void {
  const name = rest.next();
  if (name?.kind !== 'literal' || !/^["`]/.test(name.text)) {
    fail(`{{ ${keyword.text} }} needs a quoted template name`, keyword.from, name?.to ?? keyword.to);
  }
}

/** `$labels.instance` reads the variable `$labels`. */
function rootVariable(text: string): string {
  return text.split('.')[0] ?? text;
}

class Cursor {
  private index = 0;
  depth = 0;

  constructor(
    private readonly tokens: readonly Token[],
    /** Where the action ends, for problems at its end. */
    readonly end: number,
  ) {}

  peek(offset = 0): Token | undefined {
    return this.tokens[this.index + offset];
  }

  next(): Token | undefined {
    return this.tokens[this.index++];
  }

  /** The variables of a `$x :=`, `$x =` or `$i, $x :=` about to be read, leaving the cursor on the operator. */
  declaredVariables(inRange: boolean): Token[] | undefined {
    const first = this.peek();
    if (first?.kind !== 'variable' || first.text.includes('.')) return undefined;
    if (this.peek(1)?.kind === ':=' || this.peek(1)?.kind === '=') {
      this.index += 1;
      return [first];
    }
    const second = this.peek(2);
    if (inRange && this.peek(1)?.kind === ',' && second?.kind === 'variable' && this.peek(3)?.kind === ':=') {
      this.index += 3;
      return [first, second];
    }
    return undefined;
  }

  expectEnd(after: string): void {
    const extra = this.peek();
    if (extra) fail(`unexpected ${extra.text} after ${after}`, extra.from, extra.to);
  }
}

function isSpace(c: string | undefined): boolean {
  return c === ' ' || c === '\t' || c === '\r' || c === '\n';
}

const NUMBER =
  /[+-]?(?:0[xX][\da-fA-F_]+(?:\.[\da-fA-F_]*)?(?:[pP][+-]?\d+)?|0[oObB][\d_]+|(?:\d[\d_]*(?:\.[\d_]*)?|\.\d[\d_]*)(?:[eE][+-]?\d+)?)i?/y;
const WORD = /[\p{L}\d_]+/uy;
const CHAIN = /(?:\.[\p{L}\d_]+)*/uy;

/**
 * Tokens of the action starting at `start` (after `{{` and any trim marker), up to its `}}` or ` -}}`.
 * `open` is where the action began, for the unclosed-action problem.
 */
function lexAction(text: string, start: number, open: number): { tokens: Token[]; end: number } {
  const tokens: Token[] = [];
  let i = start;
  for (;;) {
    while (isSpace(text[i])) {
      if (text[i + 1] === '-' && text.startsWith('}}', i + 2)) return { tokens, end: i + 4 };
      i++;
    }
    if (i >= text.length) fail('unclosed action: no }}', open, text.length);
    if (text.startsWith('}}', i)) return { tokens, end: i + 2 };
    const token = lexToken(text, i);
    tokens.push(token);
    i = token.to;
  }
}

function lexToken(text: string, at: number): Token {
  const c = text[at] ?? '';
  const make = (kind: TokenKind, to: number): Token => ({ kind, text: text.slice(at, to), from: at, to });
  if (c === '"' || c === "'") return make('literal', quotedEnd(text, at));
  if (c === '`') {
    const close = text.indexOf('`', at + 1);
    if (close === -1) fail('unterminated raw string', at, text.length);
    return make('literal', close + 1);
  }
  if (text.startsWith(':=', at)) return make(':=', at + 2);
  if ('()|,='.includes(c)) return make(c as TokenKind, at + 1);
  if (c === '$') return make('variable', matchEnd(CHAIN, text, matchEnd(WORD, text, at + 1, true), true));
  if (c === '.' && !/\d/.test(text[at + 1] ?? '')) {
    const end = matchEnd(CHAIN, text, at, true);
    return end === at ? make('dot', at + 1) : make('field', end);
  }
  if (/[+\-.\d]/.test(c)) return make('literal', numberEnd(text, at));
  const word = matchEnd(WORD, text, at, false);
  if (word === at) fail(`unexpected character ${JSON.stringify(c)} in action`, at, at + 1);
  const name = text.slice(at, word);
  return make(KEYWORDS.has(name) ? 'keyword' : LITERAL_WORDS.has(name) ? 'literal' : 'identifier', word);
}

function quotedEnd(text: string, at: number): number {
  const quote = text[at];
  for (let i = at + 1; i < text.length && text[i] !== '\n'; i++) {
    if (text[i] === '\\') i++;
    else if (text[i] === quote) return i + 1;
  }
  return fail(quote === '"' ? 'unterminated quoted string' : 'unterminated character constant', at, text.length);
}

/** Go's number syntax; a number glued to letters (`3x`) is refused, as Go does. */
function numberEnd(text: string, at: number): number {
  NUMBER.lastIndex = at;
  const match = NUMBER.exec(text);
  if (!match || /^[+-]?$/.test(match[0])) fail(`unexpected character ${JSON.stringify(text[at])} in action`, at, at + 1);
  const end = at + match[0].length;
  if (/[\p{L}\d_.]/u.test(text[end] ?? '')) fail(`bad number syntax: ${JSON.stringify(text.slice(at, end + 1))}`, at, end + 1);
  return end;
}

function matchEnd(pattern: RegExp, text: string, at: number, optional: boolean): number {
  pattern.lastIndex = at;
  const match = pattern.exec(text);
  return match && (optional || match[0] !== '') ? at + match[0].length : at;
}
