/**
 * Ready-made `extend` patches for the edits users make most: retune one alert, touch every alert, add a panel
 * to a row. Each returns a function of the current outputs, so it composes with any other patch.
 */
import type { Dashboard } from '@grafana/schema';
import { addPanelToRow, type Sized } from '../grafana/dashboard.js';
import { merge, type Patch } from './merge.js';
import type { MixinOutputs, Rule, RuleFile } from './mixin.js';

type OutputsPatch = (current: MixinOutputs) => Patch<MixinOutputs>;

function mapRules(file: RuleFile, fn: (rule: Rule) => Rule): RuleFile {
  return { ...file, groups: file.groups.map((g) => ({ ...g, rules: g.rules.map(fn) })) };
}

/** Merges `patch` into every alerting rule for which `select` holds (all of them by default). */
export function patchAlerts(patch: Patch<Rule> | ((rule: Rule) => Patch<Rule>), select: (rule: Rule) => boolean = () => true): OutputsPatch {
  return (current) => ({
    prometheusAlerts: mapRules(current.prometheusAlerts, (rule) =>
      rule.alert !== undefined && select(rule) ? merge(rule, typeof patch === 'function' ? patch(rule) : patch) : rule,
    ),
  });
}

/** Merges `patch` into the alert named `alert`; a name that matches nothing is an error, not a silent no-op. */
export function patchAlert(alert: string, patch: Patch<Rule>): OutputsPatch {
  return (current) => {
    const names = current.prometheusAlerts.groups.flatMap((g) => g.rules.map((r) => r.alert));
    if (!names.includes(alert)) throw new Error(`patchAlert: no alert named "${alert}"; alerts: ${names.join(', ')}`);
    return patchAlerts(patch, (rule) => rule.alert === alert)(current);
  };
}

/**
 * Adds a panel at the end of a row of a dashboard; later rows move down to make room. Give a function of the
 * config when the panel's queries depend on it (the selector, the rate interval), so `withConfig` reaches them.
 */
export function addPanel<C>(dashboardFile: string, rowTitle: string, panel: Sized | ((config: C) => Sized)): (current: MixinOutputs, config: C) => Patch<MixinOutputs> {
  return (current, config) => {
    const dashboard: Dashboard | undefined = current.grafanaDashboards[dashboardFile];
    if (!dashboard) {
      throw new Error(`addPanel: no dashboard "${dashboardFile}"; dashboards: ${Object.keys(current.grafanaDashboards).join(', ')}`);
    }
    const sizedPanel = typeof panel === 'function' ? panel(config) : panel;
    return { grafanaDashboards: { [dashboardFile]: { panels: addPanelToRow(dashboard.panels ?? [], rowTitle, sizedPanel) } } };
  };
}
