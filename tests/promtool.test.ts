/**
 * Runs promtool against the committed rules: `promtool check rules` on both PrometheusRule resources and
 * `promtool test rules` on the scenarios in tests/rule-tests/. promtool reads plain rule files, so the
 * resources' `spec`s are written to a temp dir, next to copies of the test files, whose `rule_files` name them.
 *
 * The scenarios are not under tests/promtool/: uvu imports every file whose path matches its pattern, and
 * `uvu tests promtool` would then try to import the YAML.
 */
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { whenInstalled } from './helpers.js';
import { parse, stringify } from 'yaml';

const deployDir = fileURLToPath(new URL('../deploy/prometheus/', import.meta.url));
const scenarioDir = fileURLToPath(new URL('./rule-tests/', import.meta.url));

/** The rule files the scenarios may name, with the rule count `promtool check rules` must report. */
const ruleFiles: Record<string, number> = { 'spt-recording-rules.yaml': 6, 'spt-alerts.yaml': 8 };
const scenarios = readdirSync(scenarioDir).filter((f) => f.endsWith('.test.yaml')).sort();

const promtoolFound = (spawnSync('promtool', ['--version']).error as NodeJS.ErrnoException | undefined)?.code !== 'ENOENT';
const promtool = suite('promtool');
let workDir = '';

function run(...args: string[]): { status: number | null; output: string } {
  const r = spawnSync('promtool', args, { cwd: workDir, encoding: 'utf8' });
  return { status: r.status, output: `${r.stdout}${r.stderr}${r.error ? String(r.error) : ''}` };
}

whenInstalled(promtoolFound, 'the promtool tests', 'prometheus (promtool)', () => {
  promtool.before(() => {
    workDir = mkdtempSync(join(tmpdir(), 'spt-promtool-'));
    for (const name of Object.keys(ruleFiles)) {
      const cr = parse(readFileSync(join(deployDir, name), 'utf8')) as { kind?: unknown; spec?: unknown };
      if (cr.kind !== 'PrometheusRule' || cr.spec == null) throw new Error(`${name}: not a PrometheusRule with a spec`);
      writeFileSync(join(workDir, name), stringify(cr.spec));
    }
  });

  // uvu runs `after` hooks in a `finally`, so the temp dir goes even when a test or `before` fails.
  promtool.after(() => {
    if (workDir) rmSync(workDir, { recursive: true, force: true });
  });

  for (const [name, count] of Object.entries(ruleFiles)) {
    promtool(`check rules: ${name}`, () => {
      const r = run('check', 'rules', name);
      assert.is(r.status, 0, `promtool check rules ${name} failed:\n${r.output}`);
      assert.match(r.output, `SUCCESS: ${count} rules found`, `expected ${count} rules in ${name}:\n${r.output}`);
    });
  }

  // A missing or renamed scenario file would otherwise just mean fewer tests.
  promtool('scenario files are present', () => {
    assert.equal(scenarios, ['alerts.test.yaml', 'recording.test.yaml']);
  });

  for (const file of scenarios) {
    promtool(`test rules: ${file}`, () => {
      const text = readFileSync(join(scenarioDir, file), 'utf8');
      const named = (parse(text) as { rule_files?: string[] }).rule_files ?? [];
      const unknown = named.filter((f) => !(f in ruleFiles));
      assert.ok(named.length > 0 && unknown.length === 0, `${file}: rule_files must name only ${Object.keys(ruleFiles).join(', ')}; got ${named.join(', ')}`);
      copyFileSync(join(scenarioDir, file), join(workDir, file));
      const r = run('test', 'rules', file);
      assert.is(r.status, 0, `promtool test rules ${file} failed:\n${r.output}`);
    });
  }

  // Proves a green run means something: promtool, as invoked here, fails a scenario whose expectation is wrong.
  promtool('test rules fails when an expected alert does not fire', () => {
    const mustFail = {
      rule_files: ['spt-alerts.yaml'],
      evaluation_interval: '1m',
      tests: [
        {
          interval: '1m',
          input_series: [{ series: 'spt_ebay_daily_usage{job="server-price-tracker", instance="spt-0:8080"}', values: '4000x20' }],
          // Usage exactly at the 4000 threshold: SptEbayQuotaHigh must stay quiet, so expecting it is wrong.
          alert_rule_test: [
            {
              eval_time: '15m',
              alertname: 'SptEbayQuotaHigh',
              exp_alerts: [{ exp_labels: { severity: 'warning', job: 'server-price-tracker', instance: 'spt-0:8080' } }],
            },
          ],
        },
      ],
    };
    writeFileSync(join(workDir, 'must-fail.test.yaml'), stringify(mustFail));
    const r = run('test', 'rules', 'must-fail.test.yaml');
    assert.is.not(r.status, 0, `promtool passed a scenario that must fail:\n${r.output}`);
    // Failed on the evaluated alert, not on a broken file: promtool reports what it expected and got nothing.
    assert.match(r.output, /alertname: SptEbayQuotaHigh, time: 15m,[\s\S]*got:\s*\[\]/, r.output);
  });
}, promtool);

promtool.run();
