/**
 * Injection safety: no config value may produce broken PromQL, YAML or alert templates. 1,000 generated configs
 * full of quotes, backslashes, newlines, `{{ }}`, unicode and extreme lengths either fail with a clean config
 * error, or give output that passes every check, round-trips through YAML and JSON, and satisfies promtool.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
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
import { pick, random } from './helpers.js';

const RUNS = 1000;

const NASTY = ['"', "'", '\\', '\n', '\r', '\t', '{{', '}}', '{', '}', '`', '$', '#', ': ', '- ', '%s', 'é', '🦀', '\u0000', '\u2028', '<%', '%>', ' ', 'a', 'z', '0', '-', '_', '.', '/', '=~', ','];

function nastyString(r: () => number): string {
  const roll = r();
  if (roll < 0.05) return '';
  if (roll < 0.1) return 'x'.repeat(5000 + Math.floor(r() * 5000));
  return Array.from({ length: 1 + Math.floor(r() * 12) }, () => pick(r, NASTY)).join('');
}

/**
 * Regex values at the edges of Go's regexp/syntax, which Prometheus compiles when it loads a rule: repeat counts
 * around the limit of 1,000, nested counts whose product crosses it, `\Q...\E`, `\x{...}` and `\p{...}` classes.
 */
function regexValue(r: () => number): string {
  const count = () => 990 + Math.floor(r() * 20);
  const small = () => 1 + Math.floor(r() * 40);
  return pick(r, [
    () => `x{${count()}}`,
    () => `x{${small()},${count()}}`,
    () => `x{${count()},}`,
    () => `(a{${small()}}){${small()}}`,
    () => `((a{${small()}}){${small()}}){${small()}}`,
    () => `(?:a{2}){${count()}}`,
    () => `\\Q${nastyString(r)}\\E`,
    () => `\\Q${nastyString(r)}`,
    () => `\\x{${pick(r, ['41', '10FFFF', '110000', 'D800', 'zz', ''])}}`,
    () => `\\${pick(r, ['p', 'P'])}{${pick(r, ['Greek', '^Greek', 'Latin', 'L', 'Lu', 'Nd', 'Foo', 'Any', 'Todhri', ''])}}`,
    () => `\\${pick(r, ['pL', 'PN', 'pX', 'd', 'z', 'C', 'Z', '8', 'Q', 'E'])}`,
    () => `${pick(r, ['(?i)', '(?s)', '(?U)', '(?P<n>', '(?<n>', '(?=', '(?:', '(?'])}${nastyString(r)}${pick(r, [')', ''])}`,
  ])();
}

