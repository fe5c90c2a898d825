/**
 * An alert's `dashboard_url` that opens a panel (`/d/<uid>...?viewPanel=<id>`) of a dashboard the same mixin
 * renders must name a panel that dashboard has: Grafana opens a dashboard without the panel, and says nothing.
 */
import type { Rule, RuleGroup } from '../engine/mixin.js';
import { finding, type Finding } from './finding.js';

interface PanelJson {
  id?: unknown;
  panels?: PanelJson[];
}

const LINK = /\/d\/([^/?#]+)[^?#]*\?(?:[^#]*&)?viewPanel=([^&#]*)/;

export function checkDashboardLinks(groups: readonly RuleGroup[], dashboards: Readonly<Record<string, object>>, file: string): Finding[] {
  const byUid = new Map(Object.values(dashboards).map((d) => [(d as { uid?: unknown }).uid, panelIds((d as PanelJson).panels ?? [])]));
  const findings: Finding[] = [];
  groups.forEach((group, g) =>
    group.rules.forEach((rule: Rule, r) => {
      const url = rule.annotations?.dashboard_url;
      const link = url === undefined ? null : LINK.exec(url);
      if (!link) return;
      const [, uid = '', panel = ''] = link;
      const ids = byUid.get(uid);
      if (!ids || ids.has(panel)) return;
      findings.push(
        finding(
          'rules/dashboard-panel',
          'error',
          `alert ${rule.alert}: dashboard_url opens panel ${panel} of dashboard ${uid}, which has no such panel (ids ${[...ids].join(', ')})`,
          { file, group: group.name, rule: rule.alert, path: `/spec/groups/${g}/rules/${r}/annotations/dashboard_url` },
          'point viewPanel at the id of the panel that shows the alert\'s signal',
        ),
      );
    }),
  );
  return findings;
}

function panelIds(panels: readonly PanelJson[]): Set<string> {
  const ids = new Set<string>();
  const visit = (list: readonly PanelJson[]) => {
    for (const panel of list) {
      if (typeof panel.id === 'number') ids.add(String(panel.id));
      visit(panel.panels ?? []);
    }
  };
  visit(panels);
  return ids;
}
