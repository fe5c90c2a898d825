/**
 * `lint` as a CI gate: rule severities changed with `--rule ID=off|warning|error`, exclusions that carry a reason
 * (reported so none is forgotten, unused ones warned about), `--max-warnings N` (ESLint's meaning: more than N
 * warnings fails), `--quiet` (errors only in the listing), and a summary of what was checked. A run that checks
 * nothing fails: a green pass over an empty folder would hide a wrong path.
 */
import { closestName } from '../engine/closest.js';
import { finding, isRuleId, RULE_IDS, type Finding, type RuleId, type Severity } from '../check/finding.js';
import { countFindings, formatCounts, formatFinding, type Counts } from '../check/report.js';
import type { Io } from '../io.js';
import { lintEach, type LintOptions } from '../lint.js';
import { applyExclusions, commentExclusions, describeExclusion, ExclusionsFileError, readExclusionsFile, type Exclusion } from './exclusions.js';

export interface LintGateOptions extends LintOptions {
  files: readonly string[];
  format: 'text' | 'json';
  quiet?: boolean;
  /** As given on the command line. */
  maxWarnings?: string;
  /** `ID=off|warning|error`, as given on the command line. */
  rules?: readonly string[];
  exclusions?: string;
}

export interface LintSummary extends Counts {
  files: number;
  documents: number;
  excluded: number;
}

class GateUsageError extends Error {}

type Override = Severity | 'off';
const OVERRIDES: readonly Override[] = ['off', 'info', 'warning', 'error'];

/** Exit code: 0 passed, 1 errors or too many warnings, 2 bad usage. */
export async function lintGate(options: LintGateOptions, io: Io): Promise<number> {
  let overrides: Map<RuleId, Override>;
  let maxWarnings: number | undefined;
  let fileExclusions: { exclusions: Exclusion[]; problems: Finding[] };
  try {
    overrides = parseOverrides(options.rules ?? []);
    maxWarnings = parseMaxWarnings(options.maxWarnings);
    fileExclusions = options.exclusions === undefined ? { exclusions: [], problems: [] } : await readExclusionsFile(options.exclusions);
  } catch (error) {
    if (!(error instanceof GateUsageError || error instanceof ExclusionsFileError)) throw error;
    io.err(`error: ${error.message}`);
    return 2;
  }

  const linted = await lintEach(options.files, options);
  const inFile = linted.map(commentExclusions);
  const exclusions = [...fileExclusions.exclusions, ...inFile.flatMap((r) => r.exclusions)];
  const raw = [...fileExclusions.problems, ...inFile.flatMap((r) => r.problems), ...linted.flatMap((f) => f.findings)];
  const { kept, excluded } = applyExclusions(withOverrides(raw, overrides), exclusions);
  const documents = linted.reduce((n, f) => n + f.checked, 0);
  const findings = [...kept, ...withOverrides([...unusedExclusions(exclusions), ...nothingChecked(documents, kept, options.files)], overrides)];

  const summary: LintSummary = { ...countFindings(findings), files: linted.length, documents, excluded };
  const tooMany = maxWarnings !== undefined && summary.warnings > maxWarnings;
  const shown = options.quiet ? findings.filter((f) => f.severity === 'error') : findings;
  if (options.format === 'json') {
    io.out(JSON.stringify({ findings: shown, summary, exclusions }, null, 2));
  } else {
    io.out([
      ...shown.map(formatFinding),
      ...exclusions.filter((e) => e.used > 0).map((e) => `excluded ${e.used} x ${describeExclusion(e)}: ${e.reason}`),
      `${summary.files} file(s) read, ${summary.documents} document(s) checked: ${formatCounts(summary)}${excluded > 0 ? `, ${excluded} excluded` : ''}`,
    ].join('\n'));
  }
  if (tooMany) io.err(`error: ${summary.warnings} warning(s), more than --max-warnings ${maxWarnings}`);
  return summary.errors > 0 || tooMany ? 1 : 0;
}

function parseOverrides(values: readonly string[]): Map<RuleId, Override> {
  const overrides = new Map<RuleId, Override>();
  for (const value of values) {
    const [id = '', level = ''] = value.split('=');
    if (!isRuleId(id)) {
      const guess = closestName(id, RULE_IDS);
      throw new GateUsageError(`--rule ${value}: unknown rule id "${id}"${guess ? `; did you mean "${guess}"?` : ''} (see the README's Checks table)`);
    }
    const override = OVERRIDES.find((o) => o === level);
    if (!override) throw new GateUsageError(`--rule ${value}: expected ${id}=off, ${id}=info, ${id}=warning or ${id}=error`);
    overrides.set(id, override);
  }
  return overrides;
}

function parseMaxWarnings(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  if (!/^\d+$/.test(value)) throw new GateUsageError(`--max-warnings ${value}: expected a whole number of warnings, such as 0`);
  return Number(value);
}

function withOverrides(findings: readonly Finding[], overrides: ReadonlyMap<RuleId, Override>): Finding[] {
  if (overrides.size === 0) return [...findings];
  return findings.flatMap((f) => {
    const override = overrides.get(f.rule);
    if (override === undefined) return [f];
    return override === 'off' ? [] : [{ ...f, severity: override }];
  });
}

function unusedExclusions(exclusions: readonly Exclusion[]): Finding[] {
  return exclusions.filter((e) => e.used === 0).map((e) =>
    finding('lint/exclusion', 'warning', `the exclusion of ${describeExclusion(e)} matched no finding`, e.origin,
      'remove it: what it excused is gone, or its scope does not name what it meant to'));
}

function nothingChecked(documents: number, findings: readonly Finding[], files: readonly string[]): Finding[] {
  if (documents > 0 || findings.some((f) => f.severity === 'error')) return [];
  return [finding('lint/nothing-checked', 'error', `found no dashboard or rule file to check in ${files.join(', ') || 'the arguments'}`, {},
    'name dashboards (JSON, ConfigMaps) or rule files (plain, PrometheusRule), or folders holding them')];
}
