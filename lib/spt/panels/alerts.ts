/** Alerts row: deal alerts SPT sends, and notifications that failed to go out. */
import { stat, thresholds, timeseries, type PanelContent } from '../../grafana/panel.js';
import { metrics } from '../catalogue.js';
import type { Context } from '../context.js';
import { inTimeRange, perMinute } from './queries.js';

export function alertsFiredTimeseries(ctx: Context): PanelContent {
  return timeseries({
    title: 'Alerts Fired Rate',
    description: 'Deal alerts fired per minute.',
    unit: 'cpm',
    queries: [perMinute(ctx, metrics.alertsFired, 'alerts')],
  });
}

export function notificationFailuresStat(ctx: Context): PanelContent {
  return stat({
    title: 'Notification Failures',
    description: 'Alert notifications that failed to send in the selected time range.',
    unit: 'short',
    decimals: 0,
    queries: [inTimeRange(ctx, metrics.notificationFailures, 'failures')],
    thresholds: thresholds('green', [1, 'red']),
  });
}
