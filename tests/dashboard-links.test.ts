/** `grafanaUrl`: every alert links to the panel that shows its signal; a link to a panel the dashboard lacks fails. */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { parse } from 'yaml';
import { checkDashboardLinks } from '../lib/check/dashboard-links.js';
import type { RuleGroup } from '../lib/engine/mixin.js';
import { serializeAll } from '../lib/render/serialize.js';
import { ALERT_PANELS } from '../lib/spt/alert-panels.js';
import { ALERTS_FILE, artifacts } from '../lib/spt/deploy.js';
import { DASHBOARD_FILE, sptMixin } from '../lib/spt/mixin.js';
import { checkSpt } from '../lib/spt/render.js';

const linked = sptMixin.withConfig({ grafanaUrl: 'https://grafana.example.com/', environmentLabels: ['cluster', 'env'] });
const rules = (groups: readonly RuleGroup[]) => groups.flatMap((group) => group.rules);
const panelsOf = (mixin: typeof sptMixin) => (mixin.grafanaDashboards[DASHBOARD_FILE] as { panels: { id: number; title: string }[] }).panels;

test('without grafanaUrl no alert has a dashboard_url', () => {
  assert.ok(rules(sptMixin.prometheusAlerts.groups).every((rule) => rule.annotations && !('dashboard_url' in rule.annotations)));
});

test('with grafanaUrl each alert opens its panel, narrowed to the alert\'s environment', () => {
  for (const rule of rules(linked.prometheusAlerts.groups)) {
    const title = ALERT_PANELS[rule.alert as keyof typeof ALERT_PANELS];
    const panel = panelsOf(linked).find((p) => p.title === title);
    assert.ok(panel, title);
    assert.is(
      rule.annotations?.dashboard_url,
      `https://grafana.example.com/d/spt-overview?viewPanel=${panel.id}&var-cluster={{ $labels.cluster | urlquery }}&var-env={{ $labels.env | urlquery }}`,
    );
  }
  assert.equal(checkSpt(linked).filter((f) => f.severity === 'error'), []);
});

test('promtool accepts the linked alerts', async () => {
  if (spawnSync('promtool', ['--version']).error) {
    if (process.env.CI === 'true') assert.unreachable('promtool is required in CI');
    return;
  }
  const dir = mkdtempSync(join(tmpdir(), 'spt-links-'));
  try {
    const files = await serializeAll(artifacts(linked, ['rules']));
    const resource = parse(files.get(ALERTS_FILE) ?? '') as { spec: object };
    writeFileSync(join(dir, 'alerts.yml'), JSON.stringify(resource.spec));
    const run = spawnSync('promtool', ['check', 'rules', join(dir, 'alerts.yml')], { encoding: 'utf8' });
    assert.is(run.status, 0, run.stdout + run.stderr);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a dashboard_url naming a panel id the dashboard lacks is an error; other dashboards are not judged', () => {
  const groups = linked.prometheusAlerts.groups;
  assert.equal(checkDashboardLinks(groups, linked.grafanaDashboards, ALERTS_FILE), []);
  const moved = groups.map((group) => ({
    ...group,
    rules: group.rules.map((rule) =>
      rule.alert === 'SptEbayQuotaHigh'
        ? { ...rule, annotations: { ...rule.annotations, dashboard_url: 'https://g/d/spt-overview/spt-overview?orgId=1&viewPanel=99' } }
        : rule.alert === 'SptDown'
          ? { ...rule, annotations: { ...rule.annotations, dashboard_url: 'https://g/d/other-board?viewPanel=99' } }
          : rule,
    ),
  }));
  const findings = checkDashboardLinks(moved, linked.grafanaDashboards, ALERTS_FILE);
  assert.equal(findings.map((f) => [f.rule, f.location.rule]), [['rules/dashboard-panel', 'SptEbayQuotaHigh']]);
  assert.match(findings[0]?.message ?? '', 'opens panel 99 of dashboard spt-overview, which has no such panel');
});

test.run();
