/** SPT's wiring of the engine's checks and writer: its catalogue, prefix and file layout. */
import type { Finding } from '../check/finding.js';
import { checkMixin } from '../check/mixin.js';
import { parseSelector } from '../engine/selector.js';
import type { Mixin } from '../engine/mixin.js';
import { DATASOURCE_VARIABLE } from '../grafana/panel.js';
import { writeChecked } from '../render/render-to.js';
import { sptCatalogue } from './catalogue.js';
import type { SptConfig } from './config.js';
import { ALERTS_FILE, RECORDING_RULES_FILE, artifacts, dashboardPath, type Part } from './deploy.js';

export const PARTS: readonly Part[] = ['dashboards', 'rules'];

export function checkSpt(mixin: Mixin<SptConfig>): Finding[] {
  return checkMixin(mixin, {
    catalogue: sptCatalogue(parseSelector(mixin._config.sptSelector).map((m) => m.label)),
    datasourceUid: DATASOURCE_VARIABLE,
    alertPrefix: 'Spt',
    files: { dashboards: dashboardPath, rules: RECORDING_RULES_FILE, alerts: ALERTS_FILE },
  });
}

/** For code that customizes the mixin: check it, then write its files into `out` as `npm run render` does, all or none. */
export async function renderTo(mixin: Mixin<SptConfig>, out: string, parts: readonly Part[] = PARTS): Promise<string[]> {
  return writeChecked(out, checkSpt(mixin), () => artifacts(mixin, parts));
}
