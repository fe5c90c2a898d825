/** All SPT alert groups, one per concern. */
import type { RuleGroup } from '../../engine/mixin.js';
import type { Context } from '../context.js';
import { availabilityAlerts } from './availability.js';
import { ebayAlerts } from './ebay.js';
import { httpAlerts } from './http.js';
import { notificationAlerts } from './notifications.js';
import { pipelineAlerts } from './pipeline.js';

export function alertGroups(ctx: Context): RuleGroup[] {
  return [availabilityAlerts(ctx), httpAlerts(ctx), pipelineAlerts(ctx), ebayAlerts(ctx), notificationAlerts(ctx)];
}
