/** How `lint` checks this mixin's own rendered files: with the SPT catalogue and every check `validate` applies. */
import { resolve } from 'node:path';
import { parseSelector } from '../engine/selector.js';
import { DATASOURCE_VARIABLE } from '../grafana/panel.js';
import type { Mixin } from '../engine/mixin.js';
import type { LintProfile } from '../lint.js';
import { sptCatalogue } from './catalogue.js';
import type { GrafanaDashboardFormat, SptConfig } from './config.js';
import { ALERTS_FILE, RECORDING_RULES_FILE, dashboardPath, dashboardV2Path } from './deploy.js';
import { DASHBOARD_FILE } from './mixin.js';

export const ALERT_PREFIX = 'Spt';

/** The rendered files under `out`, the way `render` lays them out for the dashboard format. */
export function ownFiles(out: string, format: GrafanaDashboardFormat = 'classic'): string[] {
  return [...dashboardFiles(out, format), ...ruleFiles(out)];
}

function dashboardFiles(out: string, format: GrafanaDashboardFormat): string[] {
  return [
    ...(format === 'v2' ? [] : [dashboardPath(DASHBOARD_FILE)]),
    ...(format === 'classic' ? [] : [dashboardV2Path(DASHBOARD_FILE)]),
  ].map((file) => resolve(out, file));
}

const ruleFiles = (out: string): string[] => [RECORDING_RULES_FILE, ALERTS_FILE].map((file) => resolve(out, file));

/** `mixin` is the one whose output the files are: its recording rules count as loaded beside its alerts. */
export function sptLintProfile(mixin: Mixin<SptConfig>, out: string): (file: string) => LintProfile | undefined {
  const catalogue = sptCatalogue(parseSelector(mixin._config.sptSelector).map((m) => m.label), mixin._config.environmentLabels ?? []);
  const recorded = mixin.prometheusRules.groups.flatMap((g) => g.rules.flatMap((r) => (r.record ? [r.record] : [])));
  // Both formats' files get the strict profile whatever this config renders: a file there is ours either way.
  const dashboards = dashboardFiles(out, 'both');
  const rules = ruleFiles(out);
  return (file) => {
    const path = resolve(file);
    if (dashboards.includes(path)) return { strict: true, catalogue, datasourceUid: DATASOURCE_VARIABLE };
    return rules.includes(path) ? { strict: true, catalogue, alertPrefix: ALERT_PREFIX, recorded } : undefined;
  };
}
