/**
 * The synthetic mixin of ../shared/bench/scale.jsonnet, written with the engine: N dashboards of P panels and
 * R alerts over a synthetic catalogue. Panels are layered the grafonnet way (`base.panel + withUnit +
 * withThresholds + {id, gridPos}`) with the engine's `merge`, since the jsonnet's panels carry fewer fields than
 * lib/grafana's builders emit; queries come from the `promql` template and the catalogue, as in lib/spt.
 * Every output is JSON-equal to what the jsonnet renders (tests/scale.test.ts).
 */
import type { Dashboard } from '@grafana/schema';
import { Metric, catalogueOf, type Catalogue } from '../engine/catalogue.js';
import { merge, type Patch } from '../engine/merge.js';
import { defineMixin, type Mixin, type MixinOutputs, type Rule, type RuleGroup } from '../engine/mixin.js';
import { dashboardDuration, duration, promql, type Duration, type Expr, type Matcher } from '../engine/promql.js';
import { parseSelector } from '../engine/selector.js';
import { DATASOURCE_VARIABLE, datasourceRef, thresholds } from '../grafana/panel.js';
import { SCHEMA_VERSION } from '../grafana/dashboard.js';
import type { MixinCheckOptions } from '../check/mixin.js';

export interface ScaleConfig {
  /** Matchers added to every selector, as `cfg.selector` in the jsonnet. */
  selector: string;
  /** Range of the dashboards' rate() windows. */
  interval: string;
  dashboards: number;
  panels: number;
  /** Alerts, in groups of 50; a remainder short of a full group is dropped, as the jsonnet does. */
  rules: number;
}

export const defaultScaleConfig: ScaleConfig = {
  selector: 'job="app"',
  interval: '$__rate_interval',
  dashboards: 10,
  panels: 40,
  rules: 500,
};

const TARGET_LABELS = ['job', 'instance'];
/** Alerts per group, and so the number of distinct error counters. */
export const GROUP_SIZE = 50;

/** app_metric_<p> histograms (one per panel), app_errors_<r>_total counters (one per alert of a group), app_requests_total. */
export function scaleMetrics(panels: number) {
  return {
    latency: Array.from(
      { length: panels },
      (_, p) => new Metric(`app_metric_${p}`, { type: 'histogram', help: `Synthetic latency ${p} in seconds.` }, TARGET_LABELS),
    ),
    errors: Array.from(
      { length: GROUP_SIZE },
      (_, r) => new Metric(`app_errors_${r}_total`, { type: 'counter', help: `Synthetic errors of kind ${r}.` }, TARGET_LABELS),
    ),
    requests: new Metric('app_requests_total', { type: 'counter', help: 'Synthetic requests served.' }, TARGET_LABELS),
  };
}

export function scaleCatalogue(panels: number): Catalogue {
  const metrics = scaleMetrics(panels);
  return catalogueOf([...metrics.latency, ...metrics.errors, metrics.requests]);
}

export const dashboardFile = (i: number): string => `synthetic-${i}.json`;

type PanelObject = Record<string, unknown>;

/** The jsonnet's `base`: a panel and two mixins to layer on it. */
const base = {
  panel: (title: string, expr: Expr): PanelObject => ({
    type: 'timeseries',
    title,
    datasource: datasourceRef(),
    fieldConfig: { defaults: { unit: 's', custom: { lineWidth: 1, fillOpacity: 10 } }, overrides: [] },
    options: {
      legend: { displayMode: 'table', placement: 'bottom', showLegend: true },
      tooltip: { mode: 'multi', sort: 'desc' },
    },
    targets: [{ expr: expr.text, legendFormat: '{{instance}}', refId: 'A', datasource: datasourceRef() }],
  }),
  withUnit: (unit: string): Patch<PanelObject> => ({ fieldConfig: { defaults: { unit } } }),
  withThresholds: (warning: number, critical: number): Patch<PanelObject> => ({
    fieldConfig: { defaults: { thresholds: thresholds('green', [warning, 'yellow'], [critical, 'red']) } },
  }),
};

const layer = (...parts: Array<Patch<PanelObject>>): PanelObject =>
  parts.reduce<PanelObject>((acc, part) => merge(acc, part), {});

interface Built {
  selector: readonly Matcher[];
  interval: Duration;
  metrics: ReturnType<typeof scaleMetrics>;
}

function panel(p: number, ctx: Built): PanelObject {
  const metric = ctx.metrics.latency[p];
  if (!metric) throw new Error(`no metric for panel ${p}`);
  const expr = promql`histogram_quantile(0.99, sum by (le) (rate(${metric.bucket.where(ctx.selector)}[${ctx.interval}])))`;
  return layer(
    base.panel(`Panel ${p}`, expr),
    base.withUnit('s'),
    base.withThresholds(1, 5),
    { id: p + 1, gridPos: { h: 8, w: 12, x: (p % 2) * 12, y: Math.floor(p / 2) * 8 } },
  );
}

