/** Is SPT running and ready to serve? */
import type { RuleGroup } from '../../engine/mixin.js';
import { promql } from '../../engine/promql.js';
import { group } from '../../prometheus/rules.js';
import { metrics } from '../catalogue.js';
import type { Context } from '../context.js';
import { sptAlert } from './alert.js';

export function availabilityAlerts(ctx: Context): RuleGroup {
  const up = metrics.up.where(ctx.selector);
  return group('spt-availability', [
    // absent() covers a target that vanished from discovery; `up == 0` one that is discovered but not answering.
    sptAlert(ctx, 'SptDown', promql`absent(${up}) or ${up} == 0`),
    sptAlert(ctx, 'SptReadinessDown', promql`${metrics.readyzUp.where(ctx.selector)} == 0`),
  ]);
}
