/** Consumers take the mixin as it is: a Jsonnet aggregator through deploy/mixin.libsonnet, TypeScript through import. */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { parse } from 'yaml';
import mixin, { patchAlerts, type RuleGroup } from 'spt-mixin';

const deploy = fileURLToPath(new URL('../deploy/', import.meta.url));
const fixture = fileURLToPath(new URL('./fixtures/aggregator.jsonnet', import.meta.url));
const specGroups = (file: string): RuleGroup[] => parse(readFileSync(deploy + file, 'utf8')).spec.groups;
const renderedDashboard = () => JSON.parse(readFileSync(deploy + 'grafana/data/spt-overview.json', 'utf8'));

test('jsonnet: a kube-prometheus-style aggregator over deploy/mixin.libsonnet gets exactly the rendered content', () => {
  const probe = spawnSync('jsonnet', ['--version'], { encoding: 'utf8' });
  if (probe.error) {
    if (process.env.CI === 'true') assert.unreachable("jsonnet is required in CI (Debian package 'jsonnet')");
    console.log("jsonnet not found: skipping the Jsonnet aggregator test; install Debian's jsonnet package");
    return;
  }
  const run = spawnSync('jsonnet', ['-J', deploy, fixture], { encoding: 'utf8', maxBuffer: 64 << 20 });
  assert.is(run.status, 0, run.stderr);
  const out = JSON.parse(run.stdout);
  assert.equal(out.prometheusRule.spec.groups, [
    ...specGroups('prometheus/spt-alerts.yaml'),
    ...specGroups('prometheus/spt-recording-rules.yaml'),
  ]);
  assert.is(out.dashboardConfigMaps.length, 1);
  assert.equal(JSON.parse(out.dashboardConfigMaps[0].data['spt-overview.json']), renderedDashboard());
});

test('typescript: an aggregator imports the package and assembles the same resources, with its own patch', () => {
  const team = mixin.extend(patchAlerts({ labels: { team: 'pricing' } }));
  const rule = {
    apiVersion: 'monitoring.coreos.com/v1',
    kind: 'PrometheusRule',
    spec: { groups: [...team.prometheusAlerts.groups, ...team.prometheusRules.groups] },
  };
  const expected = [...specGroups('prometheus/spt-alerts.yaml'), ...specGroups('prometheus/spt-recording-rules.yaml')].map((g) => ({
    ...g,
    rules: g.rules.map((r) => (r.alert ? { ...r, labels: { ...r.labels, team: 'pricing' } } : r)),
  }));
  assert.equal(rule.spec.groups, expected);
  assert.equal(team.grafanaDashboards['spt-overview.json'], renderedDashboard());
});

test.run();
