/** Customizing the mixin: config overrides, Jsonnet-style patches, and a bad config stopped at the door. */
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import mixin, { addPanel, append, patchAlert, patchAlerts, promql, query, queryContext, sized, timeseries, metrics, type SptConfig } from 'spt-mixin';
import { checkSpt } from '../lib/spt/render.js';
import { main } from '../lib/cli/commands.js';
import { capture, snapshot } from './helpers.js';
import { ConfigError } from '../lib/engine/config.js';

const deploy = fileURLToPath(new URL('../deploy/', import.meta.url));

const alertsOf = (m: typeof mixin) => new Map(m.prometheusAlerts.groups.flatMap((g) => g.rules).map((r) => [r.alert, r]));
type P = { id: number; type: string; title: string; gridPos: { x: number; y: number; w: number; h: number } };
const panelsOf = (m: typeof mixin) => m.grafanaDashboards['spt-overview.json']?.panels as unknown as P[];

test('README example: change one alert\'s for', () => {
  const patched = mixin.extend(patchAlert('SptDown', { for: '10m' }));
  assert.is(alertsOf(patched).get('SptDown')?.for, '10m');
  assert.is(alertsOf(patched).get('SptReadinessDown')?.for, '2m');
  assert.is(alertsOf(mixin).get('SptDown')?.for, '2m', 'the original is untouched');
  assert.throws(() => mixin.extend(patchAlert('SptTypo', { for: '1m' })), /no alert named "SptTypo"/);
});

test('README example: add a label to every alert', () => {
  const patched = mixin.extend(patchAlerts({ labels: { team: 'pricing' } }));
  for (const rule of alertsOf(patched).values()) {
    assert.is(rule.labels?.team, 'pricing');
    assert.ok(rule.labels?.severity, 'existing labels are kept');
  }
  assert.not.ok(patched.prometheusRules.groups[0]?.rules.some((r) => r.labels), 'recording rules are not alerts');
});

test('README example: add a panel to a row; rows below move down; the selector reaches it', () => {
  const requestsByPath = (config: SptConfig) => {
    const { selector, rateInterval } = queryContext(config);
    return sized(
      timeseries({
        title: 'Requests by path',
        description: 'HTTP requests per second by route.',
        unit: 'reqps',
        queries: [query(promql`sum by (path) (rate(${metrics.httpRequests.where(selector)}[${rateInterval}]))`, '{{path}}')],
      }),
      24,
      8,
    );
  };
  const before = panelsOf(mixin);
  const extended = mixin.extend(addPanel('spt-overview.json', 'HTTP', requestsByPath));
  const after = panelsOf(extended);
  assert.is(after.length, before.length + 1);
  const added = after.find((p) => p.title === 'Requests by path');
  assert.equal(added?.gridPos, { x: 0, y: 14, w: 24, h: 8 });
  assert.is(added?.id, 26);
  const ebayRow = (ps: P[]) => ps.find((p) => p.title === 'eBay API')?.gridPos.y ?? -1;
  assert.is(ebayRow(after), ebayRow(before) + 8);
  assert.is(after[after.indexOf(added as P) - 1]?.title, 'Error Rate %', 'placed at the end of its row');
  assert.equal(checkSpt(extended), [], 'the extended mixin passes every check');
  const tuned = panelsOf(extended.withConfig({ sptSelector: 'job="spt"' })).find((p) => p.title === 'Requests by path') as unknown as {
    targets: Array<{ expr: string }>;
  };
  assert.is(tuned.targets[0]?.expr, 'sum by (path) (rate(spt_http_requests_total{job="spt"}[$__rate_interval]))');
});

test('plain patches: objects merge, arrays replace unless appended', () => {
  const patched = mixin.extend({ grafanaDashboards: { 'spt-overview.json': { refresh: '1m', tags: append('team-pricing') } } });
  const d = patched.grafanaDashboards['spt-overview.json'];
  assert.equal([d?.refresh, d?.tags, d?.uid], ['1m', ['spt', 'server-price-tracker', 'team-pricing'], 'spt-overview']);
});

test('withConfig re-applies earlier patches: late binding survives extend', () => {
  const patched = mixin.extend(patchAlerts({ labels: { team: 'pricing' } })).withConfig({ ebayQuotaWarning: 4500 });
  const quota = alertsOf(patched).get('SptEbayQuotaHigh');
  assert.ok(quota?.expr.endsWith('> 4500'));
  assert.is(quota?.labels?.team, 'pricing');
});

