/**
 * The synthetic mixin of ../shared/bench/scale.jsonnet, written with the engine: N dashboards of P panels and
 * R alerts over a synthetic catalogue; with `distinct`, that of scale-distinct.jsonnet, the same content with
 * every expression distinct (metric names carry the dashboard, panel and rule index). Panels are layered the grafonnet way (`base.panel + withUnit +
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
  /**
   * Every expression distinct, as scale-distinct.jsonnet has them, so no cache of parsed or checked
   * expressions helps; otherwise scale.jsonnet's 40 panel queries and 50 rule expressions repeat.
   */
  distinct: boolean;
}

export const defaultScaleConfig: ScaleConfig = {
  selector: 'job="app"',
  interval: '$__rate_interval',
  dashboards: 10,
  panels: 40,
  rules: 500,
  distinct: false,
};

const TARGET_LABELS = ['job', 'instance'];
/** Alerts per group, and so the number of distinct error counters. */
export const GROUP_SIZE = 50;

/**
 * The synthetic metrics, by where they are used: a latency histogram per panel, an error counter per alert and a
 * request counter per group. Repeated, they are `app_metric_<p>`, `app_errors_<r>_total` (r within the group)
 * and one `app_requests_total`; distinct, `app_metric_<i>_<p>`, `app_errors_<alert>_total` and
 * `app_requests_<g>_total`. Every metric the content of the config queries, and none other, each listed once.
 */
export class ScaleMetrics {
  private readonly byName = new Map<string, Metric>();
  readonly catalogue: Catalogue;

  constructor(private readonly config: ScaleConfig) {
    for (let i = 0; i < config.dashboards; i++) for (let p = 0; p < config.panels; p++) this.latency(i, p);
    for (let g = 0; g < groupCount(config); g++) {
      this.requests(g);
      for (let r = 0; r < GROUP_SIZE; r++) this.errors(g, r);
    }
    this.catalogue = catalogueOf(this.byName.values());
  }

  latency(dashboard: number, panel: number): Metric {
    const name = this.config.distinct ? `app_metric_${dashboard}_${panel}` : `app_metric_${panel}`;
    return this.metric(name, 'histogram', `Synthetic latency ${panel} in seconds.`);
  }

  errors(group: number, rule: number): Metric {
    const kind = this.config.distinct ? group * GROUP_SIZE + rule : rule;
    return this.metric(`app_errors_${kind}_total`, 'counter', `Synthetic errors of kind ${kind}.`);
  }

  requests(group: number): Metric {
    return this.metric(this.config.distinct ? `app_requests_${group}_total` : 'app_requests_total', 'counter', 'Synthetic requests served.');
  }

  private metric(name: string, type: 'histogram' | 'counter', help: string): Metric {
    let metric = this.byName.get(name);
    if (metric === undefined) {
      metric = new Metric(name, { type, help }, TARGET_LABELS);
      this.byName.set(name, metric);
    }
    return metric;
  }
}

const groupCount = (config: ScaleConfig): number => Math.floor(config.rules / GROUP_SIZE);

/** Per config, so the build and the checks' catalogue share one set (9,100 metrics at 100 distinct dashboards). */
const metricsByConfig = new WeakMap<ScaleConfig, ScaleMetrics>();

export function scaleMetrics(config: ScaleConfig): ScaleMetrics {
  let metrics = metricsByConfig.get(config);
  if (metrics === undefined) {
    metrics = new ScaleMetrics(config);
    metricsByConfig.set(config, metrics);
  }
  return metrics;
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
  metrics: ScaleMetrics;
}

function panel(i: number, p: number, ctx: Built): PanelObject {
  const metric = ctx.metrics.latency(i, p);
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
  const forDuration = duration('5m').text;
  // Written once per pair of metrics: the repeated content has 50 pairs for any number of groups.
  const exprs = new Map<string, string>();
  const errorRatio = (errors: Metric, requests: Metric): string => {
    const key = `${errors.name} ${requests.name}`;
    let expr = exprs.get(key);
    if (expr === undefined) {
      expr = promql`sum(rate(${errors.where(ctx.selector)}[${window}])) / sum(rate(${requests.where(ctx.selector)}[${window}])) > ${0.05}`.text;
      exprs.set(key, expr);
    }
    return expr;
  };
  return Array.from({ length: groupCount(config) }, (_, g) => ({
    name: `g${g}`,
    rules: Array.from({ length: GROUP_SIZE }, (_, r): Rule => ({
      alert: `AppAlert${g * GROUP_SIZE + r}`,
      expr: errorRatio(ctx.metrics.errors(g, r), ctx.metrics.requests(g)),
      for: forDuration,
      labels: { severity: 'warning' },
      annotations: { summary: 'Errors are high.', description: 'Error ratio is {{ $value | humanizePercentage }}.' },
    })),
  }));
}

function validateScaleConfig(config: ScaleConfig): void {
  for (const key of ['dashboards', 'panels', 'rules'] as const) {
    if (!Number.isInteger(config[key]) || config[key] < 0) throw new Error(`${key} must be a whole number >= 0, not ${config[key]}`);
  }
  if (typeof config.distinct !== 'boolean') throw new Error(`distinct must be true or false, not ${String(config.distinct)}`);
}

export const scaleMixin: Mixin<ScaleConfig> = defineMixin<ScaleConfig>({
  defaults: defaultScaleConfig,
  validateConfig: validateScaleConfig,
  build(config) {
    const ctx: Built = {
      selector: parseSelector(config.selector),
      interval: dashboardDuration(config.interval),
      metrics: scaleMetrics(config),
    };
    const grafanaDashboards: Record<string, Dashboard> = {};
    for (let i = 0; i < config.dashboards; i++) {
      grafanaDashboards[dashboardFile(i)] = dashboard(i, Array.from({ length: config.panels }, (_, p) => panel(i, p, ctx)));
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
    catalogue: scaleMetrics(config).catalogue,
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
