/**
 * How SPT's alerts reach people: grouped per alert and environment, sent by severity to the receivers the config
 * names, and inhibited so one fault pages once.
 */
import { eq, neq, re } from '../engine/promql.js';
import type { InhibitRule, Routing } from '../prometheus/alertmanager.js';
import type { AlertSeverity } from '../prometheus/rules.js';
import type { SptConfig } from './config.js';

/** Receivers when the config names none: visibly placeholders, to be defined in the user's Alertmanager. */
export const PLACEHOLDER_RECEIVERS: Readonly<Record<AlertSeverity, string>> = {
  critical: 'spt-critical-placeholder',
  warning: 'spt-warning-placeholder',
  info: 'spt-info-placeholder',
};

const SPT_ALERTS = re('alertname', 'Spt.+');

export function receivers(config: SptConfig): Record<AlertSeverity, string> {
  return { ...PLACEHOLDER_RECEIVERS, ...config.alertmanagerReceivers };
}

/** Warnings go to the route's own receiver; critical and info alerts to theirs. */
export function sptRouting(config: SptConfig): Routing {
  const to = receivers(config);
  return {
    matchers: [SPT_ALERTS],
    groupBy: ['alertname', ...(config.environmentLabels ?? [])],
    receiver: to.warning,
    routes: [
      { matchers: [eq('severity', 'critical')], receiver: to.critical },
      { matchers: [eq('severity', 'info')], receiver: to.info },
    ],
  };
}

/**
 * A deployment is one set of environment-label values; without environment labels one Prometheus sees one SPT,
 * and `equal` is empty. The checks (`alertmanager/inhibit-equal`) prove every alert can carry these labels.
 */
export function sptInhibitRules(config: SptConfig): InhibitRule[] {
  const deployment = config.environmentLabels ?? [];
  return [
    { source: [eq('alertname', 'SptDown')], target: [SPT_ALERTS, neq('alertname', 'SptDown')], equal: deployment },
    { source: [eq('alertname', 'SptEbayLimitReached')], target: [eq('alertname', 'SptEbayQuotaHigh')], equal: deployment },
    { source: [SPT_ALERTS, eq('severity', 'critical')], target: [SPT_ALERTS, eq('severity', 'warning')], equal: ['alertname', ...deployment] },
  ];
}
