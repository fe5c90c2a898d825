/**
 * docs/runbooks.md: what the on-call engineer reads after following an alert's `runbook_url`. Built from the
 * rendered alerts (so the expression, `for` and severity are the ones Prometheus runs, patches included) and
 * from prose partials in templates/runbooks/, which read thresholds from the config.
 */
import GithubSlugger from 'github-slugger';
import type { Mixin, Rule } from '../engine/mixin.js';
import { formatMatchers } from '../engine/promql.js';
import { ALERT_PANELS, findPanel } from './alert-panels.js';
import type { SptAlertName, SptConfig } from './config.js';
import { contextOf, percent, renderText } from './context.js';
import { DASHBOARD_FILE } from './mixin.js';
import { COUNTER_WINDOW } from './rules/alert.js';
import { RECORDING_WINDOW_WORDS } from './window.js';

export const RUNBOOKS_FILE = 'runbooks.md';

export function runbooksMarkdown(mixin: Mixin<SptConfig>): string {
  const config = mixin._config;
  const ctx = contextOf(config);
  const dashboard = mixin.grafanaDashboards[DASHBOARD_FILE] ?? {};
  const selector = formatMatchers(ctx.selector);
  const slugger = new GithubSlugger();
  const grafana = config.grafanaUrl?.replace(/\/+$/, '');
  const alerts = sptAlerts(mixin).map((rule) => {
    const name = rule.alert as SptAlertName;
    const panel = findPanel(dashboard, ALERT_PANELS[name]);
    const data = {
      config,
      alert: name,
      percent,
      environmentLabels: ctx.environmentLabels,
      /** A raw SPT metric with the configured selector, ready to paste into Prometheus. */
      metric: (metricName: string) => `${metricName}{${selector}}`,
      window: COUNTER_WINDOW.text,
      recordingWindow: RECORDING_WINDOW_WORDS,
    };
    return {
      name,
      anchor: slugger.slug(name),
      severity: rule.labels?.severity ?? '',
      for: rule.for ?? '0m',
      summary: rule.annotations?.summary ?? '',
      expr: rule.expr,
      panel,
      /** The panel in Grafana, when the config says where Grafana is. */
      panelUrl: grafana ? `${grafana}/d/${config.dashboardUid}?viewPanel=${panel.id}` : '',
      body: renderText(`runbooks/${name}`, data),
    };
  });
  return `${renderText('runbooks.md', {
    alerts,
    dashboardTitle: config.dashboardTitle,
    dashboardUid: config.dashboardUid,
    environmentLabels: ctx.environmentLabels,
  })}\n`;
}

/** The rendered alerts this mixin has runbook partials for, once each, in rule-file order. */
function sptAlerts(mixin: Mixin<SptConfig>): Rule[] {
  const seen = new Set<string>();
  return mixin.prometheusAlerts.groups
    .flatMap((group) => group.rules)
    .filter((rule) => {
      if (rule.alert === undefined || !(rule.alert in ALERT_PANELS) || seen.has(rule.alert)) return false;
      seen.add(rule.alert);
      return true;
    });
}
