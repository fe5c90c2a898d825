/** Are deal alerts reaching their recipients? */
import type { RuleGroup } from '../../engine/mixin.js';
import { duration, promql } from '../../engine/promql.js';
import { group } from '../../prometheus/rules.js';
import { metrics } from '../catalogue.js';
import type { Context } from '../context.js';
import { sptAlert } from './alert.js';

export function notificationAlerts(ctx: Context): RuleGroup {
  return group('spt-notifications', [
    sptAlert(
      ctx,
      'SptNotificationFailures',
      promql`increase(${metrics.notificationFailures.where(ctx.selector)}[${duration('5m')}]) > 0`,
    ),
  ]);
}
