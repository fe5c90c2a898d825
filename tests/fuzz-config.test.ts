/**
 * Injection safety: no config value may produce broken PromQL, YAML or alert templates. 1,000 generated configs
 * full of quotes, backslashes, newlines, `{{ }}`, unicode and extreme lengths either fail with a clean config
 * error, or give output that passes every check, round-trips through YAML and JSON, and satisfies promtool.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { parse } from 'yaml';
import mixin from 'spt-mixin';
import { checkSpt } from '../lib/spt/render.js';
import { ConfigError } from '../lib/engine/config.js';
import { serializeAll } from '../lib/render/serialize.js';
import { artifacts } from '../lib/spt/deploy.js';
import type { SptConfig } from '../lib/spt/config.js';
import type { Patch } from '../lib/engine/merge.js';
import { seededRandom } from './helpers.js';

const RUNS = 1000;

/** Seeded, so a failure is reproducible from its index. */
const random = seededRandom;

const NASTY = ['"', "'", '\\', '\n', '\r', '\t', '{{', '}}', '{', '}', '`', '$', '#', ': ', '- ', '%s', 'é', '🦀', '\u0000', '\u2028', '<%', '%>', ' ', 'a', 'z', '0', '-', '_', '.', '/', '=~', ','];

function pick<T>(r: () => number, list: readonly T[]): T {
  return list[Math.floor(r() * list.length)] as T;
}

function nastyString(r: () => number): string {
  const roll = r();
  if (roll < 0.05) return '';
  if (roll < 0.1) return 'x'.repeat(5000 + Math.floor(r() * 5000));
  return Array.from({ length: 1 + Math.floor(r() * 12) }, () => pick(r, NASTY)).join('');
}

function selector(r: () => number): string {
  const matchers = Array.from({ length: Math.floor(r() * 3) }, () => {
    const label = r() < 0.95 ? pick(r, ['job', 'env', 'cluster', 'team_1']) : nastyString(r);
    const op = r() < 0.95 ? pick(r, ['=', '!=', '=~', '!~']) : '==';
    const value = nastyString(r);
    // Mostly quoted correctly, so most configs get through to the checks; sometimes pasted raw.
    return `${label}${op}${r() < 0.9 ? JSON.stringify(value) : `"${value}"`}`;
  });
  const list = matchers.join(pick(r, [', ', ',', ' , ']));
  // The config accepts the matchers bare or inside braces, as in a selector.
  return r() < 0.2 ? `{${list}}` : list;
}

/** Mostly a value from `valid`, sometimes a hostile one, so most configs reach the output checks. */
function mostly<T>(r: () => number, valid: readonly T[], hostile: () => T): T {
  return r() < 0.9 ? pick(r, valid) : hostile();
}

const anyNumber = (r: () => number) => pick(r, [0, -1, 1e-9, 1e308, Number.NaN, Number.POSITIVE_INFINITY]);
const labelValue = (r: () => number) => mostly(r, ['pricing', 'a-b.c_d', '1', ''], () => nastyString(r));

function generate(r: () => number): Patch<SptConfig> {
  const patch: Record<string, unknown> = {};
  const maybe = (p: number, key: string, value: () => unknown) => {
    if (r() < p) patch[key] = value();
  };
  maybe(0.9, 'sptSelector', () => selector(r));
  maybe(0.3, 'ebayDailyLimit', () => mostly(r, [5000, 10000, 1e9], () => anyNumber(r)));
  maybe(0.3, 'ebayQuotaWarning', () => mostly(r, [0, 4000, 4999.5], () => anyNumber(r)));
  maybe(0.3, 'errorRateThreshold', () => mostly(r, [0.01, 0.05, 0.07, 0.999], () => anyNumber(r)));
  maybe(0.3, 'extractionFailureRateThreshold', () => mostly(r, [0, 0.1, 5, 1e9], () => anyNumber(r)));
  maybe(0.5, 'runbookUrlPattern', () => `https://runbooks.example/${nastyString(r).replace(/\s/g, '')}/%s`);
  maybe(0.5, 'dashboardTitle', () => nastyString(r));
  maybe(0.5, 'dashboardTags', () => [nastyString(r), nastyString(r)]);
  maybe(0.3, 'dashboardUid', () => mostly(r, ['spt', 'a_b-C'], () => nastyString(r)));
  maybe(0.3, 'ruleLabels', () => ({ [pick(r, ['team', 'a/b', 'example.com/owner', 'bad key'])]: labelValue(r) }));
  maybe(0.2, 'grafanaDashboardLabels', () => ({ grafana_dashboard: labelValue(r) }));
  maybe(0.2, 'rateInterval', () => mostly(r, ['$__rate_interval', '5m', '1h30m'], () => nastyString(r)));
  maybe(0.2, 'alerts', () => ({ SptDown: { for: mostly(r, ['0m', '0m0s', '0', '5m', '1h30m'], () => nastyString(r)) } }));
  return patch as Patch<SptConfig>;
}

test(`${RUNS} generated configs: a clean config error, or output that passes every check and promtool`, async () => {
  const dir = mkdtempSync(join(tmpdir(), 'spt-fuzz-'));
  const ruleFiles: string[] = [];
  let rejected = 0;
  try {
    for (let i = 0; i < RUNS; i++) {
      const patch = generate(random(i));
      let custom: typeof mixin;
      try {
        custom = mixin.withConfig(patch);
      } catch (error) {
        assert.instance(error, ConfigError, `config ${i} threw something else: ${String(error)}`);
        assert.not.match((error as Error).message, /\n/, `config ${i}: the error is one line: ${JSON.stringify((error as Error).message)}`);
        rejected++;
        continue;
      }
      const errors = checkSpt(custom).filter((f) => f.severity === 'error');
      assert.equal(errors, [], `config ${i} (${JSON.stringify(patch).slice(0, 300)}) passes the checks`);
      const files = await serializeAll(artifacts(custom, ['rules']));
      for (const [path, text] of files) {
        const data = parse(text);
        if (path.endsWith('spt-alerts.yaml')) {
          assert.equal(data.spec, custom.prometheusAlerts, `config ${i}: alerts survive YAML`);
          const file = join(dir, `alerts-${i}.yaml`);
          writeFileSync(file, JSON.stringify({ groups: [...data.spec.groups, ...custom.prometheusRules.groups] }));
          ruleFiles.push(file);
        }
      }
      assert.equal(JSON.parse(JSON.stringify(custom.grafanaDashboards)), custom.grafanaDashboards);
    }
    const accepted = RUNS - rejected;
    console.log(`fuzz: ${accepted} configs accepted and checked, ${rejected} rejected with a config error`);
    assert.ok(accepted >= RUNS / 4, `enough configs get through to exercise the output (${accepted})`);
    assert.ok(rejected >= RUNS / 10, `enough configs are rejected to exercise the errors (${rejected})`);

    const probe = spawnSync('promtool', ['--version']);
    if (probe.error) {
      if (process.env.CI === 'true') assert.unreachable("promtool is required in CI (Debian package 'prometheus')");
      console.log('promtool not found: skipping promtool on the fuzzed rule files');
      return;
    }
    const run = spawnSync('promtool', ['check', 'rules', ...ruleFiles], { encoding: 'utf8', maxBuffer: 64 << 20 });
    assert.is(run.status, 0, (run.stdout + run.stderr).split('\n').filter((l) => /FAILED|error/i.test(l)).slice(0, 10).join('\n'));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test.run();
