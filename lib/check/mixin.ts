/**
 * Checks a mixin's outputs before anything is written: every PromQL expression (rules and panel queries)
 * against the grammar and the catalogue, every dashboard against the schema and layout rules.
 */
import type { Catalogue } from '../engine/catalogue.js';
import type { MixinOutputs, RuleFile } from '../engine/mixin.js';
import { checkDashboard } from './dashboard.js';
import type { Finding } from './finding.js';
import { checkExpr } from './promql.js';
import { checkDashboardQueries } from './queries.js';
import { checkRuleFile } from './rules.js';

export interface MixinCheckOptions {
  catalogue: Catalogue;
  /** Output file names, so findings point at what the user will open. */
  files: { dashboards: (name: string) => string; rules: string; alerts: string };
  datasourceUid: string;
  /** Every alert name starts with it, e.g. `Spt`. */
  alertPrefix: string;
}

export function checkMixin(outputs: MixinOutputs, options: MixinCheckOptions): Finding[] {
  const findings: Finding[] = [];
  for (const [name, dashboard] of Object.entries(outputs.grafanaDashboards)) {
    const file = options.files.dashboards(name);
    findings.push(
      ...checkDashboard(dashboard, { file, schemaSeverity: 'error', strict: true, datasourceUid: options.datasourceUid }),
      ...checkDashboardQueries(dashboard, file, options.catalogue),
    );
  }
  const recorded = outputs.prometheusRules.groups.flatMap((g) => g.rules.flatMap((r) => (r.record ? [r.record] : [])));
  for (const [rules, file] of [
    [outputs.prometheusRules, options.files.rules],
    [outputs.prometheusAlerts, options.files.alerts],
  ] as const) {
    findings.push(
      ...checkRuleFile(rules.groups, {
        file,
        alertPrefix: options.alertPrefix,
        groupsPath: '/spec/groups',
        conventionSeverity: 'error',
        recordedElsewhere: recorded,
      }),
      ...checkRuleExprs(rules, file, options.catalogue),
    );
  }
  return findings;
}

function checkRuleExprs(rules: RuleFile, file: string, catalogue: Catalogue): Finding[] {
  return rules.groups.flatMap((group, g) =>
    group.rules.flatMap((rule, r) =>
      checkExpr(rule.expr, { file, group: group.name, rule: rule.record ?? rule.alert, path: `/spec/groups/${g}/rules/${r}/expr` }, catalogue),
    ),
  );
}
