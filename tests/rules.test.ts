/** Recording rules and alerts: the plan's names, thresholds, `for` durations and severities. */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import mixin from '../mixin.js';
import type { Rule } from '../mixin.js';

const recording = mixin.prometheusRules.groups.flatMap((g) => g.rules);
const alerts = mixin.prometheusAlerts.groups.flatMap((g) => g.rules);

test('the plan\'s 6 recording rules, with their expressions over the SPT selector', () => {
  assert.equal(
    recording.map((r) => [r.record, r.expr]),
    [
      ['spt:http_requests:rate5m', 'sum(rate(spt_http_requests_total{job="server-price-tracker"}[5m]))'],
      ['spt:http_errors:rate5m', 'sum(rate(spt_http_requests_total{job="server-price-tracker", status=~"5.."}[5m]))'],
      ['spt:ingestion_listings:rate5m', 'rate(spt_ingestion_listings_total{job="server-price-tracker"}[5m])'],
      ['spt:ingestion_errors:rate5m', 'rate(spt_ingestion_errors_total{job="server-price-tracker"}[5m])'],
      ['spt:extraction_failures:rate5m', 'rate(spt_extraction_failures_total{job="server-price-tracker"}[5m])'],
      ['spt:ebay_api_calls:rate5m', 'rate(spt_ebay_api_calls_total{job="server-price-tracker"}[5m])'],
    ],
  );
});

// The plan's alert table: name, expression, for (undefined = fires at once), severity.
const PLAN: Array<[string, string, string | undefined, string]> = [
  ['SptDown', 'absent(up{job="server-price-tracker"}) or up{job="server-price-tracker"} == 0', '2m', 'critical'],
  ['SptReadinessDown', 'spt_readyz_up{job="server-price-tracker"} == 0', '2m', 'critical'],
  ['SptHighErrorRate', 'spt:http_errors:rate5m / spt:http_requests:rate5m > 0.05', '5m', 'warning'],
  ['SptIngestionErrors', 'spt:ingestion_errors:rate5m > 0', '5m', 'warning'],
  ['SptExtractionFailures', 'spt:extraction_failures:rate5m > 0.1', '5m', 'warning'],
  ['SptEbayQuotaHigh', 'spt_ebay_daily_usage{job="server-price-tracker"} > 4000', '5m', 'warning'],
  ['SptEbayLimitReached', 'increase(spt_ebay_daily_limit_hits_total{job="server-price-tracker"}[5m]) > 0', undefined, 'critical'],
  ['SptNotificationFailures', 'increase(spt_notification_failures_total{job="server-price-tracker"}[5m]) > 0', '1m', 'warning'],
];

test('the plan\'s 8 alerts: expressions, for durations and severities', () => {
  assert.equal(
    alerts.map((r) => [r.alert, r.expr, r.for, r.labels?.severity]),
    PLAN,
  );
});

test('every alert has a static summary sentence, a description showing the value, and a runbook link', () => {
  for (const rule of alerts as Required<Rule>[]) {
    const { summary, description, runbook_url } = rule.annotations;
    assert.ok(summary && /^[A-Z].*\.$/.test(summary) && !summary.includes('{{'), `${rule.alert} summary: ${summary}`);
    assert.ok(description?.includes('$value'), `${rule.alert} description shows the value`);
    assert.ok(runbook_url?.startsWith('https://') && runbook_url.endsWith(`#${rule.alert.toLowerCase()}`), runbook_url);
  }
});

test('config drives thresholds, durations and severities', () => {
  const tuned = mixin.withConfig({
    ebayQuotaWarning: 4500,
    errorRateThreshold: 0.1,
    alerts: { SptDown: { for: '10m', severity: 'warning' } },
  });
  const byName = new Map(tuned.prometheusAlerts.groups.flatMap((g) => g.rules).map((r) => [r.alert, r]));
  assert.ok(byName.get('SptEbayQuotaHigh')?.expr.endsWith('> 4500'));
  assert.ok(byName.get('SptEbayQuotaHigh')?.annotations?.description?.includes('4500'));
  assert.ok(byName.get('SptHighErrorRate')?.expr.endsWith('> 0.1'));
  assert.equal([byName.get('SptDown')?.for, byName.get('SptDown')?.labels?.severity], ['10m', 'warning']);
  assert.is(byName.get('SptReadinessDown')?.for, '2m', 'other alerts keep their defaults');
});

test('the selector reaches every raw-metric rule and every panel query', () => {
  const tuned = mixin.withConfig({ sptSelector: 'job="spt", env="prod"' });
  const rules = [...tuned.prometheusRules.groups, ...tuned.prometheusAlerts.groups].flatMap((g) => g.rules);
  const panels = JSON.stringify(tuned.grafanaDashboards);
  assert.not.ok(JSON.stringify(rules).includes('server-price-tracker"'), 'no default selector left in rules');
  assert.not.ok(panels.includes('job=\\"server-price-tracker\\"'), 'no default selector left in panels');
  for (const r of rules) {
    for (const m of r.expr.matchAll(/\b(spt_[a-z_]+|up)\b(\{[^}]*\})?/g)) assert.ok(m[2]?.startsWith('{job="spt", env="prod"'), r.expr);
  }
});

test.run();
