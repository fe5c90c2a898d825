/** deploy/alertmanager/: amtool accepts the fragment and routes each alert by severity; kustomize builds the resource; inhibitions keep their equal labels. */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { parse, stringify } from 'yaml';
import { checkInhibitions } from '../lib/check/alertmanager.js';
import { eq, re } from '../lib/engine/promql.js';
import type { Mixin, Rule } from '../lib/engine/mixin.js';
import { sptInhibitRules } from '../lib/spt/alertmanager.js';
import { sptCatalogue } from '../lib/spt/catalogue.js';
import type { SptConfig } from '../lib/spt/config.js';
import { ALERTMANAGER_FILE, artifacts } from '../lib/spt/deploy.js';
import { sptMixin } from '../lib/spt/mixin.js';
import { checkSpt } from '../lib/spt/render.js';
import { serializeAll } from '../lib/render/serialize.js';

const deploy = fileURLToPath(new URL('../deploy', import.meta.url));
const fragment = join(deploy, ALERTMANAGER_FILE);

/** Whether `tool` runs; in CI a missing tool is a failure, elsewhere the test skips. */
function has(tool: string, ...probe: string[]): boolean {
  if (!spawnSync(tool, probe, { encoding: 'utf8' }).error) return true;
  if (process.env.CI === 'true') assert.unreachable(`${tool} is required in CI (Debian's prometheus-alertmanager / kubernetes-client)`);
  console.log(`${tool} not found: skipping`);
  return false;
}

const amtool = (...args: string[]) => spawnSync('amtool', args, { encoding: 'utf8' });
const alertsOf = (mixin: Mixin<SptConfig>): Rule[] => mixin.prometheusAlerts.groups.flatMap((group) => group.rules);

/** The rendered alertmanager.yml of `mixin`, written to a temporary file. */
async function renderedFragment(mixin: Mixin<SptConfig>, dir: string): Promise<string> {
  const files = await serializeAll(artifacts(mixin, ['rules']));
  const path = join(dir, 'alertmanager.yml');
  writeFileSync(path, files.get(ALERTMANAGER_FILE) ?? '');
  return path;
}

/** The receiver amtool's routing tree picks for the labels. */
function routedTo(config: string, labels: Record<string, string>): string {
  const run = amtool('config', 'routes', 'test', `--config.file=${config}`, ...Object.entries(labels).map(([k, v]) => `${k}=${v}`));
  assert.is(run.status, 0, run.stderr);
  return run.stdout.trim();
}

