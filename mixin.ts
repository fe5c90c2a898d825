/**
 * spt-mixin: dashboards and Prometheus rules for server-price-tracker, as a monitoring mixin.
 *
 *   grafanaDashboards  file name → Grafana dashboard JSON
 *   prometheusRules    recording rules, `{ groups: [...] }`
 *   prometheusAlerts   alerting rules, `{ groups: [...] }`
 *   _config            every tunable, with defaults
 *   withConfig(patch)  a new mixin built from a patched config
 *   extend(patch)      a new mixin with a Jsonnet-style patch merged into its outputs
 */
import { sptMixin } from './lib/spt/mixin.js';

export const { _config, grafanaDashboards, prometheusRules, prometheusAlerts } = sptMixin;
export const withConfig = sptMixin.withConfig;
export const extend = sptMixin.extend;
export default sptMixin;
export { append } from './lib/engine/merge.js';
export type { SptConfig } from './lib/spt/config.js';
export type { Mixin, MixinOutputs, RuleFile, RuleGroup, Rule } from './lib/engine/mixin.js';

// What a patch needs: merge markers, ready-made patches, and the builders and catalogue to write a new panel.
export { patchAlert, patchAlerts, addPanel } from './lib/engine/patches.js';
export { promql, duration, dashboardDuration, eq, neq, re, nre } from './lib/engine/promql.js';
export { sized } from './lib/grafana/dashboard.js';
export { timeseries, stat, gauge, barGauge, query, thresholds } from './lib/grafana/panel.js';
export { metrics, recorded } from './lib/spt/catalogue.js';
/** The selector (as matchers) and rate interval a config gives, for queries of your own panels. */
export { contextOf as queryContext } from './lib/spt/context.js';
export { renderTo, ChecksFailed } from './lib/commands.js';
