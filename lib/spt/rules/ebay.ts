/** Is SPT staying within eBay's daily API allowance? */
import type { RuleGroup } from '../../engine/mixin.js';
import { promql } from '../../engine/promql.js';
import { group } from '../../prometheus/rules.js';
import { metrics } from '../catalogue.js';
import type { Context } from '../context.js';
import { counterGrewAlert, sptAlert } from './alert.js';

export function ebayAlerts(ctx: Context): RuleGroup {
  return group('spt-ebay', [
    sptAlert(ctx, 'SptEbayQuotaHigh', promql`${metrics.ebayDailyUsage.where(ctx.selector)} > ${ctx.config.ebayQuotaWarning}`),
    counterGrewAlert(ctx, 'SptEbayLimitReached', metrics.ebayDailyLimitHits),
  ]);
}
