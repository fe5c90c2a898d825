/** Findings are data: inner checks collect them, only the command-line edge prints or exits. */

/** `info` notes what was not checked (a query of a datasource the checks do not know); it never fails a run. */
export type Severity = 'error' | 'warning' | 'info';

/**
 * Every rule id a check can emit, in one closed list: `--rule` and exclusions are checked against it, and the
 * README's rule table is compared with it by a test.
 */
export const RULE_IDS = [
  'promql/syntax',
  'promql/empty',
  'promql/type',
  'promql/arity',
  'promql/aggregation',
  'promql/modifier',
  'promql/matching',
  'promql/result-type',
  'promql/internal',
  'promql/regex',
  'promql/selector',
  'promql/value',
  'promql/feature-flag',
  'promql/rate-interval',
  'promql/counter-without-rate',
  'logql/syntax',
  'query/skipped',
  'catalogue/unknown-metric',
  'catalogue/unknown-label',
  'catalogue/rate-on-gauge',
  'catalogue/quantile-without-le',
  'dashboard/schema',
  'dashboard/shape',
  'dashboard/duplicate-panel-id',
  'dashboard/missing-panel-id',
  'dashboard/grid-bounds',
  'dashboard/overlap',
  'dashboard/datasource',
  'dashboard/unit',
  'dashboard/title',
  'dashboard/description',
  'dashboard/removed-panel',
  'dashboard/variable-query',
  'dashboard/environment-variable',
  'rules/shape',
  'rules/duplicate-group',
  'rules/duplicate-rule',
  'rules/for',
  'rules/expr',
  'rules/internal',
  'rules/alert-name',
  'rules/severity',
  'rules/summary',
  'rules/description',
  'rules/runbook',
  'rules/record-name',
  'rules/undefined-record',
  'rules/template',
  'rules/comparison',
  'rules/environment-label',
  'rules/template-label',
  'rules/dashboard-panel',
  'alertmanager/inhibit-equal',
  'alertmanager/inhibit-unmatched',
  'lint/read',
  'lint/empty',
  'lint/parse',
  'lint/shape',
  'lint/nothing-checked',
  'lint/exclusion',
] as const;

export type RuleId = (typeof RULE_IDS)[number];

const KNOWN: ReadonlySet<string> = new Set(RULE_IDS);

export function isRuleId(value: string): value is RuleId {
  return KNOWN.has(value);
}

export interface Location {
  /** Output file the finding belongs to, relative to the output folder. */
  file?: string;
  /** 1-based line and column in the file, where lint could map `path` to the text. */
  line?: number;
  column?: number;
  dashboard?: string;
  panel?: string;
  panelId?: number;
  group?: string;
  rule?: string;
  /** JSON-pointer-like path inside the file, e.g. `/panels/3/targets/0/expr`. */
  path?: string;
  /** Character range inside the expression the finding is about. */
  position?: { from: number; to: number };
}

export interface Finding {
  severity: Severity;
  /** Stable identifier of the check, e.g. `promql/syntax`; tests assert on it, not on prose. */
  rule: RuleId;
  message: string;
  location: Location;
  hint: string;
}

/** The one way to make a finding. */
export function finding(rule: RuleId, severity: Severity, message: string, location: Location, hint: string): Finding {
  return { severity, rule, message, location, hint };
}

export function hasErrors(findings: readonly Finding[]): boolean {
  return findings.some((f) => f.severity === 'error');
}
