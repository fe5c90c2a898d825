/**
 * Checks a mixin's outputs before anything is written: every PromQL expression (rules and panel queries)
 * against the grammar and the catalogue, every dashboard against the schema and layout rules.
 */
import type { Catalogue } from '../engine/catalogue.js';
import type { MixinOutputs, RuleFile } from '../engine/mixin.js';
import { checkDashboard } from './dashboard.js';
import type { Finding } from './finding.js';
import { checkExpr } from './promql.js';

export interface MixinCheckOptions {
  catalogue: Catalogue;
  /** Output file names, so findings point at what the user will open. */
  files: { dashboards: (name: string) => string; rules: string; alerts: string };
  datasourceUid: string;
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
  findings.push(...checkRuleExprs(outputs.prometheusRules, options.files.rules, options.catalogue));
  findings.push(...checkRuleExprs(outputs.prometheusAlerts, options.files.alerts, options.catalogue));
  return findings;
}

function checkRuleExprs(rules: RuleFile, file: string, catalogue: Catalogue): Finding[] {
  return rules.groups.flatMap((group, g) =>
    group.rules.flatMap((rule, r) =>
      checkExpr(rule.expr, { file, group: group.name, rule: rule.record ?? rule.alert, path: `/spec/groups/${g}/rules/${r}/expr` }, catalogue),
    ),
  );
}

interface PanelLike {
  id?: unknown;
  title?: unknown;
  targets?: unknown;
  panels?: unknown;
}

function checkDashboardQueries(dashboard: { title?: unknown; panels?: unknown }, file: string, catalogue: Catalogue): Finding[] {
  const title = typeof dashboard.title === 'string' ? dashboard.title : undefined;
  const findings: Finding[] = [];
  const visit = (panels: unknown, path: string): void => {
    if (!Array.isArray(panels)) return;
    panels.forEach((panel: PanelLike, i) => {
      const at = `${path}/${i}`;
      if (Array.isArray(panel?.targets)) {
        panel.targets.forEach((target: { expr?: unknown }, t: number) => {
          if (typeof target?.expr !== 'string') return;
          findings.push(
            ...checkExpr(
              target.expr,
              {
                file,
                ...(title ? { dashboard: title } : {}),
                ...(typeof panel.title === 'string' ? { panel: panel.title } : {}),
                ...(typeof panel.id === 'number' ? { panelId: panel.id } : {}),
                path: `${at}/targets/${t}/expr`,
              },
              catalogue,
            ),
          );
        });
      }
      visit(panel?.panels, `${at}/panels`);
    });
  };
  visit(dashboard.panels, '/panels');
  return findings;
}
