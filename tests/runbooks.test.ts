/** docs/runbooks.md: one section per alert at the anchor its runbook_url names, prose that follows the config. */
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import GithubSlugger from 'github-slugger';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { parse } from 'yaml';
import { main } from '../lib/cli/commands.js';
import type { Rule } from '../lib/engine/mixin.js';
import { ALERT_PANELS, findPanel } from '../lib/spt/alert-panels.js';
import { sptMixin } from '../lib/spt/mixin.js';
import { runbooksMarkdown } from '../lib/spt/runbooks.js';
import { capture } from './helpers.js';

const root = fileURLToPath(new URL('..', import.meta.url));
const committed = () => readFileSync(join(root, 'docs/runbooks.md'), 'utf8');

/** The anchors GitHub gives the headings of a Markdown file (fenced code skipped, repeated headings numbered). */
function headingAnchors(markdown: string): Set<string> {
  const slugger = new GithubSlugger();
  const anchors = new Set<string>();
  let fenced = false;
  for (const line of markdown.split('\n')) {
    if (/^(```|~~~)/.test(line)) fenced = !fenced;
    const heading = fenced ? null : /^#{1,6}\s+(.+?)\s*#*\s*$/.exec(line);
    if (heading?.[1]) anchors.add(slugger.slug(heading[1]));
  }
  return anchors;
}

/** The alerts of the rendered PrometheusRule whose runbook anchor is missing from `markdown`. */
function missingAnchors(markdown: string): string[] {
  const file = parse(readFileSync(join(root, 'deploy/prometheus/spt-alerts.yaml'), 'utf8')) as { spec: { groups: { rules: Rule[] }[] } };
  const anchors = headingAnchors(markdown);
  const alerts = file.spec.groups.flatMap((group) => group.rules);
  assert.ok(alerts.length >= 8, 'the rendered alerts were read');
  return alerts.filter((rule) => {
    const url = new URL(rule.annotations?.runbook_url ?? '');
    return !url.pathname.endsWith('/docs/runbooks.md') || !anchors.has(url.hash.slice(1));
  }).map((rule) => rule.alert ?? '');
}

/** The section of `alert`, from its heading to the next alert's. */
const section = (markdown: string, alert: string) => markdown.split(/^## /m).find((part) => part.startsWith(`${alert}\n`)) ?? '';

test('every rendered alert\'s runbook_url names a heading of docs/runbooks.md, as GitHub slugs it', () => {
  assert.equal(missingAnchors(committed()), []);
});

test('an alert without its section is found missing', () => {
  const withoutQuota = committed().replace('## SptEbayQuotaHigh\n', '## Quota\n');
  assert.equal(missingAnchors(withoutQuota), ['SptEbayQuotaHigh']);
  // The table of contents links to the anchor too, but a link is not a heading.
  assert.match(withoutQuota, '(#sptebayquotahigh)');
});

test('docs/runbooks.md is what the default mixin renders (npm run render writes it)', () => {
  assert.is(committed(), runbooksMarkdown(sptMixin));
});

test('thresholds and for durations come from the config', () => {
  const tuned = runbooksMarkdown(
    sptMixin.withConfig({ ebayQuotaWarning: 3000, errorRateThreshold: 0.02, alerts: { SptEbayQuotaHigh: { for: '15m' } } }),
  );
  const quota = section(tuned, 'SptEbayQuotaHigh');
  assert.match(quota, 'more than 3000 eBay API calls today, out of the 5000');
  assert.match(quota, 'has held for 15m');
  assert.match(quota, 'spt_ebay_daily_usage{job="server-price-tracker"} > 3000');
  assert.not.match(quota, '4000');
  assert.match(section(tuned, 'SptHighErrorRate'), 'More than 2% of SPT');
  assert.match(section(runbooksMarkdown(sptMixin), 'SptHighErrorRate'), 'More than 5% of SPT');
});

test('queries follow the selector; environments are named when configured', () => {
  const plain = runbooksMarkdown(sptMixin);
  assert.not.match(plain, 'Alerts fire per environment');
  const envs = runbooksMarkdown(sptMixin.withConfig({ sptSelector: 'job="spt"', environmentLabels: ['cluster', 'env'] }));
  assert.match(envs, 'Alerts fire per environment (`cluster`, `env`)');
  assert.match(section(envs, 'SptEbayLimitReached'), 'increase(spt_ebay_daily_limit_hits_total{job="spt"}[5m])');
  assert.not.match(envs, 'job="server-price-tracker"');
});

test('each section names the panel that shows the alert\'s signal, by its id in the dashboard', () => {
  const markdown = committed();
  const dashboard = sptMixin.grafanaDashboards['spt-overview.json'] as { panels: { id: number; title: string }[] };
  for (const [alert, title] of Object.entries(ALERT_PANELS)) {
    const panel = dashboard.panels.find((p) => p.title === title);
    assert.ok(panel, `${alert}: the dashboard has a panel titled ${title}`);
    assert.match(section(markdown, alert), `panel **${title}**`);
    assert.match(section(markdown, alert), `(panel id ${panel.id})`);
  }
  const linked = runbooksMarkdown(sptMixin.withConfig({ grafanaUrl: 'https://grafana.example.com/' }));
  const errorPanel = dashboard.panels.find((p) => p.title === ALERT_PANELS.SptHighErrorRate);
  assert.match(section(linked, 'SptHighErrorRate'), `[open it](https://grafana.example.com/d/spt-overview?viewPanel=${errorPanel?.id})`);
  assert.not.match(markdown, 'open it');
  assert.throws(() => findPanel(dashboard, 'Queue Depth'), /no panel titled "Queue Depth" in the dashboard; update ALERT_PANELS/);
});

test('one partial per alert, none left over', () => {
  const partials = readdirSync(join(root, 'templates/runbooks')).map((file) => file.replace(/\.eta$/, '')).sort();
  assert.equal(partials, Object.keys(sptMixin._config.alerts).sort());
});

test('render --docs writes the runbooks with the rules, check finds them stale', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'spt-runbooks-'));
  try {
    const io = capture();
    const args = ['--out', join(dir, 'deploy'), '--docs', join(dir, 'docs'), '--only', 'rules'];
    assert.is(await main(['render', ...args], io), 0, io.text());
    assert.is(readFileSync(join(dir, 'docs/runbooks.md'), 'utf8'), runbooksMarkdown(sptMixin));
    assert.not.ok(existsSync(join(dir, 'docs/spt-overview.layout.svg')), 'the picture comes with the dashboards');
    const config = join(dir, 'config.json');
    writeFileSync(config, JSON.stringify({ extractionFailureRateThreshold: 0.5 }));
    const stale = capture();
    assert.is(await main(['check', ...args, '--config', config], stale), 1);
    assert.match(stale.text(), '+more than 0.5 times per second');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test.run();
