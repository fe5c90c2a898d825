/**
 * Live: the rendered rules and the dashboard's queries, run by a real Prometheus (Debian's 2.42) scraping a
 * simulated SPT every second. Alert `for`s are shortened to seconds through `_config` so pending and firing
 * happen within the test. Everything listens on 127.0.0.1 and is gone at the end, whether the test passed or
 * not. Without `prometheus` on PATH the test skips, except in CI.
 */
import { existsSync } from 'node:fs';
import { basename } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { whenInstalled } from './helpers.js';
import mixin from '../mixin.js';
import { metrics, recorded } from '../lib/spt/catalogue.js';
import { interpolate, panelQueries } from './live/dashboard.js';
import { FAULTS, SimulatedSpt, type Fault } from './live/exporter.js';
import {
  Prometheus,
  freePort,
  prometheusInstalled,
  sleep,
  until,
  type Alert,
  type RuleGroupStatus,
  type Series,
} from './live/prometheus.js';
import { expectedSumRate } from './live/rate.js';
import { renderedRuleFiles, scrapeJob, withShortFors } from './live/rules.js';

const SHORT_FOR_SECONDS = 3;
/** Scrape and evaluation interval, seconds. */
const INTERVAL = 1;
const HEALTHY_MS = 8000;
/** The recording rules' window, `[5m]`. */
const RULE_RANGE_SECONDS = 300;
/**
 * Allowed relative gap between a recorded value and the one computed from the exporter's log. They usually agree
 * to within 0.1 %, but a scrape landing within a millisecond of an evaluation puts one sample on the other side
 * of the window, which moves a young 5m rate by a few percent: hence 10 %, still far below any wrong rule.
 */
const TOLERANCE = 0.1;

/** The alert each fault must raise. */
const ALERT_OF_FAULT: Record<Fault, string> = {
  http5xx: 'SptHighErrorRate',
  notReady: 'SptReadinessDown',
  ingestionErrors: 'SptIngestionErrors',
  extractionFailures: 'SptExtractionFailures',
  quotaHigh: 'SptEbayQuotaHigh',
  limitReached: 'SptEbayLimitReached',
  notificationFailures: 'SptNotificationFailures',
  down: 'SptDown',
};

/** Which counter, and which of its series, each recorded series sums the rate of. */
const RECORDED_FROM: Record<string, { counter: string; where?: (labels: Record<string, string>) => boolean }> = {
  [recorded.httpRequestsRate5m.name]: { counter: metrics.httpRequests.name },
  [recorded.httpErrorsRate5m.name]: { counter: metrics.httpRequests.name, where: (l) => /^5\d\d$/.test(l.status ?? '') },
  [recorded.ingestionListingsRate5m.name]: { counter: metrics.ingestionListings.name },
  [recorded.ingestionErrorsRate5m.name]: { counter: metrics.ingestionErrors.name },
  [recorded.extractionFailuresRate5m.name]: { counter: metrics.extractionFailures.name },
  [recorded.ebayApiCallsRate5m.name]: { counter: metrics.ebayApiCalls.name },
};

whenInstalled(prometheusInstalled(), 'the live test', 'prometheus', liveTests);

test.run();

