/**
 * deploy/mixin.libsonnet as a Jsonnet mixin, evaluated by Debian's jsonnet: it refuses a `_config` override it
 * was not rendered for (and the command it names renders one that takes it), passes equal ones, composes with
 * other mixins, and works vendored by jsonnet-bundler under kube-prometheus's `addMixin`, as the README shows.
 */
import { spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { parse } from 'yaml';
import mixin from 'spt-mixin';
import { main } from '../lib/cli/commands.js';
import { RESOURCE_KEYS } from '../lib/spt/deploy.js';
import { capture } from './helpers.js';

const root = fileURLToPath(new URL('../', import.meta.url));
const deploy = join(root, 'deploy');
const specGroups = (dir: string, file: string): unknown[] => parse(readFileSync(join(dir, 'prometheus', file), 'utf8')).spec.groups;
const renderedGroups = (dir: string) => ({ alerts: specGroups(dir, 'spt-alerts.yaml'), rules: specGroups(dir, 'spt-recording-rules.yaml') });

const available = spawnSync('jsonnet', ['--version']).error === undefined;
if (!available && process.env.CI === 'true') {
  test('jsonnet is installed', () => assert.unreachable("jsonnet is required in CI (Debian package 'jsonnet')"));
} else if (!available) {
  console.log("jsonnet not found: skipping the mixin.libsonnet tests; install Debian's jsonnet package");
}
/** A test that needs jsonnet: registered only when it is there (and failing above in CI when it is not). */
const jsonnetTest = available ? test : test.skip;

/** Evaluates `code` with `dir` on the import path; `spt` is its mixin.libsonnet. */
function jsonnet(code: string, dir = deploy): { status: number | null; stdout: string; stderr: string } {
  const run = spawnSync('jsonnet', ['-J', dir, '-e', `local spt = import 'mixin.libsonnet'; ${code}`], { encoding: 'utf8', maxBuffer: 64 << 20 });
  return { status: run.status, stdout: run.stdout, stderr: run.stderr };
}

const evaluate = (code: string, dir = deploy): unknown => {
  const run = jsonnet(code, dir);
  assert.is(run.status, 0, run.stderr);
  return JSON.parse(run.stdout);
};

const refusal = (code: string, dir = deploy): string => {
  const run = jsonnet(code, dir);
  assert.is.not(run.status, 0, `evaluated although it should have failed: ${code}`);
  return run.stderr;
};

const outputs = ['grafanaDashboards', 'prometheusRules.groups', 'prometheusAlerts.groups'];

jsonnetTest('an sptSelector override fails every output read, naming the key and a command whose render takes it', async () => {
  const overridden = `(spt + { _config+:: { sptSelector: 'job="spt"' } })`;
  for (const output of outputs) {
    const stderr = refusal(`${overridden}.${output}`);
    assert.match(stderr, 'spt-mixin: _config.sptSelector is "job=\\"spt\\"" here, but this mixin.libsonnet was rendered with "job=\\"server-price-tracker\\""');
    assert.match(stderr, 'run `npx spt-mixin render --config spt.yaml --out monitoring/spt`');
  }
  // _config itself reads the override; only the outputs, made for the rendered value, refuse it.
  assert.is(evaluate(`${overridden}._config.sptSelector`), 'job="spt"');

  // Do what the message says: write its spt.yaml, render, and import the result under the same override.
  const yaml = /Write spt\.yaml:\n\n([\s\S]*?)\n\nthen run/.exec(refusal(`${overridden}.prometheusAlerts.groups`))?.[1];
  assert.is(yaml, 'sptSelector: "job=\\"spt\\""');
  const dir = mkdtempSync(join(tmpdir(), 'spt-jsonnet-'));
  try {
    writeFileSync(join(dir, 'spt.yaml'), `${yaml}\n`);
    const io = capture();
    assert.is(await main(['render', '--config', join(dir, 'spt.yaml'), '--out', join(dir, 'out')], io), 0, io.text());
    const groups = evaluate(`{ alerts: ${overridden}.prometheusAlerts.groups, rules: ${overridden}.prometheusRules.groups }`, join(dir, 'out'));
    assert.equal(groups, renderedGroups(join(dir, 'out')));
    assert.match(JSON.stringify(groups), 'up{job=\\"spt\\"} == 0');
    // Overriding that render again: the file to write keeps what it was rendered from.
    const again = refusal(`(spt + { _config+:: { errorRateThreshold: 0.02 } }).prometheusRules.groups`, join(dir, 'out'));
    assert.equal(parse(/Write spt\.yaml:\n\n([\s\S]*?)\n\nthen run/.exec(again)?.[1] ?? ''), { sptSelector: 'job="spt"', errorRateThreshold: 0.02 });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

jsonnetTest('nested and list overrides are compared deeply and named by their path; the config file keeps this render\'s settings', () => {
  const stderr = refusal(`(spt + { _config+:: { alerts+: { SptDown+: { 'for': '10m' } }, dashboardTags: ['team'], ruleLabels+: { team: 'x' } } }).grafanaDashboards`);
  assert.match(stderr, '_config.alerts.SptDown.for is "10m" here, but this mixin.libsonnet was rendered with "2m" (also differing: _config.dashboardTags)');
  const yaml = /Write spt\.yaml:\n\n([\s\S]*?)\n\nthen run/.exec(stderr)?.[1] ?? '';
  // The resource labels are no reason to refuse, but the file that renders for this _config carries them too.
  assert.equal(parse(yaml), { alerts: { SptDown: { for: '10m' } }, dashboardTags: ['team'], ruleLabels: { team: 'x' } });
  const labels = refusal(`(spt + { _config+:: { alerts+: { SptDown+: { labels: { team: 'pricing' } } } } }).prometheusAlerts.groups`);
  assert.match(labels, '_config.alerts.SptDown.labels is {"team":"pricing"} here, but this mixin.libsonnet was rendered with nothing');
});

jsonnetTest('overrides equal to the rendered values pass, deep objects and lists included, and change nothing', () => {
  const plain = evaluate(`{ d: spt.grafanaDashboards, a: spt.prometheusAlerts, r: spt.prometheusRules }`);
  const equal = `spt + { _config+:: {
    sptSelector: 'job="server-price-tracker"', errorRateThreshold: 0.05, dashboardTags: ['spt', 'server-price-tracker'],
    alerts: ${JSON.stringify(mixin._config.alerts)},
  } }`;
  assert.equal(evaluate(`local m = ${equal}; { d: m.grafanaDashboards, a: m.prometheusAlerts, r: m.prometheusRules }`), plain);
  const { alerts, rules } = renderedGroups(deploy);
  assert.equal(plain, {
    d: { 'spt-overview.json': JSON.parse(readFileSync(join(deploy, 'grafana/data/spt-overview.json'), 'utf8')) },
    a: { groups: alerts },
    r: { groups: rules },
  });
});

jsonnetTest('the resource labels may differ: the outputs do not depend on them, and _config carries them for the aggregator', () => {
  const m = `spt + { _config+:: { ruleLabels: { team: 'pricing' }, grafanaDashboardLabels+: { folder: 'spt' } } }`;
  assert.equal(evaluate(`local m = ${m}; [m._config.ruleLabels, std.length(m.prometheusAlerts.groups)]`), [{ team: 'pricing' }, 5]);
  // Why they may: no output changes when they do.
  const relabelled = mixin.withConfig({ ruleLabels: { team: 'pricing' }, grafanaDashboardLabels: { folder: 'spt' } });
  assert.equal([...RESOURCE_KEYS].sort(), ['grafanaDashboardLabels', 'ruleLabels']);
  for (const output of ['grafanaDashboards', 'prometheusRules', 'prometheusAlerts'] as const) {
    assert.equal(relabelled[output], mixin[output], output);
  }
});

/** A second mixin, with its own config key, dashboard, alerts and recording rules. */
const FAKE = `{
  _config+:: { fakeSelector: 'job="fake"' },
  grafanaDashboards+:: { 'fake.json': { uid: 'fake', title: 'Fake' } },
  prometheusAlerts+:: { groups+: [{ name: 'fake-alerts', rules: [{ alert: 'FakeDown', expr: 'up{%s} == 0' % $._config.fakeSelector }] }] },
  prometheusRules+:: { groups+: [{ name: 'fake-rules', rules: [{ record: 'fake:up', expr: 'up{%s}' % $._config.fakeSelector }] }] },
}`;

jsonnetTest('composed with another mixin in either order, both keep their dashboards, groups and config', () => {
  const names = (m: string) =>
    evaluate(`local m = ${m}; {
      dashboards: std.objectFields(m.grafanaDashboards),
      alerts: [g.name for g in m.prometheusAlerts.groups],
      rules: [g.name for g in m.prometheusRules.groups],
      config: [m._config.fakeSelector, m._config.sptSelector],
      fakeAlert: [g for g in m.prometheusAlerts.groups if g.name == 'fake-alerts'][0].rules[0].expr,
    }`);
  const sptAlerts = renderedGroups(deploy).alerts.map((g) => (g as { name: string }).name);
  const sptRules = renderedGroups(deploy).rules.map((g) => (g as { name: string }).name);
  const after = names(`local fake = ${FAKE}; fake + spt + { _config+:: { fakeSelector: 'job="other"' } }`);
  assert.equal(after, {
    dashboards: ['fake.json', 'spt-overview.json'],
    alerts: ['fake-alerts', ...sptAlerts],
    rules: ['fake-rules', ...sptRules],
    config: ['job="other"', 'job="server-price-tracker"'],
    fakeAlert: 'up{job="other"} == 0',
  });
  const before = names(`local fake = ${FAKE}; spt + fake + { _config+:: { fakeSelector: 'job="other"' } }`);
  assert.equal(before, {
    dashboards: ['fake.json', 'spt-overview.json'],
    alerts: [...sptAlerts, 'fake-alerts'],
    rules: [...sptRules, 'fake-rules'],
    config: ['job="other"', 'job="server-price-tracker"'],
    fakeAlert: 'up{job="other"} == 0',
  });
});

jsonnetTest('a mixin composed after this one that sets a key of the same name is refused, with the reason', () => {
  const clash = `{ _config+:: { rateInterval: '5m' }, grafanaDashboards+:: { 'node.json': {} } }`;
  const stderr = refusal(`(spt + ${clash}).grafanaDashboards`);
  assert.match(stderr, '_config.rateInterval is "5m" here');
  assert.match(stderr, 'a mixin composed after this one sets a key of the same name');
  assert.equal(evaluate(`std.objectFields((${clash} + spt).grafanaDashboards)`), ['node.json', 'spt-overview.json']);
});

test('deploy/jsonnetfile.json is a jsonnet-bundler v1 file without dependencies', () => {
  assert.equal(JSON.parse(readFileSync(join(deploy, 'jsonnetfile.json'), 'utf8')), { version: 1, dependencies: [], legacyImports: true });
});

/** The README's fenced block of `lang` that contains `marker`. */
function readmeBlock(lang: string, marker: string): string {
  const readme = readFileSync(join(root, 'README.md'), 'utf8');
  const block = [...readme.matchAll(new RegExp('```' + lang + '\\n([\\s\\S]*?)```', 'g'))].map((m) => m[1] ?? '').find((b) => b.includes(marker));
  assert.ok(block, `README has no ${lang} block with ${marker}`);
  return block as string;
}

jsonnetTest('README: the jsonnetfile dependency vendors deploy/ where the addMixin example imports it, and the example works', () => {
  const dependency = JSON.parse(readmeBlock('json', '"subdir"')).dependencies[0];
  assert.equal(dependency, { source: { git: { remote: 'https://github.com/donaldgifford/spt-mixin.git', subdir: 'deploy' } }, version: 'main' });
  // jsonnet-bundler vendors a git source at vendor/<host>/<path of the repository>/<subdir>.
  const { host, pathname } = new URL(dependency.source.git.remote);
  const vendored = `${host}${pathname.replace(/\.git$/, '')}/${dependency.source.git.subdir}`;
  const example = readmeBlock('jsonnet', '// spt.jsonnet');
  assert.match(example, `import '${vendored}/mixin.libsonnet'`);

  const dir = mkdtempSync(join(tmpdir(), 'spt-jb-'));
  try {
    cpSync(deploy, join(dir, 'vendor', vendored), { recursive: true });
    mkdirSync(join(dir, 'vendor/kube-prometheus/lib'), { recursive: true });
    cpSync(join(root, 'tests/fixtures/kube-prometheus-mixin.libsonnet'), join(dir, 'vendor/kube-prometheus/lib/mixin.libsonnet'));
    writeFileSync(join(dir, 'spt.jsonnet'), example);
    mkdirSync(join(dir, 'manifests'));
    const run = spawnSync('jsonnet', ['-J', 'vendor', '-m', 'manifests', 'spt.jsonnet'], { cwd: dir, encoding: 'utf8' });
    assert.is(run.status, 0, run.stderr);
    const rule = JSON.parse(readFileSync(join(dir, 'manifests/spt-prometheus-rules.json'), 'utf8'));
    const { alerts, rules } = renderedGroups(deploy);
    assert.equal(rule.metadata, { name: 'spt', namespace: 'monitoring', labels: { prometheus: 'k8s' } });
    assert.equal(rule.spec.groups, [...alerts, ...rules]);
    assert.equal(JSON.parse(readFileSync(join(dir, 'manifests/spt-grafana-dashboards.json'), 'utf8')), {
      'spt-overview.json': JSON.parse(readFileSync(join(deploy, 'grafana/data/spt-overview.json'), 'utf8')),
    });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test.run();
