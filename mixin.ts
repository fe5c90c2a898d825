/**
 * spt-mixin: dashboards and Prometheus rules for server-price-tracker, as a monitoring mixin.
 *
 *   default export     the mixin: `grafanaDashboards`, `prometheusRules`, `prometheusAlerts`, built on first read
 *   _config            every tunable, with defaults
 *   withConfig(patch)  a new mixin built from a patched config
 *   extend(patch)      a new mixin with a Jsonnet-style patch merged into its outputs
 *   renderTo(m, dir)   the checks of `npm run render`, then every file into `dir`, all or none
 *
 * Importing builds nothing: the outputs are built when first read, so a content error surfaces there (or as
 * findings from `renderTo`), never at import.
 */
import { sptMixin } from './lib/spt/mixin.js';

export const { _config, withConfig, extend } = sptMixin;
export default sptMixin;
export { append } from './lib/engine/merge.js';
export type { Patch } from './lib/engine/merge.js';
export type { SptConfig } from './lib/spt/config.js';
export type { Mixin, MixinOutputs, OutputPatch, RuleFile, RuleGroup, Rule } from './lib/engine/mixin.js';

// What a patch needs: merge markers, ready-made patches, and the builders and catalogue to write a new panel.
export { patchAlert, patchAlerts, addPanel } from './lib/engine/patches.js';
export { promql, duration, dashboardDuration, eq, neq, re, nre } from './lib/engine/promql.js';
export { sized } from './lib/grafana/dashboard.js';
export { timeseries, stat, gauge, barGauge, query, thresholds } from './lib/grafana/panel.js';
export { metrics, recorded } from './lib/spt/catalogue.js';
/** The selector (as matchers) and rate interval a config gives, for queries of your own panels. */
export { contextOf as queryContext } from './lib/spt/context.js';
export { checkSpt, renderTo } from './lib/spt/render.js';
export type { Part } from './lib/spt/deploy.js';
export { ChecksFailed } from './lib/render/render-to.js';
export type { Finding, Severity, Location } from './lib/check/finding.js';
