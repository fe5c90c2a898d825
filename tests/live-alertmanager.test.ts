/**
 * Live, through a real Alertmanager: Prometheus loads the rendered rules and sends to Alertmanager on the loopback,
 * configured with the rendered deploy/alertmanager/alertmanager.yml (only its receivers pointed at a webhook this
 * test runs, and its group waits shortened). Healthy: nothing is delivered. SPT down: only SptDown, and alerts
 * posted beside it are inhibited. eBay limit reached: SptEbayLimitReached is delivered while SptEbayQuotaHigh fires
 * in Prometheus and is inhibited. Without `prometheus` or `prometheus-alertmanager` it skips, except in CI.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { whenInstalled } from './helpers.js';
import mixin from '../mixin.js';
import { Alertmanager, Webhook, alertmanagerInstalled, webhookConfig } from './live/alertmanager.js';
import { SimulatedSpt, type Scenario } from './live/exporter.js';
import { Prometheus, freePort, prometheusInstalled, sleep, until } from './live/prometheus.js';
import { renderedRuleFiles, scrapeJob, withShortFors } from './live/rules.js';

const live = withShortFors(mixin, '3s');
/** How long to keep listening after the expected notifications, for any that should not come. */
const SETTLE_MS = 5000;

whenInstalled(prometheusInstalled() && alertmanagerInstalled(), 'the live Alertmanager test', 'prometheus and prometheus-alertmanager', () =>
  test('live through Alertmanager: healthy nothing; SPT down only SptDown; eBay limit inhibits the quota warning', liveAlertmanager),
);

test.run();

/** A fresh exporter, webhook, Alertmanager and Prometheus for one scenario, stopped whatever happens. */
async function withStack(run: (spt: SimulatedSpt, hook: Webhook, am: Alertmanager, prometheus: Prometheus) => Promise<void>): Promise<void> {
  const [spt, hook] = await Promise.all([SimulatedSpt.start(), Webhook.start()]);
  let am: Alertmanager | undefined;
  let prometheus: Prometheus | undefined;
  try {
    am = await Alertmanager.start(await freePort(), await webhookConfig(live, hook.url));
    prometheus = await Prometheus.start({ port: await freePort(), job: scrapeJob(live._config), target: spt.target, rules: await renderedRuleFiles(live), alertmanager: am.address });
    const p = prometheus;
    await until('the target scraped', async () => ((await p.targets()).some((t) => t.health === 'up') ? true : undefined), 15_000);
    await until('no alert left from before the first scrapes', async () => ((await p.alerts()).length === 0 ? true : undefined), 10_000);
    await run(spt, hook, am, prometheus);
  } finally {
    await Promise.all([spt.close(), hook.close(), am?.stop(), prometheus?.stop()]);
  }
}

/** Sets the fault, waits for `expected` to be delivered, listens on, and returns everything delivered. */
async function deliveredUnder(spt: SimulatedSpt, hook: Webhook, faults: Scenario, expected: readonly string[]): Promise<string[]> {
  spt.scenario = faults;
  await until(
    () => `${expected.join(', ')} to be delivered; delivered: ${hook.delivered().join(', ') || 'nothing'}`,
    async () => (expected.every((name) => hook.delivered().includes(name)) ? true : undefined),
    30_000,
    250,
  );
  await sleep(SETTLE_MS);
  return hook.delivered();
}

const firingIn = async (prometheus: Prometheus) => (await prometheus.alerts()).filter((a) => a.state === 'firing').map((a) => a.labels.alertname).sort();

async function liveAlertmanager(): Promise<void> {
  const started = Date.now();

  await withStack(async (spt, hook, _am, prometheus) => {
    spt.scenario = 'healthy';
    await sleep(SETTLE_MS);
    assert.equal(await prometheus.alerts(), [], 'healthy: no alert in Prometheus');
    assert.equal(hook.notifications, [], 'healthy: nothing delivered');
  });

  await withStack(async (spt, hook, am) => {
    assert.equal(await deliveredUnder(spt, hook, 'down', ['SptDown']), ['SptDown'], 'SPT down');
    assert.ok(hook.notifications.every((n) => n.receiver === 'spt-critical-placeholder'), 'SptDown goes to the critical receiver');
    // A scrape that fails takes every other series with it, so Prometheus alone cannot show SptDown silencing the
    // others; posted beside it, as a second Prometheus or a flapping scrape would, they are held back.
    await am.post([
      { alertname: 'SptHighErrorRate', severity: 'warning' },
      { alertname: 'SptEbayQuotaHigh', severity: 'warning' },
    ]);
    await sleep(SETTLE_MS);
    assert.equal(await am.alertsIn('suppressed'), ['SptEbayQuotaHigh', 'SptHighErrorRate']);
    assert.equal(hook.delivered(), ['SptDown'], 'nothing besides SptDown delivered');
  });

  await withStack(async (spt, hook, am, prometheus) => {
    const delivered = await deliveredUnder(spt, hook, ['quotaHigh', 'limitReached'], ['SptEbayLimitReached']);
    assert.equal(await firingIn(prometheus), ['SptEbayLimitReached', 'SptEbayQuotaHigh'], 'both fire in Prometheus');
    assert.equal(await am.alertsIn('suppressed'), ['SptEbayQuotaHigh']);
    assert.equal(delivered, ['SptEbayLimitReached'], 'eBay limit reached');
  });

  console.log(`live Alertmanager test: ${((Date.now() - started) / 1000).toFixed(1)} s`);
}
