/**
 * Checks a mixin's outputs before anything is written: every PromQL expression (rules and panel queries)
 * against the grammar and the catalogue, every dashboard against the schema and layout rules.
 */
import type { Catalogue } from '../engine/catalogue.js';
import type { MixinOutputs } from '../engine/mixin.js';
import { checkDashboard } from './dashboard.js';
import { finding, type Finding } from './finding.js';
import type { Dashboard } from '@grafana/schema';
import { toV2, type DashboardV2Resource } from '../grafana/v2.js';
import { checkDashboardQueries } from './queries.js';
import { checkRuleFile } from './rules.js';

export interface MixinCheckOptions {
  catalogue: Catalogue;
  /** Output file names, so findings point at what the user will open. */
  files: { dashboards: (name: string) => string; rules: string; alerts: string };
  datasourceUid: string;
  /** Every alert name starts with it, e.g. `Spt`. */
  alertPrefix: string;
  /** Where rule groups sit in the rule files: `/spec/groups` (PrometheusRule, the default) or `/groups`. */
  groupsPath?: string;
  /**
   * Check rules (`dashboard/description`, `rules/runbook`, ...) the content does not follow on purpose, each
   * with the reason, which the report states; every other check runs as usual.
   */
  waived?: ReadonlyMap<string, string>;
  /** Labels that tell environments apart: alerts must keep them, dashboards must filter by their variables. */
  environmentLabels?: readonly string[];
}

export function checkMixin(outputs: MixinOutputs, options: MixinCheckOptions): Finding[] {
  const findings = checkAll(outputs, options);
  const waived = options.waived;
  return waived && waived.size > 0 ? findings.filter((f) => !waived.has(f.rule)) : findings;
}

function checkAll(outputs: MixinOutputs, options: MixinCheckOptions): Finding[] {
  const findings: Finding[] = [];
  for (const [name, dashboard] of Object.entries(outputs.grafanaDashboards)) {
    const file = options.files.dashboards(name);
    findings.push(
      ...checkDashboard(dashboard, { file, schemaSeverity: 'error', strict: true, datasourceUid: options.datasourceUid }),
      ...checkDashboardQueries(dashboard, { file, catalogue: options.catalogue, strict: true, environmentLabels: options.environmentLabels }),
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
        groupsPath: options.groupsPath ?? '/spec/groups',
        conventionSeverity: 'error',
        recordedElsewhere: recorded,
        checkExpressions: true,
        catalogue: options.catalogue,
        environmentLabels: options.environmentLabels,
      }),
    );
  }
  return findings;
}

/**
 * The v2 resources of a mixin's dashboards, as strictly as the classic ones: converted as the render converts them,
 * then the v2 schema, layout, datasource, content and query checks. A dashboard the converter refuses is an error.
 */
export function checkV2Dashboards(
  dashboards: Readonly<Record<string, Dashboard>>,
  options: { catalogue: Catalogue; datasourceUid: string; file: (name: string) => string },
): Finding[] {
  return Object.entries(dashboards).flatMap(([name, dashboard]) => {
    const file = options.file(name);
    let resource: DashboardV2Resource;
    try {
      resource = toV2(dashboard);
    } catch (error) {
      return [finding('dashboard/shape', 'error', `no v2 resource: ${(error as Error).message}`, { file }, 'fix the dashboard, or render grafanaDashboardFormat classic')];
    }
    return [
      ...checkDashboard(resource, { file, schemaSeverity: 'error', strict: true, datasourceUid: options.datasourceUid }),
      ...checkDashboardQueries(resource, { file, catalogue: options.catalogue, strict: true }),
    ];
  });
}
