/**
 * `dashboard_url` on every alert when `_config.grafanaUrl` is set: the overview dashboard opened on the panel that
 * shows the alert's signal, narrowed to the alert's environment. The panel id is read from the built dashboard.
 */
import type { RuleGroup } from '../engine/mixin.js';
import { goTemplateLiteral } from '../engine/text.js';
import { ALERT_PANELS, findPanel } from './alert-panels.js';
import type { SptAlertName } from './config.js';
import type { Context } from './context.js';

export function withDashboardLinks(ctx: Context, groups: RuleGroup[], dashboard: object): RuleGroup[] {
  const base = ctx.config.grafanaUrl?.replace(/\/+$/, '');
  if (!base) return groups;
  // Alert label values can hold any character; urlquery keeps `&` or `#` in one from ending the parameter.
  const variables = ctx.environmentLabels.map((label) => `&var-${label}={{ $labels.${label} | urlquery }}`).join('');
  return groups.map((group) => ({
    ...group,
    rules: group.rules.map((rule) => {
      if (rule.alert === undefined || !(rule.alert in ALERT_PANELS)) return rule;
      const panel = findPanel(dashboard, ALERT_PANELS[rule.alert as SptAlertName]);
      const url = `${goTemplateLiteral(base)}/d/${ctx.config.dashboardUid}?viewPanel=${panel.id}${variables}`;
      return { ...rule, annotations: { ...rule.annotations, dashboard_url: url } };
    }),
  }));
}
