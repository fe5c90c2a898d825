/**
 * Every tunable of the SPT mixin, with the plan's values as defaults. Content reads these and derives from
 * them; nothing else in lib/spt should hold a threshold, a duration or a label set of its own.
 */
import type { AlertSeverity } from '../prometheus/rules.js';

export type SptAlertName =
  | 'SptDown'
  | 'SptReadinessDown'
  | 'SptHighErrorRate'
  | 'SptIngestionErrors'
  | 'SptExtractionFailures'
  | 'SptEbayQuotaHigh'
  | 'SptEbayLimitReached'
  | 'SptNotificationFailures';

export interface AlertTuning {
  /**
   * How long the condition must hold before the alert fires, a Prometheus duration (`0m` fires at once).
   * @pattern ^(0|(?=\d)(\d+y)?(\d+w)?(\d+d)?(\d+h)?(\d+m)?(\d+s)?(\d+ms)?)$
   */
  for: string;
  severity: AlertSeverity;
  /**
   * Labels added to the alert, for routing in Alertmanager, e.g. `{ team: 'pricing' }`: Prometheus label names,
   * non-empty values, written as they are (a `{{` is not templated). `severity` is the key above, not a label here.
   */
  labels?: Record<string, string>;
}

export interface SptConfig {
  /**
   * Label matchers added to every selector of a raw SPT metric (and of `up`), in PromQL matcher syntax.
   * Change it when SPT is scraped under another job name or to pin one environment,
   * e.g. `job="spt", env="prod"`. Default: `job="server-price-tracker"`.
   */
  sptSelector: string;
  /**
   * Label names that tell SPT deployments apart when one Prometheus (or Thanos, Mimir) sees several, e.g.
   * `['cluster', 'env']`. Every recording rule keeps them, every alert fires per environment and names it, and the
   * dashboard gets one variable per label, chained in this order. Unset (the default) or `[]`: one environment per
   * Prometheus, the plan's exact expressions.
   * @uniqueItems true
   */
  environmentLabels?: string[];
  /**
   * eBay's daily API call allowance; the quota gauge shows usage as a share of it. Default: 5000.
   * @asType integer
   * @exclusiveMinimum 0
   */
  ebayDailyLimit: number;
  /**
   * Daily call count above which `SptEbayQuotaHigh` fires; also the gauge's yellow step. Must be below
   * `ebayDailyLimit`. Default: 4000.
   * @asType integer
   * @minimum 0
   */
  ebayQuotaWarning: number;
  /**
   * Share of HTTP requests answered 5xx above which `SptHighErrorRate` fires (0.05 = 5 %). Default: 0.05.
   * @exclusiveMinimum 0
   * @exclusiveMaximum 1
   */
  errorRateThreshold: number;
  /**
   * Extraction failures per second above which `SptExtractionFailures` fires. Default: 0.1.
   * @minimum 0
   */
  extractionFailureRateThreshold: number;
  /**
   * `for` duration, severity and extra labels of each alert, e.g. `{ SptDown: { for: '5m' } }` to wait longer,
   * `{ SptDown: { labels: { team: 'pricing' } } }` to route it.
   */
  alerts: Record<SptAlertName, AlertTuning>;
  /**
   * Metadata labels of both PrometheusRule resources; match them to your Prometheus's `ruleSelector`.
   * Default: `app.kubernetes.io/name: server-price-tracker`, `app.kubernetes.io/part-of: spt-mixin`,
   * `prometheus: k8s`, `role: alert-rules` (kube-prometheus's selector).
   */
  ruleLabels: Record<string, string>;
  /**
   * Runbook link of every alert; `%s` becomes the alert name in lower case.
   * Default: `https://github.com/donaldgifford/server-price-tracker/blob/main/docs/runbooks.md#%s`.
   * @pattern ^https?://[^\s]+$
   */
  runbookUrlPattern: string;
  /**
   * Dashboard uid: keep it stable, links and bookmarks use it. Default: `spt-overview`.
   * @pattern ^[a-zA-Z0-9_-]{1,40}$
   */
  dashboardUid: string;
  /**
   * Dashboard title, one line of at most 200 characters. Default: `SPT Overview`.
   * @pattern ^[^\n]{1,200}$
   */
  dashboardTitle: string;
  /** Default: `spt`, `server-price-tracker`. */
  dashboardTags: string[];
  /**
   * Dashboard auto-refresh interval; empty turns auto-refresh off. Default: `30s`.
   * @pattern ^(|\d+[smhdwy])$
   */
  dashboardRefresh: string;
  /**
   * Range of the dashboards' rate() windows: a Prometheus duration, or one of Grafana's interval variables
   * (`$__rate_interval`, `$__interval`, `$__range`, also written `${...}`); `$__rate_interval` adapts to the
   * scrape interval. Default: `$__rate_interval`.
   */
  rateInterval: string;
  /**
   * Labels of the dashboard ConfigMap; Grafana's sidecar loads ConfigMaps that carry `grafana_dashboard: "1"`.
   * Default: `grafana_dashboard: "1"`.
   */
  grafanaDashboardLabels: Record<string, string>;
  /**
   * Which dashboard files the render writes: `classic`, the JSON model (schemaVersion 39) every Grafana from 10
   * to 13 imports; `v2`, the `dashboard.grafana.app/v2` resource Grafana 13 exports and Git Sync keeps; or `both`,
   * the v2 file with its own Kustomize entry point beside the classic one. Unset: `classic`.
   */
  grafanaDashboardFormat?: GrafanaDashboardFormat;
  /**
   * A grafana-operator resource carrying the dashboard inline, beside the sidecar ConfigMap, for clusters that run
   * the operator instead of the sidecar. Unset (the default): none.
   */
  grafanaOperator?: GrafanaOperatorConfig;
  /**
   * Grafana's base URL, e.g. `https://grafana.example.com`: every alert then gets a `dashboard_url` annotation that
   * opens the dashboard on the panel showing its signal, with the alert's environment labels as variables.
   * Unset (the default): no such annotation.
   * @pattern ^https?://[^\s{}]+$
   */
  grafanaUrl?: string;
  /**
   * Alertmanager receivers by severity for deploy/alertmanager/, e.g. `{ critical: 'pricing-pager' }`; define
   * them in your Alertmanager. Unset severities get placeholders: `spt-critical-placeholder`,
   * `spt-warning-placeholder`, `spt-info-placeholder`.
   */
  alertmanagerReceivers?: Partial<Record<AlertSeverity, string>>;
}

