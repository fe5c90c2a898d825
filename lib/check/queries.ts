/** Runs the PromQL checks on every query of a dashboard, nested panels of collapsed rows included. */
import type { Catalogue } from '../engine/catalogue.js';
import type { Finding } from './finding.js';
import { checkExpr } from './promql.js';

interface PanelLike {
  id?: unknown;
  title?: unknown;
  datasource?: unknown;
  targets?: unknown;
  panels?: unknown;
}

/**
 * Loki, Elasticsearch and other datasources use `expr` too; a query is PromQL only when its datasource (or its
 * panel's) says prometheus, or says nothing, which in a Prometheus dashboard means the default datasource.
 */
function isPromql(datasource: unknown): boolean {
  if (datasource === undefined || datasource === null) return true;
  if (typeof datasource === 'object') {
    const type = (datasource as { type?: unknown }).type;
    return type === undefined || type === 'prometheus';
  }
  return true;
}

export function checkDashboardQueries(dashboard: unknown, file: string, catalogue?: Catalogue): Finding[] {
  if (typeof dashboard !== 'object' || dashboard === null) return [];
  const { title, panels } = dashboard as { title?: unknown; panels?: unknown };
  const findings: Finding[] = [];
  const visit = (list: unknown, path: string): void => {
    if (!Array.isArray(list)) return;
    list.forEach((panel: PanelLike | null, i) => {
      const at = `${path}/${i}`;
      if (typeof panel !== 'object' || panel === null) return;
      if (Array.isArray(panel.targets)) {
        panel.targets.forEach((target: { expr?: unknown; datasource?: unknown } | null, t: number) => {
          if (typeof target?.expr !== 'string' || !isPromql(target.datasource ?? panel.datasource)) return;
          const location = {
            file,
            ...(typeof title === 'string' ? { dashboard: title } : {}),
            ...(typeof panel.title === 'string' ? { panel: panel.title } : {}),
            ...(typeof panel.id === 'number' ? { panelId: panel.id } : {}),
            path: `${at}/targets/${t}/expr`,
          };
          findings.push(...checkExpr(target.expr, location, catalogue));
        });
      }
      visit(panel.panels, `${at}/panels`);
    });
  };
  visit(panels, '/panels');
  return findings;
}
