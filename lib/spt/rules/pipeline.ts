/** Is the listing pipeline (ingestion, then LLM extraction) working? */
import type { RuleGroup } from '../../engine/mixin.js';
import { promql } from '../../engine/promql.js';
import { group } from '../../prometheus/rules.js';
import { recorded } from '../catalogue.js';
import type { Context } from '../context.js';
import { sptAlert } from './alert.js';

export function pipelineAlerts(ctx: Context): RuleGroup {
  return group('spt-pipeline', [
    sptAlert(ctx, 'SptIngestionErrors', promql`${recorded.ingestionErrorsRate5m} > 0`),
    sptAlert(
      ctx,
      'SptExtractionFailures',
      promql`${recorded.extractionFailuresRate5m} > ${ctx.config.extractionFailureRateThreshold}`,
    ),
  ]);
}
