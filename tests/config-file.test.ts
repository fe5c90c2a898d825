/**
 * Config files as users write them: empty ones, YAML's numbers where text is meant, per-alert labels for routing,
 * `null` to drop a default label, and the header that names the command a customised render came from.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { parse } from 'yaml';
import mixin, { type Rule } from 'spt-mixin';
import { main, type Io } from '../lib/cli/commands.js';
import { snapshot } from './helpers.js';

const deploy = fileURLToPath(new URL('../deploy/', import.meta.url));

/** An Io that keeps stdout and stderr apart. */
function streams(): Io & { out_: string[]; err_: string[] } {
  const out_: string[] = [];
  const err_: string[] = [];
  return { out_, err_, out: (t) => out_.push(t), err: (t) => err_.push(t) };
}

/** Runs `fn` with a temporary folder holding `config.yaml` with `text`. */
async function withConfigFile(text: string, fn: (dir: string, file: string) => Promise<void>): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'spt-config-file-'));
  try {
    const file = join(dir, 'config.yaml');
    writeFileSync(file, text);
    await fn(dir, file);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const alertsIn = (file: string): Map<string, Rule> =>
  new Map(
    (parse(readFileSync(file, 'utf8')).spec.groups as { rules: Rule[] }[]).flatMap((g) => g.rules).map((r) => [r.alert as string, r]),
  );

test('an empty, comment-only or key-less config file renders the defaults with a warning naming the file', async () => {
  for (const text of ['', '\n', '# nothing here yet\n# sptSelector: job="spt"\n', '{}\n', '_config:\n', '---\n']) {
    await withConfigFile(text, async (dir, file) => {
      const io = streams();
      assert.is(await main(['render', '--config', file, '--out', join(dir, 'out')], io), 0, io.err_.join('\n'));
      assert.equal(io.err_, [`warning: ${file} sets no _config keys (it is empty or only comments); rendering with the defaults`], JSON.stringify(text));
      assert.is(readFileSync(join(dir, 'out/grafana/data/spt-overview.json'), 'utf8'), readFileSync(join(deploy, 'grafana/data/spt-overview.json'), 'utf8'));
    });
  }
  await withConfigFile('errorRateThreshold: 0.1\n', async (dir, file) => {
    const io = streams();
    assert.is(await main(['render', '--config', file, '--out', join(dir, 'out')], io), 0);
    assert.equal(io.err_, [], 'a file that sets a key is no reason to warn');
  });
});

// [file text, the error's key, the quoted form the hint must show]
const UNQUOTED: Array<[string, string, string]> = [
  ['dashboardRefresh: 30', 'dashboardRefresh', 'dashboardRefresh: "30"'],
  ['dashboardTitle: true', 'dashboardTitle', 'dashboardTitle: "true"'],
  ['sptSelector: 42', 'sptSelector', 'sptSelector: "42"'],
  ['ruleLabels: { team: 1 }', 'ruleLabels.team', 'team: "1"'],
  ['grafanaDashboardLabels: { grafana_dashboard: 1 }', 'grafanaDashboardLabels.grafana_dashboard', 'grafana_dashboard: "1"'],
  ['alerts: { SptDown: { labels: { team: 1 } } }', 'alerts.SptDown.labels.team', 'team: "1"'],
  ['alerts: { SptDown: { for: 5 } }', 'alerts.SptDown.for', 'for: "5"'],
];

test('YAML numbers and booleans where text is meant: one line that says to quote them', async () => {
  for (const [text, key, quoted] of UNQUOTED) {
    await withConfigFile(`${text}\n`, async (dir, file) => {
      const io = streams();
      assert.is(await main(['render', '--config', file, '--out', join(dir, 'out')], io), 2, text);
      assert.is(io.err_.length, 1, `${text}: ${io.err_.join('\n')}`);
      const line = io.err_[0] ?? '';
      assert.ok(line.startsWith(`error: config key "${key}": `), `${text}: ${line}`);
      assert.ok(line.endsWith(`quote it, ${quoted}`), `${text}: ${line}`);
    });
  }
  // Quoted as the hint says, the same values are accepted (those with a valid form).
  for (const text of ['dashboardTitle: "true"', 'ruleLabels: { team: "1" }', 'alerts: { SptDown: { labels: { team: "1" } } }']) {
    await withConfigFile(`${text}\n`, async (dir, file) => {
      const io = streams();
      assert.is(await main(['render', '--config', file, '--out', join(dir, 'out')], io), 0, `${text}: ${io.err_.join('\n')}`);
    });
  }
  // A number where a number belongs gets no such hint.
  await withConfigFile('ebayDailyLimit: "5000"\n', async (dir, file) => {
    const io = streams();
    assert.is(await main(['render', '--config', file, '--out', join(dir, 'out')], io), 2);
    assert.not.match(io.err_.join('\n'), 'quote it');
  });
});

test('per-alert labels from a config file: merged over the alert\'s labels, severity kept, other alerts untouched', async () => {
  const text = 'alerts:\n  SptDown: { labels: { team: pricing, route: "{{ not a template" } }\n  SptEbayQuotaHigh: { severity: critical, labels: { team: ebay } }\n';
  await withConfigFile(text, async (dir, file) => {
    const io = streams();
    assert.is(await main(['render', '--config', file, '--out', join(dir, 'out')], io), 0, io.err_.join('\n'));
    const alerts = alertsIn(join(dir, 'out/prometheus/spt-alerts.yaml'));
    const defaults = alertsIn(join(deploy, 'prometheus/spt-alerts.yaml'));
    // A `{` in config text is written so Prometheus prints it rather than expanding it.
    assert.equal(alerts.get('SptDown')?.labels, { team: 'pricing', route: '{{ "{" }}{{ "{" }} not a template', severity: 'critical' });
    assert.equal(alerts.get('SptEbayQuotaHigh')?.labels, { team: 'ebay', severity: 'critical' });
    for (const [name, rule] of defaults) {
      if (name !== 'SptDown' && name !== 'SptEbayQuotaHigh') assert.equal(alerts.get(name), rule, name);
    }
    assert.equal({ ...alerts.get('SptDown'), labels: undefined }, { ...defaults.get('SptDown'), labels: undefined });
    promtoolAccepts(join(dir, 'out/prometheus/spt-alerts.yaml'), dir);
  });
});

/** `promtool check rules` on a PrometheusRule's spec: the real judge of labels and templates. */
function promtoolAccepts(resource: string, dir: string): void {
  if ((spawnSync('promtool', ['--version']).error as NodeJS.ErrnoException | undefined)?.code === 'ENOENT') {
    if (process.env.CI === 'true') assert.unreachable("promtool is required in CI (Debian package 'prometheus')");
    console.log("promtool not found: skipping its check of the labelled alerts; install Debian's prometheus package");
    return;
  }
  const rules = join(dir, 'rules.json');
  writeFileSync(rules, JSON.stringify(parse(readFileSync(resource, 'utf8')).spec));
  const run = spawnSync('promtool', ['check', 'rules', rules], { encoding: 'utf8' });
  assert.is(run.status, 0, run.stdout + run.stderr);
}

test('README: the routing example renders what it says', async () => {
  const readme = readFileSync(fileURLToPath(new URL('../README.md', import.meta.url)), 'utf8');
  const example = /```yaml\n(# routing\.yaml\n[\s\S]*?)```/.exec(readme)?.[1];
  assert.ok(example, 'README has the routing.yaml example');
  await withConfigFile(example as string, async (dir, file) => {
    const io = streams();
    assert.is(await main(['render', '--config', file, '--out', join(dir, 'out')], io), 0, io.err_.join('\n'));
    const alerts = alertsIn(join(dir, 'out/prometheus/spt-alerts.yaml'));
    assert.equal(alerts.get('SptDown')?.labels, { team: 'pricing', severity: 'critical' });
    assert.equal(alerts.get('SptEbayQuotaHigh')?.labels, { team: 'ebay', severity: 'warning' });
    const labels = parse(readFileSync(join(dir, 'out/prometheus/spt-alerts.yaml'), 'utf8')).metadata.labels;
    assert.not.ok('prometheus' in labels);
    assert.is(labels.release, 'monitoring');
  });
});

test('alert labels Prometheus would refuse, or that belong elsewhere, are refused naming the label', async () => {
  const bad: Array<[string, string, RegExp]> = [
    ['alerts: { SptDown: { labels: { severity: page } } }', 'alerts.SptDown.labels.severity', /alerts\.SptDown\.severity/],
    ['alerts: { SptDown: { labels: { alertname: x } } }', 'alerts.SptDown.labels.alertname', /Prometheus sets alertname/],
    ['alerts: { SptDown: { labels: { "team-name": x } } }', 'alerts.SptDown.labels.team-name', /not a valid Prometheus label name/],
    ['alerts: { SptDown: { labels: { 1team: x } } }', 'alerts.SptDown.labels.1team', /not a valid Prometheus label name/],
    ['alerts: { SptDown: { labels: { __name__: x } } }', 'alerts.SptDown.labels.__name__', /not a valid Prometheus label name/],
    ['alerts: { SptDown: { labels: { team: "" } } }', 'alerts.SptDown.labels.team', /null to remove/],
    ['alerts: { SptDown: { labels: [team] } }', 'alerts.SptDown.labels', /expected object/],
  ];
  for (const [text, key, reason] of bad) {
    await withConfigFile(`${text}\n`, async (dir, file) => {
      const io = streams();
      assert.is(await main(['render', '--config', file, '--out', join(dir, 'out')], io), 2, text);
      const line = io.err_[0] ?? '';
      assert.ok(line.startsWith(`error: config key "${key}": `), `${text}: ${line}`);
      assert.match(line, reason);
    });
  }
  // Names Prometheus accepts that look unusual pass.
  const odd = mixin.withConfig({ alerts: { SptDown: { labels: { _team: 'a', Team_2: 'b' } } } });
  assert.equal(odd.prometheusAlerts.groups[0]?.rules[0]?.labels, { _team: 'a', Team_2: 'b', severity: 'critical' });
});

test('null removes a default label, from a file or from code; a removed required key is named', async () => {
  await withConfigFile('ruleLabels: { prometheus: null, team: pricing }\n', async (dir, file) => {
    const io = streams();
    assert.is(await main(['render', '--config', file, '--out', join(dir, 'out')], io), 0, io.err_.join('\n'));
    for (const resource of ['spt-alerts.yaml', 'spt-recording-rules.yaml']) {
      assert.equal(parse(readFileSync(join(dir, 'out/prometheus', resource), 'utf8')).metadata.labels, {
        'app.kubernetes.io/name': 'server-price-tracker',
        'app.kubernetes.io/part-of': 'spt-mixin',
        role: 'alert-rules',
        team: 'pricing',
      });
    }
  });
  const labelled = mixin.withConfig({ alerts: { SptDown: { labels: { team: 'a', tier: 'b' } } } });
  const unlabelled = labelled.withConfig({ alerts: { SptDown: { labels: { team: null } } } });
  assert.equal(unlabelled.prometheusAlerts.groups[0]?.rules[0]?.labels, { tier: 'b', severity: 'critical' });
  assert.equal(mixin.withConfig({ ruleLabels: { nothing: null } })._config.ruleLabels, mixin._config.ruleLabels, 'removing an absent key changes nothing');
  await withConfigFile('sptSelector: null\n', async (dir, file) => {
    const io = streams();
    assert.is(await main(['render', '--config', file, '--out', join(dir, 'out')], io), 2);
    assert.is(io.err_[0], 'error: config key "sptSelector": is required');
  });
});

test('a customised render names the exact command in every header, and check with that command finds it current', async () => {
  await withConfigFile('sptSelector: job="spt"\n', async (dir, file) => {
    const out = join(dir, 'my out');
    const io = streams();
    assert.is(await main(['render', '--config', file, '--out', out], io), 0, io.err_.join('\n'));
    const command = `npx spt-mixin render --config ${file} --out '${out}'`;
    const files = snapshot(out);
    for (const [path, text] of files) {
      if (path.endsWith('.json')) continue;
      const comment = path.endsWith('.libsonnet') ? '//' : '#';
      assert.is(text.split('\n')[0], `${comment} Generated by ${command}; do not edit.`, path);
    }
    assert.is(await main(['check', '--config', file, '--out', out], streams()), 0, 'the same options render the same headers');
    assert.is(await main(['render', '--config', file, '--out', out, '--timings'], streams()), 0);
    assert.equal(snapshot(out), files, 'options that do not change output do not change the header');
  });
  // The default render keeps its header.
  const alerts = readFileSync(join(deploy, 'prometheus/spt-alerts.yaml'), 'utf8');
  assert.ok(alerts.startsWith('# Generated by spt-mixin from lib/spt and templates/. Do not edit'));
});

test.run();