function liveTests(): void {
  const began = Date.now();
  const testMixin = withShortFors(mixin, `${SHORT_FOR_SECONDS}s`);
  const job = scrapeJob(testMixin._config);
  const alertRules = new Map(testMixin.prometheusAlerts.groups.flatMap((g) => g.rules).map((r) => [r.alert as string, r]));
  let live: { exporter: SimulatedSpt; prometheus: Prometheus; startedAt: number } | undefined;
  const running = () => {
    if (!live) throw new Error('the exporter and Prometheus did not start');
    return live;
  };

  // Ctrl-C would end the process without its 'exit' handlers, which stop Prometheus and remove its folder.
  const exitOnSignal = () => process.exit(130);
  process.once('SIGINT', exitOnSignal).once('SIGTERM', exitOnSignal);

  const stopAll = async () => {
    await Promise.all([live?.exporter.close(), live?.prometheus.stop()]);
    process.removeListener('SIGINT', exitOnSignal).removeListener('SIGTERM', exitOnSignal);
  };

  test.after(async () => {
    await stopAll();
    console.log(`live test: ${((Date.now() - began) / 1000).toFixed(1)} s`);
  });

  test('live: the test config shortens every alert `for`; each alert has a fault, each recorded series a source', () => {
    for (const rule of alertRules.values()) {
      assert.ok(rule.for === undefined || rule.for === `${SHORT_FOR_SECONDS}s`, `${rule.alert}: ${rule.for}`);
    }
    assert.equal(Object.values(ALERT_OF_FAULT).sort(), [...alertRules.keys()].sort());
    const recordingRules = testMixin.prometheusRules.groups.flatMap((g) => g.rules);
    assert.equal(recordingRules.map((r) => r.record).sort(), Object.keys(RECORDED_FROM).sort());
    for (const rule of recordingRules) assert.match(rule.expr, '[5m]', `${rule.record} no longer has the window RULE_RANGE_SECONDS assumes`);
  });

  test('live: Prometheus loads every rule group and every rule evaluates with health ok', async () => {
    const exporter = await SimulatedSpt.start();
    try {
      const rules = await renderedRuleFiles(testMixin);
      const prometheus = await Prometheus.start({ port: await freePort(), job, target: exporter.target, rules });
      live = { exporter, prometheus, startedAt: Date.now() / 1000 };
      const expected = Object.entries(rules).flatMap(([file, { groups }]) =>
        groups.map((g) => ({ file, name: g.name, rules: g.rules.map((r) => r.record ?? r.alert) })),
      );
      // Prometheus hands discovered targets to the scrape manager at most every 5 s, so the first scrape waits.
      await until('the first scrape', async () => ((await prometheus.targets()).some((t) => t.health === 'up') ? true : undefined), 10_000);
      const groups = await until(
        'every rule evaluated once',
        async () => {
          const status = await prometheus.ruleGroups();
          return status.every((g) => g.rules.every((r) => r.health !== 'unknown')) ? status : undefined;
        },
        5000,
      );
      const byFileAndName = (a: { file: string; name: string }, b: { file: string; name: string }) =>
        a.file.localeCompare(b.file) || a.name.localeCompare(b.name);
      assert.equal(
        groups.map((g) => ({ file: basename(g.file), name: g.name, rules: g.rules.map((r) => r.name) })).sort(byFileAndName),
        expected.sort(byFileAndName),
      );
      assertHealthy(groups);
      // Before the first scrape `up` is absent, so SptDown may be pending; it has to clear before "healthy" starts.
      await until('no alert left from before the first scrape', async () => ((await prometheus.alerts()).length === 0 ? true : undefined), 5000);
    } catch (error) {
      await Promise.all([exporter.close(), stopAll()]);
      live = undefined;
      throw error;
    }
  });

  test('live: healthy traffic raises no alert, and the recording rules match it', async () => {
    const { exporter, prometheus } = running();
    exporter.scenario = 'healthy';
    const seen = new Set<string>();
    for (const deadline = Date.now() + HEALTHY_MS; Date.now() < deadline; await sleep(250)) {
      for (const alert of await prometheus.alerts()) seen.add(`${alert.labels.alertname} (${alert.state})`);
    }
    assert.equal([...seen], [], 'alerts while healthy');
    assert.equal(await recordingRuleMismatches(), []);
  });

  test('live: under its fault every alert goes pending, then firing (SptEbayLimitReached at once)', async () => {
    const { exporter, prometheus } = running();
    const faults = FAULTS.filter((f) => f !== 'down');
    exporter.scenario = faults;
    await expectAlerts(faults.map((f) => ALERT_OF_FAULT[f]));
    assertHealthy(await prometheus.ruleGroups());
  });

  test('live: the recording rules match the faulty traffic', async () => {
    assert.equal(await recordingRuleMismatches(), []);
  });

  test('live: every panel query runs as Grafana would run it and returns data', async () => {
    const { prometheus, startedAt } = running();
    const end = Math.floor(Date.now() / 1000);
    const start = Math.ceil(startedAt);
    const timing = { intervalSeconds: INTERVAL, scrapeSeconds: INTERVAL, rangeSeconds: end - start };
    const queries = Object.values(mixin.grafanaDashboards).flatMap((d) => panelQueries(d as { panels?: unknown[] }));
    assert.ok(queries.length > 0);
    const failures: string[] = [];
    for (const q of queries) {
      const expr = interpolate(q.expr, timing);
      const runs: Array<[string, () => Promise<Series[]>]> = [['range', () => prometheus.queryRange(expr, start, end, INTERVAL)]];
      if (q.instant) runs.push(['instant', () => prometheus.query(expr, end)]);
      for (const [kind, run] of runs) {
        const result = await run().catch((error: unknown) => String(error));
        if (typeof result === 'string') failures.push(`${q.panel} ${q.refId} (${kind}): ${result}`);
        else if (result.length === 0) failures.push(`${q.panel} ${q.refId} (${kind}): no data for ${expr}`);
      }
    }
    assert.equal(failures, []);
  });

  test('live: SptDown goes pending, then firing, when the target stops answering', async () => {
    const { exporter } = running();
    exporter.scenario = 'down';
    await expectAlerts([ALERT_OF_FAULT.down]);
  });

  // The run's duration is printed, not asserted: every wait has its own time-out, and a wall-clock bound would
  // only measure how busy the machine is.
  test('live: stopping leaves no process and no file behind', async () => {
    const { prometheus } = running();
    await stopAll();
    assert.not.ok(prometheus.running, 'prometheus still runs');
    assert.not.ok(existsSync(prometheus.dir), `${prometheus.dir} is left behind`);
  });

  /**
   * Polls the alerts until every one of `names` fires, and checks each went through pending for its `for`
   * (or fired at once without one), with its annotations expanded, and that no other alert became active.
   * Alerts active at the start are left out: [5m] windows keep an earlier fault's alerts firing for minutes.
   */
  async function expectAlerts(names: readonly string[]): Promise<void> {
    const { prometheus } = running();
    const earlier = new Set((await prometheus.alerts()).map((a) => a.labels.alertname));
    const pendingSeen = new Set<string>();
    const firing = new Map<string, { alert: Alert; seenAt: number }>();
    const others = new Set<string>();
    await until(
      () => `${names.filter((n) => !firing.has(n)).join(', ')} to fire (pending seen: ${[...pendingSeen].join(', ') || 'none'})`,
      async () => {
        for (const alert of await prometheus.alerts()) {
          const name = alert.labels.alertname;
          if (!names.includes(name)) {
            if (!earlier.has(name)) others.add(`${name} (${alert.state})`);
          } else if (alert.state === 'pending') {
            pendingSeen.add(name);
          } else if (!firing.has(name)) {
            firing.set(name, { alert, seenAt: Date.now() });
          }
        }
        return names.every((n) => firing.has(n)) ? true : undefined;
      },
      20_000,
      200,
    );
    assert.equal([...others], [], 'alerts of no fault in effect');
    for (const name of names) {
      const { alert, seenAt } = firing.get(name) as { alert: Alert; seenAt: number };
      if (alertRules.get(name)?.for) {
        assert.ok(pendingSeen.has(name), `${name} was never seen pending`);
        const pendingFor = seenAt - Date.parse(alert.activeAt);
        assert.ok(pendingFor >= SHORT_FOR_SECONDS * 1000, `${name} fired ${pendingFor} ms after becoming active`);
      } else {
        assert.not.ok(pendingSeen.has(name), `${name} has no \`for\` but was pending`);
      }
      for (const [key, text] of Object.entries(alert.annotations)) {
        assert.not.match(text, /error expanding template|\{\{|<no value>/, `${name} ${key}: ${text}`);
      }
    }
  }

  /** Each recorded series against the rate the exporter's served counters imply, at the rule's last evaluation. */
  async function recordingRuleMismatches(): Promise<string[]> {
    const { exporter, prometheus } = running();
    const catalogued = new Map(Object.values(recorded).map((r) => [r.name, r]));
    const mismatches: string[] = [];
    for (const [name, { counter, where }] of Object.entries(RECORDED_FROM)) {
      const stamp = (await prometheus.query(`timestamp(${name})`))[0]?.value?.[1];
      const at = stamp === undefined ? Date.now() / 1000 : Number(stamp);
      const [series, ...more] = await prometheus.query(name, at);
      const expected = expectedSumRate(exporter.scrapes, counter, at, RULE_RANGE_SECONDS, where);
      const actual = series?.value === undefined ? undefined : Number(series.value[1]);
      const labels = Object.keys(series?.metric ?? {}).filter((l) => l !== '__name__').sort();
      const close =
        actual === undefined || expected === undefined ? actual === expected : Math.abs(actual - expected) <= TOLERANCE * expected;
      if (!close || more.length > 0) mismatches.push(`${name}: ${actual} (${1 + more.length} series), expected ${expected}`);
      if (series && labels.join() !== [...(catalogued.get(name)?.labels ?? [])].sort().join()) {
        mismatches.push(`${name} has labels ${labels.join()}, the catalogue says ${catalogued.get(name)?.labels.join()}`);
      }
      if (series?.metric.instance !== undefined && series.metric.instance !== exporter.target) {
        mismatches.push(`${name} is for instance ${series.metric.instance}, not ${exporter.target}`);
      }
    }
    return mismatches;
  }
}

function assertHealthy(groups: readonly RuleGroupStatus[]): void {
  for (const group of groups) {
    for (const rule of group.rules) {
      assert.is(rule.health, 'ok', `${group.name}/${rule.name}: ${rule.lastError}`);
      assert.not.ok(rule.lastError, `${group.name}/${rule.name}: ${rule.lastError}`);
    }
  }
}