function dashboard(i: number, panels: PanelObject[]): Dashboard {
  return {
    uid: `synthetic-${i}`,
    title: `Synthetic ${i}`,
    schemaVersion: SCHEMA_VERSION,
    refresh: '30s',
    tags: ['synthetic'],
    templating: {
      list: [{ name: 'datasource', type: 'datasource', query: 'prometheus', current: { text: 'default', value: 'default' } }],
    },
    panels: panels as unknown as Dashboard['panels'],
  };
}

function alertGroups(config: ScaleConfig, ctx: Built): RuleGroup[] {
  const window = duration('5m');
  const requests = ctx.metrics.requests.where(ctx.selector);
  const exprs = ctx.metrics.errors.map(
    (errors) => promql`sum(rate(${errors.where(ctx.selector)}[${window}])) / sum(rate(${requests}[${window}])) > ${0.05}`,
  );
  const forDuration = duration('5m').text;
  return Array.from({ length: Math.floor(config.rules / GROUP_SIZE) }, (_, g) => ({
    name: `g${g}`,
    rules: exprs.map(
      (expr, r): Rule => ({
        alert: `AppAlert${g * GROUP_SIZE + r}`,
        expr: expr.text,
        for: forDuration,
        labels: { severity: 'warning' },
        annotations: { summary: 'Errors are high.', description: 'Error ratio is {{ $value | humanizePercentage }}.' },
      }),
    ),
  }));
}

function validateScaleConfig(config: ScaleConfig): void {
  for (const key of ['dashboards', 'panels', 'rules'] as const) {
    if (!Number.isInteger(config[key]) || config[key] < 0) throw new Error(`${key} must be a whole number >= 0, not ${config[key]}`);
  }
}

export const scaleMixin: Mixin<ScaleConfig> = defineMixin<ScaleConfig>({
  defaults: defaultScaleConfig,
  validateConfig: validateScaleConfig,
  build(config) {
    const ctx: Built = {
      selector: parseSelector(config.selector),
      interval: dashboardDuration(config.interval),
      metrics: scaleMetrics(config.panels),
    };
    const grafanaDashboards: Record<string, Dashboard> = {};
    for (let i = 0; i < config.dashboards; i++) {
      grafanaDashboards[dashboardFile(i)] = dashboard(i, Array.from({ length: config.panels }, (_, p) => panel(p, ctx)));
    }
    return { grafanaDashboards, prometheusRules: { groups: [] }, prometheusAlerts: { groups: alertGroups(config, ctx) } };
  },
});

export const RULES_FILE = 'rules.json';
export const dashboardPath = (name: string): string => `dashboards/${name}`;

/**
 * The same checks as the SPT mixin's, with the synthetic catalogue. The jsonnet's content has no panel
 * descriptions and no runbook links, so those two conventions are waived; everything else is an error.
 */
export const SCALE_WAIVED: ReadonlyMap<string, string> = new Map([
  ['dashboard/description', 'scale.jsonnet gives panels no description'],
  ['rules/runbook', 'scale.jsonnet gives alerts no runbook_url'],
]);

export function scaleCheckOptions(config: ScaleConfig): MixinCheckOptions {
  return {
    catalogue: scaleCatalogue(config.panels),
    datasourceUid: DATASOURCE_VARIABLE,
    alertPrefix: 'App',
    files: { dashboards: dashboardPath, rules: RULES_FILE, alerts: RULES_FILE },
    groupsPath: '/groups',
    waived: SCALE_WAIVED,
  };
}

/**
 * The mixin with one fault planted the way a user would make it: the first panel of the first dashboard queries
 * a misspelt metric. The checks must report it and nothing must be written.
 */
export function withPlantedFault(mixin: Mixin<ScaleConfig>): Mixin<ScaleConfig> {
  const file = dashboardFile(0);
  return mixin.extend((current) => {
    const panels = (current.grafanaDashboards[file]?.panels ?? []) as unknown as PanelObject[];
    if (panels.length === 0) throw new Error('--fault needs at least one dashboard with one panel');
    const [first, ...rest] = panels;
    const targets = (first?.targets ?? []) as Array<{ expr: string }>;
    const broken = merge(first as PanelObject, {
      targets: targets.map((t) => ({ ...t, expr: t.expr.replace('app_metric_', 'app_metrc_') })),
    });
    return { grafanaDashboards: { [file]: { panels: [broken, ...rest] } } } as unknown as Patch<MixinOutputs>;
  });
}
