/** Alerts row: deal alerts SPT sends, and notifications that failed to go out. */
import { query, stat, thresholds, timeseries, type PanelContent } from '../../grafana/panel.js';
import { dashboardDuration, promql } from '../../engine/promql.js';
import { metrics } from '../catalogue.js';
import type { Context } from '../context.js';

export function alertsFiredTimeseries({ selector, rateInterval }: Context): PanelContent {
  return timeseries({
    title: 'Alerts Fired Rate',
    description: 'Deal alerts fired per minute.',
    unit: 'cpm',
    queries: [query(promql`60 * sum(rate(${metrics.alertsFired.where(selector)}[${rateInterval}]))`, 'alerts')],
  });
}

export function notificationFailuresStat({ selector }: Context): PanelContent {
  return stat({
    title: 'Notification Failures',
    description: 'Alert notifications that failed to send in the selected time range.',
    unit: 'short',
    decimals: 0,
    queries: [
      query(promql`sum(increase(${metrics.notificationFailures.where(selector)}[${dashboardDuration('$__range')}]))`, 'failures', {
        instant: true,
      }),
    ],
    thresholds: thresholds('green', [1, 'red']),
  });
}
