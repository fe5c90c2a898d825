/** The plan's six recording rules: 5-minute rates the alerts (and anyone's ad-hoc queries) build on. */
import type { RuleGroup } from '../../engine/mixin.js';
import { promql, re, type VectorSelector } from '../../engine/promql.js';
import { group, recordingRule } from '../../prometheus/rules.js';
import { metrics, recorded } from '../catalogue.js';
import type { Context } from '../context.js';
import { aggregate } from '../environment.js';
import { RECORDING_WINDOW } from '../window.js';

export function recordingRules(ctx: Context): RuleGroup[] {
  const { selector } = ctx;
  const rate = (series: VectorSelector) => promql`rate(${series}[${RECORDING_WINDOW}])`;
  const { httpRequests } = metrics;
  return [
    group('spt.rules', [
      recordingRule(recorded.httpRequestsRate5m.name, aggregate(ctx, 'sum', rate(httpRequests.where(selector)))),
      recordingRule(recorded.httpErrorsRate5m.name, aggregate(ctx, 'sum', rate(httpRequests.where(selector, re('status', '5..'))))),
      recordingRule(recorded.ingestionListingsRate5m.name, rate(metrics.ingestionListings.where(selector))),
      recordingRule(recorded.ingestionErrorsRate5m.name, rate(metrics.ingestionErrors.where(selector))),
      recordingRule(recorded.extractionFailuresRate5m.name, rate(metrics.extractionFailures.where(selector))),
      recordingRule(recorded.ebayApiCallsRate5m.name, rate(metrics.ebayApiCalls.where(selector))),
    ]),
  ];
}
