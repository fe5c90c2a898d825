/**
 * spt-mixin/engine: the engine the SPT mixin is written with, for mixins of your own. Define the content as a
 * function of a config (`defineMixin`), build queries from a metric catalogue with the `promql` template, lay
 * out panels and rules with the builders, and `renderTo` a folder after the same checks SPT's output passes.
 * Nothing here knows SPT.
 */
export { defineMixin } from './lib/engine/mixin.js';
export type { Mixin, MixinDefinition, MixinOutputs, OutputPatch, Rule, RuleFile, RuleGroup } from './lib/engine/mixin.js';
export { merge, append } from './lib/engine/merge.js';
export type { Patch, Append } from './lib/engine/merge.js';
export { patchAlert, patchAlerts, addPanel } from './lib/engine/patches.js';

export { promql, duration, dashboardDuration, eq, neq, re, nre, matcher, Expr, Duration, VectorSelector, PromqlError } from './lib/engine/promql.js';
export type { Matcher, PromqlValue, MetricLike } from './lib/engine/promql.js';
export type { MatchOp } from './lib/engine/promql-literals.js';
export { parseSelector } from './lib/engine/selector.js';
export { Metric, Recorded, Series, catalogueOf } from './lib/engine/catalogue.js';
export type { Catalogue, MetricSpec, MetricType } from './lib/engine/catalogue.js';

export { dashboard, row, sized, layout, GRID_COLUMNS, SCHEMA_VERSION } from './lib/grafana/dashboard.js';
export type { DashboardSpec, RowSpec, Sized } from './lib/grafana/dashboard.js';
export { timeseries, stat, gauge, barGauge, query, thresholds, valueText, datasourceRef, DATASOURCE_VARIABLE } from './lib/grafana/panel.js';
export type { PanelContent, Query, ThresholdStep, TimeseriesOptions } from './lib/grafana/panel.js';
export { toV2, DASHBOARD_V2_API_VERSION } from './lib/grafana/v2.js';
export type { DashboardV2Resource } from './lib/grafana/v2.js';
export { grafanaDashboard, grafanaManifest } from './lib/grafana/operator.js';
export type { GrafanaDashboardResource, GrafanaManifestResource } from './lib/grafana/operator.js';
export { alertRule, recordingRule, group, prometheusRule } from './lib/prometheus/rules.js';
export type { AlertSeverity, AlertSpec, PrometheusRuleResource } from './lib/prometheus/rules.js';

export { checkMixin, checkV2Dashboards } from './lib/check/mixin.js';
export type { MixinCheckOptions } from './lib/check/mixin.js';
export { lintFiles } from './lib/lint.js';
export { hasErrors } from './lib/check/finding.js';
export type { Finding, Location, Severity } from './lib/check/finding.js';
export { formatText, formatJson } from './lib/check/report.js';

export { renderTo, checkOutputs, mixinArtifacts, writeChecked, ChecksFailed, MIXIN_LAYOUT } from './lib/render/render-to.js';
export type { RenderOptions } from './lib/render/render-to.js';
export { serializeAll } from './lib/render/serialize.js';
export type { Artifact } from './lib/render/serialize.js';
export { writeAll } from './lib/render/write.js';
