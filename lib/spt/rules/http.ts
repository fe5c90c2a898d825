/** Is SPT's API answering without server errors? */
import type { RuleGroup } from '../../engine/mixin.js';
import { promql } from '../../engine/promql.js';
import { group } from '../../prometheus/rules.js';
import { recorded } from '../catalogue.js';
import type { Context } from '../context.js';
import { sptAlert } from './alert.js';

export function httpAlerts(ctx: Context): RuleGroup {
  return group('spt-http', [
    sptAlert(
      ctx,
      'SptHighErrorRate',
      promql`${recorded.httpErrorsRate5m} / ${recorded.httpRequestsRate5m} > ${ctx.config.errorRateThreshold}`,
    ),
  ]);
}