// Bad configs: [config file text, the key the error must name]. Each must exit 2 with one clear error line.
const BAD: Array<[string, string]> = [
  ['sptSelecter: job="x"', 'sptSelecter'],
  ['ebayDailyLimit: "5000"', 'ebayDailyLimit'],
  ['ebayDailyLimit: 0', 'ebayDailyLimit'],
  ['ebayDailyLimit: -5', 'ebayDailyLimit'],
  ['ebayDailyLimit: .inf', 'ebayDailyLimit'],
  ['ebayQuotaWarning: 6000', 'ebayQuotaWarning'],
  ['errorRateThreshold: 1.5', 'errorRateThreshold'],
  ['errorRateThreshold: .nan', 'errorRateThreshold'],
  ['extractionFailureRateThreshold: -0.1', 'extractionFailureRateThreshold'],
  ['sptSelector: job=server-price-tracker', 'sptSelector'],
  ['sptSelector: \'job="x"} or vector(1) or up{a="b"\'', 'sptSelector'],
  ['sptSelector: \'up{job="x"}\'', 'sptSelector'],
  ['sptSelector: 42', 'sptSelector'],
  ['alerts: { SptDown: { for: 5 minutes } }', 'alerts.SptDown.for'],
  ['alerts: { SptDown: { severity: page } }', 'alerts.SptDown.severity'],
  ['alerts: { SptDwn: { for: 5m } }', 'alerts.SptDwn'],
  ['ruleLabels: { "bad key!": x }', 'ruleLabels.bad key!'],
  ['ruleLabels: { team: "has spaces" }', 'ruleLabels.team'],
  ['ruleLabels: [a, b]', 'ruleLabels'],
  ['grafanaDashboardLabels: { grafana_dashboard: 1 }', 'grafanaDashboardLabels.grafana_dashboard'],
  ['runbookUrlPattern: not a url', 'runbookUrlPattern'],
  ['dashboardUid: "has spaces"', 'dashboardUid'],
  ['dashboardUid: "' + 'x'.repeat(41) + '"', 'dashboardUid'],
  ['dashboardRefresh: often', 'dashboardRefresh'],
  ['dashboardTags: spt', 'dashboardTags'],
  ['rateInterval: $__foo', 'rateInterval'],
  ['rateInterval: 5 m', 'rateInterval'],
  ['[1, 2]', ''],
  ['"just a string"', ''],
  ['sptSelector: [unclosed', ''],
  ['__proto__: { sptSelector: x }', '__proto__'],
  ['alerts: { SptDown: { for: 1m1h } }', 'alerts.SptDown.for'],
];

test(`${BAD.length} bad configs: exit 2, a one-line error naming the key, output untouched`, async () => {
  const dir = mkdtempSync(join(tmpdir(), 'spt-config-'));
  try {
    const out = join(dir, 'deploy');
    cpSync(deploy, out, { recursive: true });
    const before = snapshot(out);
    for (const [text, key] of BAD) {
      const file = join(dir, 'config.yaml');
      writeFileSync(file, text + '\n');
      const io = capture();
      const code = await main(['render', '--config', file, '--out', out], io);
      assert.is(code, 2, `${text} → exit ${code}: ${io.text()}`);
      const first = io.text().split('\n')[0] ?? '';
      assert.ok(first.startsWith('error: config'), `${text}: ${first}`);
      if (key) assert.ok(first.includes(`config key "${key}"`), `${text} should name ${key}: ${first}`);
      assert.not.match(io.text(), /\n\s+at /, 'no stack trace');
      assert.equal(snapshot(out), before, `${text} changed the output`);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('an unknown key gets the closest known key as a suggestion', () => {
  try {
    mixin.withConfig({ ebayQuotaWarnng: 1 } as never);
    assert.unreachable('accepted an unknown key');
  } catch (error) {
    assert.instance(error, ConfigError);
    assert.is((error as ConfigError).key, 'ebayQuotaWarnng');
    assert.match((error as Error).message, 'did you mean "ebayQuotaWarning"');
  }
});

test('a YAML override file reaches every rule and panel; _config: wrapper accepted', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'spt-config-'));
  try {
    const file = join(dir, 'config.yaml');
    writeFileSync(file, '_config:\n  sptSelector: job="spt", env="prod"\n  errorRateThreshold: 0.1\n');
    const io = capture();
    assert.is(await main(['render', '--config', file, '--out', join(dir, 'out')], io), 0, io.text());
    const alerts = readFileSync(join(dir, 'out/prometheus/spt-alerts.yaml'), 'utf8');
    const dashboard = readFileSync(join(dir, 'out/grafana/data/spt-overview.json'), 'utf8');
    assert.match(alerts, 'spt:http_errors:rate5m / spt:http_requests:rate5m > 0.1');
    assert.not.match(alerts + dashboard, 'server-price-tracker\\"');
    const defaults = readFileSync(join(deploy, 'grafana/data/spt-overview.json'), 'utf8');
    const count = (text: string, selector: RegExp) => text.match(selector)?.length ?? 0;
    assert.ok(count(defaults, /job=\\"server-price-tracker\\"/g) > 20);
    assert.is(count(dashboard, /job=\\"spt\\", env=\\"prod\\"/g), count(defaults, /job=\\"server-price-tracker\\"/g));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('--only writes just the dashboards or just the rules', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'spt-only-'));
  try {
    assert.is(await main(['render', '--only', 'dashboards', '--out', join(dir, 'd')], capture()), 0);
    assert.equal([...snapshot(join(dir, 'd')).keys()].sort(), ['grafana/data/spt-overview.json', 'grafana/kustomization.yaml']);
    assert.is(await main(['render', '--only', 'rules', '--out', join(dir, 'r')], capture()), 0);
    assert.equal([...snapshot(join(dir, 'r')).keys()].sort(), [
      'alertmanager/alertmanager.yml',
      'alertmanager/kustomization.yaml',
      'alertmanager/spt-alertmanager-config.yaml',
      'prometheus/kustomization.yaml',
      'prometheus/spt-alerts.yaml',
      'prometheus/spt-recording-rules.yaml',
    ]);
    assert.is(await main(['render', '--only', 'alerts'], capture()), 2);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test.run();
