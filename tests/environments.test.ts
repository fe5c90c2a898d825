/**
 * `environmentLabels`: several SPT deployments in one Prometheus. The config is validated, every dashboard query
 * follows the environment variables, and promtool runs tests/environment-rule-tests/ against a render for
 * `environmentLabels: [env]`: each alert fires for the environment at fault only. The default render staying
 * byte-identical is proven by the golden deploy/ files (`npm run check`, tests/render.test.ts).
 */
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { whenInstalled } from './helpers.js';
import { stringify } from 'yaml';
import { checkDashboardQueries } from '../lib/check/queries.js';
import { checkRuleFile } from '../lib/check/rules.js';
import { sptCatalogue } from '../lib/spt/catalogue.js';
import { Series, catalogueOf } from '../lib/engine/catalogue.js';
import { ConfigError } from '../lib/engine/config.js';
import type { Mixin } from '../lib/engine/mixin.js';
import type { SptConfig } from '../lib/spt/config.js';
import { sptMixin } from '../lib/spt/mixin.js';
import { checkSpt } from '../lib/spt/render.js';

const perEnv = sptMixin.withConfig({ environmentLabels: ['cluster', 'env'] });

const config = suite('environmentLabels config');

config('refuses a name Prometheus would refuse and one SPT already uses, naming the entry', () => {
  for (const [labels, fragment] of [
    [['env', 'my-env'], 'environmentLabels[1]'],
    [['__env'], 'environmentLabels[0]'],
    [['instance'], 'already means something else'],
    [['status'], 'already means something else'],
  ] as const) {
    assert.throws(() => sptMixin.withConfig({ environmentLabels: [...labels] }), (e: unknown) => e instanceof ConfigError && e.message.includes(fragment), labels.join());
  }
  assert.throws(() => sptMixin.withConfig({ environmentLabels: ['env', 'env'] }), (e: unknown) => e instanceof ConfigError);
});

config('a render with environment labels passes every check', () => {
  const errors = checkSpt(perEnv).filter((f) => f.severity === 'error');
  assert.equal(errors, [], errors.map((f) => f.message).join('\n'));
});

const labels = suite('alert labels');

const catalogue = catalogueOf([new Series('y_total', 'counter', ['job', 'instance', 'env'], 'A counter.')]);

/** The rule ids an alert with this expression and description gets, with `env` as the environment label. */
function labelFindings(expr: string, description = 'Something is wrong.'): string[] {
  const alert = { alert: 'AppBroken', expr, labels: { severity: 'warning' }, annotations: { summary: 'Broken.', description, runbook_url: 'https://example.com/r' } };
  return checkRuleFile([{ name: 'app', rules: [alert] }], {
    file: 'alerts.yaml',
    groupsPath: '/groups',
    conventionSeverity: 'error',
    catalogue,
    environmentLabels: ['env'],
  })
    .map((f) => f.rule)
    .filter((rule) => rule === 'rules/environment-label' || rule === 'rules/template-label');
}

labels('an alert that sums the environment away is a finding; one that keeps it is not', () => {
  assert.equal(labelFindings('sum(rate(y_total[5m])) > 1'), ['rules/environment-label']);
  assert.equal(labelFindings('sum by (job) (rate(y_total[5m])) > 1'), ['rules/environment-label']);
  assert.equal(labelFindings('rate(y_total[5m]) / on (job) group_left sum by (job) (rate(y_total[5m])) > 1'), []);
  assert.equal(labelFindings('rate(y_total[5m]) / on (job) sum by (job) (rate(y_total[5m])) > 1'), ['rules/environment-label']);
  assert.equal(labelFindings('sum by (env) (rate(y_total[5m])) > 1'), []);
  assert.equal(labelFindings('rate(y_total[5m]) > 1'), []);
  // Labels of a metric outside the catalogue are unknown: no finding either way.
  assert.equal(labelFindings('sum by (job) (other_metric) > 1 or other_metric > 1'), []);
});

labels('a description reading a label the expression never outputs is a finding', () => {
  assert.equal(labelFindings('sum by (env) (rate(y_total[5m])) > 1', '{{ $labels.instance }} fails.'), ['rules/template-label']);
  assert.equal(labelFindings('sum by (env) (rate(y_total[5m])) > 1', '{{ index $labels "job" }} fails.'), ['rules/template-label']);
  assert.equal(labelFindings('sum by (env) (rate(y_total[5m])) > 1', '{{ $labels.env }} fails.'), []);
  assert.equal(labelFindings('rate(y_total[5m]) > 1', '{{ $labels.instance }} in {{ $labels.env }} fails.'), []);
  assert.equal(labelFindings('absent(y_total{job="a", env="prod"})', '{{ $labels.job }} is gone.'), []);
  // absent() alone knows only its equality matchers: it cannot name an environment.
  assert.equal(labelFindings('absent(y_total{job="a"})', '{{ $labels.job }} is gone.'), ['rules/environment-label']);
});

const dashboard = suite('environment variables');

const overview = Object.values(perEnv.grafanaDashboards)[0]!;

dashboard('one query variable per label, in order, each narrowed by the ones before it', () => {
  const variables = (overview.templating?.list ?? []).filter((v) => v.type === 'query');
  assert.equal(variables.map((v) => [v.name, v.query, v.multi, v.includeAll]), [
    ['cluster', 'label_values(up{job="server-price-tracker"}, cluster)', true, true],
    ['env', 'label_values(up{job="server-price-tracker", cluster=~"$cluster"}, env)', true, true],
  ]);
});

