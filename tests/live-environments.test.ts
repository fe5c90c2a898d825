/**
 * Live, two environments: one Prometheus scrapes two simulated SPTs, one labelled `env="prod"`, one
 * `env="staging"`, and loads the rules rendered with `environmentLabels: [env]`. Every fault in staging fires that
 * environment's alert and none for prod, and every panel query answers for each environment as Grafana would send
 * it with that one selected. Without `prometheus` on PATH the test skips, except in CI.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { whenInstalled } from './helpers.js';
import mixin from '../mixin.js';
import { interpolate, panelQueries } from './live/dashboard.js';
import { FAULTS, SimulatedSpt } from './live/exporter.js';
import { Prometheus, freePort, prometheusInstalled, until, type Alert } from './live/prometheus.js';
import { renderedRuleFiles, scrapeJob, withShortFors } from './live/rules.js';

const INTERVAL = 1;

whenInstalled(prometheusInstalled(), 'the two-environment live test', 'prometheus', () =>
  test('live, two environments: staging faults fire staging alerts only; every panel answers per environment', liveTwoEnvironments),
);

test.run();

async function liveTwoEnvironments(): Promise<void> {
  const envMixin = withShortFors(mixin.withConfig({ environmentLabels: ['env'] }), '3s');
  const [prod, staging] = await Promise.all([SimulatedSpt.start(), SimulatedSpt.start()]);
  let prometheus: Prometheus | undefined;
  try {
    prometheus = await Prometheus.start({
      port: await freePort(),
      job: scrapeJob(envMixin._config),
      rules: await renderedRuleFiles(envMixin),
      labelledTargets: [
        { target: prod.target, labels: { env: 'prod' } },
        { target: staging.target, labels: { env: 'staging' } },
      ],
    });
    const started = Math.floor(Date.now() / 1000);
    const running = prometheus;
    await until('both targets scraped', async () => ((await running.targets()).filter((t) => t.health === 'up').length === 2 ? true : undefined), 15_000);
    await until('no alert left from before the first scrapes', async () => ((await running.alerts()).length === 0 ? true : undefined), 10_000);

    const faults = FAULTS.filter((f) => f !== 'down');
    staging.scenario = faults;
    const expected = ['SptHighErrorRate', 'SptReadinessDown', 'SptIngestionErrors', 'SptExtractionFailures', 'SptEbayQuotaHigh', 'SptEbayLimitReached', 'SptNotificationFailures'];
    let alerts: Alert[] = [];
    await until(
      () => `every staging alert to fire; firing: ${alerts.filter((a) => a.state === 'firing').map((a) => `${a.labels.alertname}{env=${a.labels.env}}`).join(', ') || 'none'}`,
      async () => {
        alerts = await running.alerts();
        const firing = new Set(alerts.filter((a) => a.state === 'firing' && a.labels.env === 'staging').map((a) => a.labels.alertname));
        return expected.every((name) => firing.has(name)) ? true : undefined;
      },
      30_000,
      250,
    );
    assert.equal(alerts.filter((a) => a.labels.env !== 'staging').map((a) => `${a.labels.alertname}{env=${a.labels.env}} ${a.state}`), [], 'alerts outside staging');
    for (const alert of alerts) assert.match(alert.annotations.description ?? '', 'env=staging', `${alert.labels.alertname} does not name its environment`);

    const end = Math.floor(Date.now() / 1000);
    const timing = { intervalSeconds: INTERVAL, scrapeSeconds: INTERVAL, rangeSeconds: end - started };
    const queries = Object.values(envMixin.grafanaDashboards).flatMap((d) => panelQueries(d as { panels?: unknown[] }));
    const failures: string[] = [];
    for (const env of ['prod', 'staging']) {
      for (const q of queries) {
        const expr = interpolate(q.expr, timing, { env });
        const result = await (q.instant ? running.query(expr, end) : running.queryRange(expr, started, end, INTERVAL)).catch((error: unknown) => String(error));
        if (typeof result === 'string') failures.push(`${env}: ${q.panel} ${q.refId}: ${result}`);
        else if (result.length === 0) failures.push(`${env}: ${q.panel} ${q.refId}: no data for ${expr}`);
        else if (result.some((s) => s.metric.env !== undefined && s.metric.env !== env)) failures.push(`${env}: ${q.panel} ${q.refId}: another environment's series in ${expr}`);
      }
    }
    assert.equal(failures, []);
  } finally {
    await Promise.all([prod.close(), staging.close(), prometheus?.stop()]);
  }
}