test('amtool check-config accepts the fragment, and refuses it with a route to an undefined receiver', () => {
  if (!has('amtool', '--version')) return;
  const ok = amtool('check-config', fragment);
  assert.is(ok.status, 0, ok.stdout + ok.stderr);
  assert.match(ok.stdout, '3 inhibit rules');
  const dir = mkdtempSync(join(tmpdir(), 'spt-am-'));
  try {
    const broken = parse(readFileSync(fragment, 'utf8')) as { receivers: { name: string }[] };
    broken.receivers = broken.receivers.filter((r) => r.name !== 'spt-critical-placeholder');
    writeFileSync(join(dir, 'broken.yml'), stringify(broken));
    const refused = amtool('check-config', join(dir, 'broken.yml'));
    assert.is.not(refused.status, 0);
    assert.match(refused.stdout + refused.stderr, 'spt-critical-placeholder');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('amtool config routes test: every alert goes to the receiver of its severity', async () => {
  if (!has('amtool', '--version')) return;
  for (const alert of alertsOf(sptMixin)) {
    const severity = alert.labels?.severity ?? '';
    assert.is(routedTo(fragment, { alertname: alert.alert ?? '', severity }), `spt-${severity}-placeholder`, alert.alert);
  }
  assert.is(routedTo(fragment, { alertname: 'KubePodCrashLooping', severity: 'critical' }), 'spt-warning-placeholder', 'the root default, not an SPT route');
  const dir = mkdtempSync(join(tmpdir(), 'spt-am-'));
  try {
    const tuned = sptMixin.withConfig({
      environmentLabels: ['env'],
      alertmanagerReceivers: { critical: 'pricing-pager', warning: 'pricing-chat' },
      alerts: { SptHighErrorRate: { severity: 'critical' } },
    });
    const config = await renderedFragment(tuned, dir);
    assert.is(amtool('check-config', config).status, 0);
    assert.is(routedTo(config, { alertname: 'SptHighErrorRate', severity: 'critical', env: 'prod' }), 'pricing-pager');
    assert.is(routedTo(config, { alertname: 'SptIngestionErrors', severity: 'warning', env: 'prod' }), 'pricing-chat');
    assert.match(readFileSync(config, 'utf8'), /group_by:\n\s+- alertname\n\s+- env\n/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('kustomize builds the AlertmanagerConfig with the same routing and inhibitions', () => {
  if (!has('kubectl', 'version', '--client')) return;
  const run = spawnSync('kubectl', ['kustomize', join(deploy, 'alertmanager')], { encoding: 'utf8' });
  assert.is(run.status, 0, run.stderr);
  const resource = parse(run.stdout) as { apiVersion: string; kind: string; spec: { inhibitRules: unknown[]; route: { routes: { receiver: string }[] } } };
  assert.is(resource.apiVersion, 'monitoring.coreos.com/v1alpha1');
  assert.is(resource.kind, 'AlertmanagerConfig');
  assert.is(resource.spec.inhibitRules.length, 3);
  assert.equal(resource.spec.route.routes.map((r) => r.receiver), ['spt-critical-placeholder', 'spt-info-placeholder']);
});

const catalogueOf = (config: SptConfig) => sptCatalogue(['job'], config.environmentLabels ?? []);

test('inhibitions: the default and a per-environment render pass; an equal label an alert cannot carry is refused', () => {
  assert.equal(checkSpt(sptMixin).filter((f) => f.rule.startsWith('alertmanager/')), []);
  const envs = sptMixin.withConfig({ environmentLabels: ['cluster', 'env'] });
  assert.equal(checkSpt(envs).filter((f) => f.rule.startsWith('alertmanager/')), []);
  assert.equal(sptInhibitRules(envs._config)[0]?.equal, ['cluster', 'env']);

  // With only env kept by the rules, `cluster` is on no alert's series: every source and target is reported.
  const envOnly = sptMixin.withConfig({ environmentLabels: ['env'] });
  const findings = checkInhibitions(alertsOf(envOnly), [{ source: [eq('alertname', 'SptEbayLimitReached')], target: [eq('alertname', 'SptEbayQuotaHigh')], equal: ['env', 'cluster'] }], {
    file: ALERTMANAGER_FILE,
    catalogue: catalogueOf(envOnly._config),
  });
  assert.equal(findings.map((f) => [f.rule, f.location.rule]), [
    ['alertmanager/inhibit-equal', 'SptEbayLimitReached'],
    ['alertmanager/inhibit-equal', 'SptEbayQuotaHigh'],
  ]);
  assert.match(findings[0]?.message ?? '', 'requires equal "cluster", but source alert SptEbayLimitReached cannot carry it');
});

test('inhibitions: an aggregation that drops the label fails, a rule label that sets it passes, a matcher that names no alert fails', () => {
  const config = sptMixin.withConfig({ environmentLabels: ['env'] });
  const options = { file: ALERTMANAGER_FILE, catalogue: catalogueOf(config._config) };
  const down: Rule = { alert: 'SptDown', expr: 'up{job="server-price-tracker"} == 0', labels: { severity: 'critical' } };
  const summed: Rule = { alert: 'SptHighErrorRate', expr: 'sum(spt:http_errors:rate5m) > 1', labels: { severity: 'warning' } };
  const rule = { source: [eq('alertname', 'SptDown')], target: [re('alertname', 'Spt.+')], equal: ['env'] };
  assert.equal(checkInhibitions([down, summed], [rule], options).map((f) => f.location.rule), ['SptHighErrorRate']);
  const labelled: Rule = { ...summed, labels: { severity: 'warning', env: 'prod' } };
  assert.equal(checkInhibitions([down, labelled], [rule], options), []);
  const nothing = checkInhibitions([down, labelled], [{ ...rule, source: [eq('alertname', 'SptGone')] }], options);
  assert.equal(nothing.map((f) => f.rule), ['alertmanager/inhibit-unmatched']);
  assert.match(nothing[0]?.message ?? '', 'no alert matches its source matchers alertname="SptGone"');
});

test.run();
