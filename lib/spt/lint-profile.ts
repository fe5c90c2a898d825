/** How `lint` checks this mixin's own rendered files: with the SPT catalogue and every check `validate` applies. */
import { resolve } from 'node:path';
import { parseSelector } from '../engine/selector.js';
import { DATASOURCE_VARIABLE } from '../grafana/panel.js';
import type { Mixin } from '../engine/mixin.js';
import type { LintProfile } from '../lint.js';
import { sptCatalogue } from './catalogue.js';
import type { SptConfig } from './config.js';
import { ALERTS_FILE, RECORDING_RULES_FILE, dashboardPath } from './deploy.js';
import { DASHBOARD_FILE } from './mixin.js';

export const ALERT_PREFIX = 'Spt';

/** The rendered files under `out`, the way `render` lays them out. */
export function ownFiles(out: string): string[] {
  return [dashboardPath(DASHBOARD_FILE), RECORDING_RULES_FILE, ALERTS_FILE].map((file) => resolve(out, file));
}

/** `mixin` is the one whose output the files are: its recording rules count as loaded beside its alerts. */
export function sptLintProfile(mixin: Mixin<SptConfig>, out: string): (file: string) => LintProfile | undefined {
  const catalogue = sptCatalogue(parseSelector(mixin._config.sptSelector).map((m) => m.label));
  const recorded = mixin.prometheusRules.groups.flatMap((g) => g.rules.flatMap((r) => (r.record ? [r.record] : [])));
  const [dashboard, ...rules] = ownFiles(out);
  return (file) => {
    const path = resolve(file);
    if (path === dashboard) return { strict: true, catalogue, datasourceUid: DATASOURCE_VARIABLE };
    return rules.includes(path) ? { strict: true, catalogue, alertPrefix: ALERT_PREFIX, recorded } : undefined;
  };
}
