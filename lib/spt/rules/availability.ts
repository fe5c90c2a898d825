/** Is SPT running and ready to serve? */
import type { RuleGroup } from '../../engine/mixin.js';
import { duration, promql } from '../../engine/promql.js';
import { group } from '../../prometheus/rules.js';
import { metrics } from '../catalogue.js';
import type { Context } from '../context.js';
import { aggregate } from '../environment.js';
import { sptAlert } from './alert.js';

/**
 * How long an environment whose targets all vanished still raises SptDown: `absent()` cannot name an environment,
 * so a vanished one is found as "seen within this window, not seen now"; past it, nothing remembers it existed.
 */
export const VANISHED_WINDOW = duration('1h');

export function availabilityAlerts(ctx: Context): RuleGroup {
  const up = metrics.up.where(ctx.selector);
  // absent() covers a target that vanished from discovery; `up == 0` one that is discovered but not answering.
  const down =
    ctx.environmentLabels.length === 0
      ? promql`absent(${up}) or ${up} == 0`
      : promql`absent(${up}) or (${aggregate(ctx, 'group', promql`max_over_time(${up}[${VANISHED_WINDOW}])`)} unless ${aggregate(ctx, 'group', up)}) or ${up} == 0`;
  return group('spt-availability', [
    sptAlert(ctx, 'SptDown', down),
    sptAlert(ctx, 'SptReadinessDown', promql`${metrics.readyzUp.where(ctx.selector)} == 0`),
  ]);
}