dashboard('every panel query that reads a series follows both variables and keeps both labels apart', () => {
  const targets = (overview.panels ?? []).flatMap((p) => ('targets' in p ? (p.targets ?? []) : [])) as Array<{ expr: string; legendFormat: string }>;
  const reading = targets.filter((t) => !t.expr.startsWith('vector('));
  assert.ok(reading.length > 15, `expected the overview's queries, got ${reading.length}`);
  for (const { expr, legendFormat } of reading) {
    assert.ok(expr.includes('cluster=~"$cluster"') && expr.includes('env=~"$env"'), `not filtered by the variables: ${expr}`);
    assert.not.match(expr, /\b(sum|min|max)\(/, `aggregates the environments together: ${expr}`);
    assert.ok(legendFormat.startsWith('{{cluster}}/{{env}} '), `legend does not name the environment: ${legendFormat}`);
  }
});

/** The rule ids the query checks give the overview after `edit`, with the render's catalogue and labels. */
function dashboardFindings(edit: (dashboard: { templating: { list: Array<{ query?: unknown }> }; panels: Array<{ targets?: Array<{ expr: string }> }> }) => void): string[] {
  const copy = structuredClone(overview) as unknown as Parameters<typeof edit>[0];
  edit(copy);
  return checkDashboardQueries(copy, { file: 'd.json', catalogue: sptCatalogue(['job'], ['cluster', 'env']), strict: true, environmentLabels: ['cluster', 'env'] }).map((f) => f.rule);
}

dashboard('a panel query that ignores an environment variable is a finding', () => {
  assert.equal(dashboardFindings(() => {}), []);
  const found = dashboardFindings((d) => {
    const target = d.panels.find((p) => p.targets?.length)!.targets![0]!;
    target.expr = target.expr.replace(', env=~"$env"', '');
  });
  assert.equal(found, ['dashboard/environment-variable']);
});

dashboard('label_values variable queries are checked: syntax, and a label the series never carries', () => {
  assert.equal(dashboardFindings((d) => { d.templating.list[2]!.query = 'label_values(up{job="server-price-tracker"}, nonexistent)'; }), ['dashboard/variable-query']);
  assert.equal(dashboardFindings((d) => { d.templating.list[2]!.query = 'label_values(up{job=}, env)'; }), ['promql/syntax']);
  assert.equal(dashboardFindings((d) => { d.templating.list[2]!.query = 'label_values(up, 1env)'; }), ['dashboard/variable-query']);
  assert.equal(dashboardFindings((d) => { d.templating.list[2]!.query = { query: 'label_values(up{cluster=~"$cluster"}, env)', refId: 'A' }; }), []);
  assert.equal(dashboardFindings((d) => { d.templating.list[2]!.query = 'query_result(sum by (env) (up{env=~"$env"}))'; }), []);
  assert.equal(dashboardFindings((d) => { d.templating.list[2]!.query = 'query_result(sum by (env) (up{env=~"$env"})'; }), ['promql/syntax']);
});

const promtoolFound = (spawnSync('promtool', ['--version']).error as NodeJS.ErrnoException | undefined)?.code !== 'ENOENT';
const promtool = suite('promtool with two environments');
const scenario = fileURLToPath(new URL('./environment-rule-tests/environments.test.yaml', import.meta.url));
let workDir = '';

/** Writes a render's rule groups as the plain rule files the scenario names, and runs it. */
function testRules(mixin: Mixin<SptConfig>, dir: string): { status: number | null; output: string } {
  writeFileSync(join(dir, 'spt-recording-rules.yaml'), stringify(mixin.prometheusRules));
  writeFileSync(join(dir, 'spt-alerts.yaml'), stringify(mixin.prometheusAlerts));
  copyFileSync(scenario, join(dir, 'environments.test.yaml'));
  for (const file of ['spt-recording-rules.yaml', 'spt-alerts.yaml']) {
    const check = spawnSync('promtool', ['check', 'rules', file], { cwd: dir, encoding: 'utf8' });
    assert.is(check.status, 0, `promtool check rules ${file}:\n${check.stdout}${check.stderr}`);
  }
  const r = spawnSync('promtool', ['test', 'rules', 'environments.test.yaml'], { cwd: dir, encoding: 'utf8' });
  return { status: r.status, output: `${r.stdout}${r.stderr}` };
}

whenInstalled(promtoolFound, 'the two-environment promtool tests', 'prometheus (promtool)', () => {
  promtool.before(() => {
    workDir = mkdtempSync(join(tmpdir(), 'spt-envs-'));
  });
  promtool.after(() => {
    if (workDir) rmSync(workDir, { recursive: true, force: true });
  });

  promtool('every alert fires for the environment at fault only, naming it', () => {
    const r = testRules(sptMixin.withConfig({ environmentLabels: ['env'] }), workDir);
    assert.is(r.status, 0, r.output);
  });

  // The scenario tells environments apart: the single-environment rules mix prod and staging and fail it.
  promtool('the default render fails the two-environment scenario', () => {
    const r = testRules(sptMixin, workDir);
    assert.is.not(r.status, 0, r.output);
    assert.match(r.output, /alertname: SptHighErrorRate, time: 10m/, r.output);
  });
}, promtool);

config.run();
labels.run();
dashboard.run();
promtool.run();
