/** Are deal alerts reaching their recipients? */
import type { RuleGroup } from '../../engine/mixin.js';
import { group } from '../../prometheus/rules.js';
import { metrics } from '../catalogue.js';
import type { Context } from '../context.js';
import { counterGrewAlert } from './alert.js';

export function notificationAlerts(ctx: Context): RuleGroup {
  return group('spt-notifications', [
    counterGrewAlert(ctx, 'SptNotificationFailures', metrics.notificationFailures),
  ]);
}