export type GrafanaDashboardFormat = 'classic' | 'v2' | 'both';

export interface GrafanaOperatorConfig {
  /** Labels of the `Grafana` resources that load the dashboard (`spec.instanceSelector.matchLabels`), e.g. `dashboards: grafana`. */
  instanceSelector: Record<string, string>;
}

export const defaultConfig: SptConfig = {
  sptSelector: 'job="server-price-tracker"',
  ebayDailyLimit: 5000,
  ebayQuotaWarning: 4000,
  errorRateThreshold: 0.05,
  extractionFailureRateThreshold: 0.1,
  alerts: {
    SptDown: { for: '2m', severity: 'critical' },
    SptReadinessDown: { for: '2m', severity: 'critical' },
    SptHighErrorRate: { for: '5m', severity: 'warning' },
    SptIngestionErrors: { for: '5m', severity: 'warning' },
    SptExtractionFailures: { for: '5m', severity: 'warning' },
    SptEbayQuotaHigh: { for: '5m', severity: 'warning' },
    SptEbayLimitReached: { for: '0m', severity: 'critical' },
    SptNotificationFailures: { for: '1m', severity: 'warning' },
  },
  ruleLabels: {
    'app.kubernetes.io/name': 'server-price-tracker',
    'app.kubernetes.io/part-of': 'spt-mixin',
    prometheus: 'k8s',
    role: 'alert-rules',
  },
  runbookUrlPattern: 'https://github.com/donaldgifford/server-price-tracker/blob/main/docs/runbooks.md#%s',
  dashboardUid: 'spt-overview',
  dashboardTitle: 'SPT Overview',
  dashboardTags: ['spt', 'server-price-tracker'],
  dashboardRefresh: '30s',
  rateInterval: '$__rate_interval',
  grafanaDashboardLabels: { grafana_dashboard: '1' },
};