function selector(r: () => number): string {
  const matchers = Array.from({ length: Math.floor(r() * 3) }, () => {
    const label = r() < 0.95 ? pick(r, ['job', 'env', 'cluster', 'team_1']) : nastyString(r);
    const op = r() < 0.95 ? pick(r, ['=', '!=', '=~', '!~']) : '==';
    const value = op.includes('~') && r() < 0.4 ? regexValue(r) : nastyString(r);
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

/**
 * Regex syntax Prometheus 3.14 (Go 1.22+, Unicode 15) accepts and the promtool here, 2.42 built with Go 1.19
 * (Unicode 13), refuses: `(?<name>...)` groups and the classes of scripts added in Unicode 14 and 15. Configs
 * using them are checked by our rules but not handed to this promtool.
 */
const NEWER_THAN_PROMTOOL = /\(\?<[^=!]|\\[pP]\{\^?(?:Vithkuqi|Cypro_Minoan|Old_Uyghur|Tangsa|Toto|Kawi|Nag_Mundari)\}/;

/**
 * Applies one config: a clean one-line config error (undefined), or a rule file of its rendered rules after they
 * passed every check and the YAML and JSON round trips (the file's path, to hand to promtool).
 */
async function render(label: string, patch: Patch<SptConfig>, dir: string): Promise<string | undefined> {
  let custom: typeof mixin;
  try {
    custom = mixin.withConfig(patch);
  } catch (error) {
    assert.instance(error, ConfigError, `${label} threw something else: ${String(error)}`);
    assert.not.match((error as Error).message, /\n/, `${label}: the error is one line: ${JSON.stringify((error as Error).message)}`);
    return undefined;
  }
  const errors = checkSpt(custom).filter((f) => f.severity === 'error');
  assert.equal(errors, [], `${label} (${JSON.stringify(patch).slice(0, 300)}) passes the checks`);
  let file = '';
  for (const [path, text] of await serializeAll(artifacts(custom, ['rules']))) {
    const data = parse(text);
    if (path.endsWith('spt-alerts.yaml')) {
      assert.equal(data.spec, custom.prometheusAlerts, `${label}: alerts survive YAML`);
      file = join(dir, `${label.replace(/\W/g, '-')}.yaml`);
      writeFileSync(file, JSON.stringify({ groups: [...data.spec.groups, ...custom.prometheusRules.groups] }));
    }
  }
  assert.equal(JSON.parse(JSON.stringify(custom.grafanaDashboards)), custom.grafanaDashboards);
  return NEWER_THAN_PROMTOOL.test(custom._config.sptSelector) ? 'newer than promtool' : file;
}

/** `promtool check rules` on every file: all must load. Skips without promtool, except in CI. */
function promtoolAccepts(files: readonly string[]): void {
  const probe = spawnSync('promtool', ['--version']);
  if (probe.error) {
    if (process.env.CI === 'true') assert.unreachable("promtool is required in CI (Debian package 'prometheus')");
    console.log('promtool not found: skipping promtool on the fuzzed rule files');
    return;
  }
  const run = spawnSync('promtool', ['check', 'rules', ...files], { encoding: 'utf8', maxBuffer: 64 << 20 });
  assert.is(run.status, 0, (run.stdout + run.stderr).split('\n').filter((l) => /FAILED|error/i.test(l)).slice(0, 10).join('\n'));
}

test(`${RUNS} generated configs: a clean config error, or output that passes every check and promtool`, async () => {
  const dir = mkdtempSync(join(tmpdir(), 'spt-fuzz-'));
  const ruleFiles: string[] = [];
  let rejected = 0;
  try {
    for (let i = 0; i < RUNS; i++) {
      const file = await render(`config ${i}`, generate(random(i)), dir);
      if (file === undefined) rejected++;
      else if (file !== 'newer than promtool') ruleFiles.push(file);
    }
    const accepted = RUNS - rejected;
    console.log(`fuzz: ${accepted} configs accepted and checked, ${rejected} rejected with a config error`);
    assert.ok(accepted >= RUNS / 4, `enough configs get through to exercise the output (${accepted})`);
    assert.ok(rejected >= RUNS / 10, `enough configs are rejected to exercise the errors (${rejected})`);
    promtoolAccepts(ruleFiles);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a selector regex Go refuses is a one-line config error; one at the limit renders rules promtool accepts', async () => {
  assert.throws(
    () => mixin.withConfig({ sptSelector: 'job=~"x{1001}"' }),
    (e: unknown) => e instanceof ConfigError && /sptSelector.*invalid repeat count/.test((e as Error).message) && !(e as Error).message.includes('\n'),
  );
  const dir = mkdtempSync(join(tmpdir(), 'spt-fuzz-limit-'));
  try {
    const file = await render('limit', { sptSelector: 'job=~"x{1000}|(a{2}){500}|\\\\Q{}\\\\E"' }, dir);
    assert.ok(file && file !== 'newer than promtool', 'accepted and handed to promtool');
    promtoolAccepts([file]);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

const re2Suite = join(import.meta.dirname, '..', '..', 'shared', 'reference-suites', 're2.jsonl');

test('every RE2 suite case as the selector\'s regex: a clean config error, or rules promtool accepts', async () => {
  if (!existsSync(re2Suite)) {
    if (process.env.CI === 'true') assert.unreachable(`${re2Suite} is required in CI`);
    console.log('skipped: ../shared/reference-suites is absent');
    return;
  }
  const cases = readFileSync(re2Suite, 'utf8').split('\n').filter((l) => l.trim() !== '').map((l) => JSON.parse(l) as { regex: string; valid: boolean });
  const dir = mkdtempSync(join(tmpdir(), 'spt-fuzz-re2-'));
  const ruleFiles: string[] = [];
  try {
    for (const [i, c] of cases.entries()) {
      const file = await render(`re2 case ${i}`, { sptSelector: `job=~${JSON.stringify(c.regex)}` }, dir);
      assert.is(file !== undefined, c.valid, `re2 case ${i} ${JSON.stringify(c.regex)}: accepted exactly when Go accepts it`);
      if (file !== undefined && file !== 'newer than promtool') ruleFiles.push(file);
    }
    promtoolAccepts(ruleFiles);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test.run();
