/** What every rule check shares: the options, the rules as read, and how a finding is made. */
import type { Catalogue } from '../../engine/catalogue.js';
import { finding, type Finding, type Location, type RuleId, type Severity } from '../finding.js';

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
  /** Labels that tell environments apart; every alert must keep them (`rules/environment-label`). */
  environmentLabels?: readonly string[];
}

export interface Context {
  readonly options: RuleCheckOptions;
  readonly findings: Finding[];
}

export interface GroupRead {
  readonly name: string;
  readonly location: Location;
  readonly rules: RuleRead[];
}

/** A rule as Prometheus loads it: scalar fields as the strings Go's YAML decoder makes of them. */
export interface RuleRead {
  readonly kind: 'alert' | 'record';
  readonly name: string;
  readonly expr: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly annotations: Readonly<Record<string, string>>;
  readonly location: Location;
  readonly fields: Readonly<Record<string, unknown>>;
}

export function push(context: Context, severity: Severity, rule: RuleId, message: string, location: Location, hint: string): void {
  context.findings.push(finding(rule, severity, message, location, hint));
}

/** A mixin convention: an error for our own output, a warning for foreign files. */
export function convention(context: Context, rule: RuleId, message: string, location: Location, hint: string): void {
  push(context, context.options.conventionSeverity, rule, message, location, hint);
}

/** The location of one field of a rule or group. */
export function at(location: Location, field: string): Location {
  return { ...location, path: `${location.path}/${field}` };
}
