/** SPT's wiring of the engine's checks and writer: its catalogue, prefix and file layout. */
import { checkInhibitions } from '../check/alertmanager.js';
import { checkDashboardLinks } from '../check/dashboard-links.js';
import type { Finding } from '../check/finding.js';
import { checkMixin, checkV2Dashboards } from '../check/mixin.js';
import { parseSelector } from '../engine/selector.js';
import type { Mixin } from '../engine/mixin.js';
import { DATASOURCE_VARIABLE } from '../grafana/panel.js';
import { writeChecked } from '../render/render-to.js';
import { sptCatalogue } from './catalogue.js';
import type { SptConfig } from './config.js';
import { sptInhibitRules } from './alertmanager.js';
import { ALERTMANAGER_FILE, ALERTS_FILE, RECORDING_RULES_FILE, artifacts, dashboardPath, dashboardV2Path, type Part } from './deploy.js';

export const PARTS: readonly Part[] = ['dashboards', 'rules'];

export function checkSpt(mixin: Mixin<SptConfig>): Finding[] {
  const catalogue = sptCatalogue(parseSelector(mixin._config.sptSelector).map((m) => m.label), mixin._config.environmentLabels ?? []);
  const findings = checkMixin(mixin, {
    catalogue,
    datasourceUid: DATASOURCE_VARIABLE,
    alertPrefix: 'Spt',
    environmentLabels: mixin._config.environmentLabels ?? [],
    files: { dashboards: dashboardPath, rules: RECORDING_RULES_FILE, alerts: ALERTS_FILE },
  });
  const alerts = mixin.prometheusAlerts.groups.flatMap((group) => group.rules);
  findings.push(...checkDashboardLinks(mixin.prometheusAlerts.groups, mixin.grafanaDashboards, ALERTS_FILE));
  findings.push(...checkInhibitions(alerts, sptInhibitRules(mixin._config), { file: ALERTMANAGER_FILE, catalogue }));
  if ((mixin._config.grafanaDashboardFormat ?? 'classic') === 'classic') return findings;
  return [...findings, ...checkV2Dashboards(mixin.grafanaDashboards, { catalogue, datasourceUid: DATASOURCE_VARIABLE, file: dashboardV2Path })];
}

/** For code that customizes the mixin: check it, then write its files into `out` as `npm run render` does, all or none. */
export async function renderTo(mixin: Mixin<SptConfig>, out: string, parts: readonly Part[] = PARTS): Promise<string[]> {
  return writeChecked(out, checkSpt(mixin), () => artifacts(mixin, parts));
}
