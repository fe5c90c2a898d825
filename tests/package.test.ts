/**
 * The package as a consumer gets it: packed with `npm pack`, installed from the tarball into a project of its own
 * (once, shared by every test here), then used with plain `node`, `npx spt-mixin` and the consumer's `tsc`.
 * Nothing here reads the repository's sources, only what the tarball holds.
 */
import { spawnSync, type SpawnSyncReturns } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { parse } from 'yaml';
import { main } from '../lib/cli/commands.js';
import { snapshot } from './helpers.js';

const root = fileURLToPath(new URL('..', import.meta.url));
const deploy = join(root, 'deploy');
const version = (JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { version: string }).version;

/** The environment of a consumer's shell: nothing of the `npm test` that runs this file (INIT_CWD, npm_*). */
const env = Object.fromEntries(Object.entries(process.env).filter(([key]) => key !== 'INIT_CWD' && !key.startsWith('npm_')));

let work = '';
let consumer = '';
let packed: string[] = [];

function run(command: string, args: readonly string[], cwd = consumer): SpawnSyncReturns<string> {
  return spawnSync(command, args, { cwd, env, encoding: 'utf8', maxBuffer: 64 << 20 });
}

const bin = (cwd: string, ...args: string[]) => run(join(consumer, 'node_modules/.bin/spt-mixin'), args, cwd);
const node = (file: string) => run(process.execPath, [file]);

/** The code block of README.md that follows `marker`. */
function readmeBlock(marker: string, lang: string): string {
  const readme = readFileSync(join(root, 'README.md'), 'utf8');
  const from = readme.indexOf(marker);
  assert.ok(from >= 0, `README.md has "${marker}"`);
  const open = readme.indexOf('```' + lang + '\n', from) + lang.length + 4;
  return readme.slice(open, readme.indexOf('```\n', open));
}

test.before(() => {
  work = mkdtempSync(join(tmpdir(), 'spt-package-'));
  const pack = run('npm', ['pack', '--json', '--pack-destination', work], root);
  assert.is(pack.status, 0, pack.stderr);
  // prepack's own output shares stdout with npm's JSON.
  const json = pack.stdout.slice(pack.stdout.search(/^\[\s*\{/m));
  const [info] = JSON.parse(json) as Array<{ filename: string; files: Array<{ path: string }> }>;
  assert.ok(info);
  packed = info.files.map((f) => f.path).sort();
  consumer = join(work, 'consumer');
  mkdirSync(consumer);
  writeFileSync(join(consumer, 'package.json'), JSON.stringify({ name: 'consumer', private: true, type: 'module' }));
  const install = run('npm', ['install', '--prefer-offline', '--no-audit', '--no-fund', join(work, info.filename)]);
  assert.is(install.status, 0, install.stderr);
});

test.after(() => {
  if (work) rmSync(work, { recursive: true, force: true });
});

test('the tarball holds what consumers need and no tests, CI files, sources or development scripts', () => {
  for (const needed of ['LICENSE', 'README.md', 'package.json', 'bin/spt-mixin.cjs', 'bin/run-bundle.cjs', 'dist/cli.cjs', 'esm/mixin.js', 'esm/engine.js', 'esm/types/mixin.d.ts', 'esm/types/engine.d.ts', 'templates/header.eta', 'deploy/mixin.libsonnet']) {
    assert.ok(packed.includes(needed), `${needed} is in the tarball`);
  }
  const unwanted = packed.filter((path) => /^(tests|scripts|lib|bench|\.ci)\/|^(Makefile|tsconfig.*\.json)$|\.(ts|map|cache)$/.test(path) && !path.endsWith('.d.ts'));
  assert.equal(unwanted, []);
  const manifest = JSON.parse(readFileSync(join(consumer, 'node_modules/spt-mixin/package.json'), 'utf8'));
  assert.is(manifest.private, undefined);
  assert.is(manifest.license, 'MIT');
  assert.not.ok(manifest.scripts.prepare ?? manifest.scripts.install ?? manifest.scripts.postinstall, 'installing runs no script of ours');
});

test('plain node imports the package and reads every output, equal to deploy/', () => {
  writeFileSync(
    join(consumer, 'read.mjs'),
    `import mixin, { withConfig, extend, patchAlert, renderTo, _config } from 'spt-mixin';
const ours = withConfig({ sptSelector: 'job="spt"' }).extend(patchAlert('SptDown', { for: '10m' }));
const down = ours.prometheusAlerts.groups.flatMap((g) => g.rules).find((r) => r.alert === 'SptDown');
console.log(JSON.stringify({ dashboards: mixin.grafanaDashboards, rules: mixin.prometheusRules, alerts: mixin.prometheusAlerts,
  selector: _config.sptSelector, down, same: extend === mixin.extend, renderTo: typeof renderTo }));`,
  );
  const result = node('read.mjs');
  assert.is(result.status, 0, result.stderr);
  const out = JSON.parse(result.stdout);
  const spec = (file: string) => parse(readFileSync(join(deploy, 'prometheus', file), 'utf8')).spec;
  assert.equal(out.dashboards['spt-overview.json'], JSON.parse(readFileSync(join(deploy, 'grafana/data/spt-overview.json'), 'utf8')));
  assert.equal(out.rules, spec('spt-recording-rules.yaml'));
  assert.equal(out.alerts, spec('spt-alerts.yaml'));
  assert.is(out.selector, 'job="server-price-tracker"');
  assert.is(out.down.for, '10m');
  assert.match(out.down.expr, 'up{job="spt"}');
  assert.is(out.renderTo, 'function');
});

test('importing builds nothing and cannot throw; a content error surfaces when an output is read', () => {
  const template = join(consumer, 'node_modules/spt-mixin/templates/alerts/SptDown.summary.eta');
  const original = readFileSync(template, 'utf8');
  writeFileSync(template, '<%= it.config.noSuchKey %>');
  try {
    writeFileSync(
      join(consumer, 'lazy.mjs'),
      `import mixin from 'spt-mixin';
console.log('imported');
try { mixin.prometheusAlerts; } catch (error) { console.log(error.message); }`,
    );
    const result = node('lazy.mjs');
    assert.is(result.status, 0, result.stderr);
    const [first, second] = result.stdout.trim().split('\n');
    assert.is(first, 'imported');
    assert.match(second ?? '', 'templates/alerts/SptDown.summary.eta');
    assert.match(second ?? '', 'noSuchKey');
  } finally {
    writeFileSync(template, original);
  }
});

test("the README's usage example from the package type-checks with tsc --init's settings and runs with plain node", () => {
  const tsc = join(root, 'node_modules/typescript/bin/tsc');
  const init = run(process.execPath, [tsc, '--init']);
  assert.is(init.status, 0, init.stdout + init.stderr);
  const usage = readmeBlock('From code, importing builds nothing', 'ts').replace("renderTo(ours, 'deploy')", "renderTo(ours, 'from-code')");
  writeFileSync(join(consumer, 'usage.ts'), usage);
  writeFileSync(join(consumer, 'usage.mjs'), usage);
  const check = run(process.execPath, [tsc, '-p', '.', '--noEmit', '--skipLibCheck', 'false']);
  assert.is(check.status, 0, check.stdout + check.stderr);
  const result = node('usage.mjs');
  assert.is(result.status, 0, result.stderr);
  const alerts = readFileSync(join(consumer, 'from-code/prometheus/spt-alerts.yaml'), 'utf8');
  assert.match(alerts, 'spt_readyz_up{job="spt"} == 0');
  assert.match(alerts, 'team: pricing');
});

test('a consumer .ts file using the public API type-checks strictly, declarations included', () => {
  writeFileSync(
    join(consumer, 'api.ts'),
    `import mixin, { withConfig, patchAlert, patchAlerts, renderTo, ChecksFailed, type SptConfig, type Finding } from 'spt-mixin';
import { defineMixin, catalogueOf, Metric, promql, duration, eq, checkOutputs, type Mixin, type MixinOutputs } from 'spt-mixin/engine';

const ours = withConfig({ sptSelector: 'job="spt"' }).extend(patchAlert('SptDown', { for: '10m' })).extend(patchAlerts({ labels: { team: 'a' } }));
const config: SptConfig = ours._config;
const title: string | undefined = mixin.grafanaDashboards['spt-overview.json']?.title;
export const written: Promise<string[]> = renderTo(ours, 'out').catch((error: unknown) => (error instanceof ChecksFailed ? [] : Promise.reject(error)));
const up = new Metric('up', { type: 'gauge', help: 'Scrape health.' }, ['job']);
const small: Mixin<{ job: string }> = defineMixin({
  defaults: { job: 'x' },
  build: (c): MixinOutputs => ({ grafanaDashboards: {}, prometheusRules: { groups: [] }, prometheusAlerts: { groups: [{ name: 'g', rules: [{ alert: 'XDown', expr: promql\`\${up.where(eq('job', c.job))} == 0\`.text, for: duration('5m').text }] }] } }),
});
export const findings: Finding[] = checkOutputs(small, { catalogue: catalogueOf([up]), alertPrefix: 'X' });
export const summary = [config.sptSelector, title];
`,
  );
  const tsc = join(root, 'node_modules/typescript/bin/tsc');
  const check = run(process.execPath, [tsc, '--ignoreConfig', '--strict', '--noEmit', '--skipLibCheck', 'false', '--module', 'nodenext', '--types', '', 'api.ts']);
  assert.is(check.status, 0, check.stdout + check.stderr);
  writeFileSync(join(consumer, 'wrong.ts'), `import { withConfig } from 'spt-mixin';\nwithConfig({ sptSelectr: 'job="x"' });\n`);
  const wrong = run(process.execPath, [tsc, '--ignoreConfig', '--strict', '--noEmit', '--module', 'nodenext', 'wrong.ts']);
  assert.is.not(wrong.status, 0, 'a misspelt config key is a type error');
  assert.match(wrong.stdout, 'sptSelectr');
});

test("the engine's small mixin: its rules satisfy promtool, and a query off its catalogue is refused with nothing written", () => {
  const code = readmeBlock('## Writing your own mixin with the engine', 'js');
  writeFileSync(join(consumer, 'shop.mjs'), code);
  const result = node('shop.mjs');
  assert.is(result.status, 0, result.stderr);
  const out = join(consumer, 'monitoring/shop');
  assert.equal([...snapshot(out).keys()].sort(), ['dashboards_out/shop.json', 'prometheus_alerts.yaml', 'prometheus_rules.yaml']);
  assert.match(readFileSync(join(out, 'prometheus_alerts.yaml'), 'utf8'), '> 0.02');
  const promtool = run('promtool', ['check', 'rules', join(out, 'prometheus_alerts.yaml'), join(out, 'prometheus_rules.yaml')]);
  if (promtool.error) {
    if (process.env.CI === 'true') assert.unreachable("promtool is required in CI (Debian package 'prometheus')");
    console.log('promtool not found: skipping its check of the small mixin');
  } else {
    assert.is(promtool.status, 0, promtool.stdout + promtool.stderr);
  }
  const faulty = code.replace("labels: ['code']", 'labels: []').replace("'monitoring/shop'", "'monitoring/faulty'");
  assert.is.not(faulty, code);
  writeFileSync(join(consumer, 'faulty.mjs'), faulty);
  const refused = node('faulty.mjs');
  assert.is.not(refused.status, 0);
  assert.match(refused.stderr, 'ChecksFailed');
  assert.match(refused.stderr, 'catalogue/unknown-label');
  assert.not.ok(existsSync(join(consumer, 'monitoring/faulty')));
});

test('npx spt-mixin render from a subfolder writes deploy/ byte for byte, and check agrees', () => {
  const sub = join(consumer, 'ops');
  mkdirSync(sub, { recursive: true });
  const render = run('npx', ['spt-mixin', 'render', '--out', 'monitoring/spt'], sub);
  assert.is(render.status, 0, render.stderr);
  assert.match(render.stdout, `wrote ${snapshot(deploy).size} files to monitoring/spt`);
  assert.equal(snapshot(join(sub, 'monitoring/spt')), snapshot(deploy));
  const check = bin(sub, 'check', '--out', 'monitoring/spt');
  assert.is(check.status, 0, check.stderr);
  const plain = bin(consumer, 'render');
  assert.is(plain.status, 0, plain.stderr);
  assert.equal(snapshot(join(consumer, 'deploy')), snapshot(deploy), '--out defaults to ./deploy');
});

test("--config and --out are the user's paths, and the output equals the repository's render of that config", async () => {
  const sub = join(consumer, 'envs');
  mkdirSync(sub, { recursive: true });
  writeFileSync(join(sub, 'prod.yaml'), 'sptSelector: job="spt", env="prod"\nerrorRateThreshold: 0.02\n');
  const args = ['render', '--config', 'prod.yaml', '--out', 'out'];
  const render = bin(sub, ...args);
  assert.is(render.status, 0, render.stderr);
  const reference = join(work, 'reference');
  mkdirSync(reference);
  cpSync(join(sub, 'prod.yaml'), join(reference, 'prod.yaml'));
  const quiet = { out: () => {}, err: () => {} };
  assert.is(await main(args, quiet, { cwd: reference, via: 'npx' }), 0);
  assert.equal(snapshot(join(sub, 'out')), snapshot(join(reference, 'out')));
  assert.match(readFileSync(join(sub, 'out/prometheus/spt-alerts.yaml'), 'utf8'), 'spt_readyz_up{job="spt", env="prod"} == 0');
});

test('the installed command: --help, --version, an unknown flag, validate, lint, and files render would not write', () => {
  const help = bin(consumer, '--help');
  assert.is(help.status, 0);
  assert.match(help.stdout, 'usage: spt-mixin');
  const ver = bin(consumer, '--version');
  assert.is(ver.status, 0);
  assert.is(ver.stdout.trim(), version);
  const typo = bin(consumer, 'render', '--ouput', 'x');
  assert.is(typo.status, 2);
  assert.match(typo.stderr, 'error: unknown option --ouput; did you mean --out?');
  assert.not.ok(existsSync(join(consumer, 'x')));
  assert.is(bin(consumer, 'validate').status, 0);
  const lint = bin(consumer, 'lint');
  assert.is(lint.status, 0, `lints ./deploy: ${lint.stdout}${lint.stderr}`);
  writeFileSync(join(consumer, 'deploy/grafana/data/old.json'), '{}\n');
  const check = bin(consumer, 'check');
  assert.is(check.status, 1);
  assert.match(check.stderr, 'deploy/grafana/data/old.json: not written by render');
  rmSync(join(consumer, 'deploy/grafana/data/old.json'));
  const unwritable = bin(consumer, 'render', '--out', '/proc/spt-mixin/out');
  assert.is(unwritable.status, 2);
  assert.match(unwritable.stderr, 'error: cannot write to /proc/spt-mixin/out');
});

test("npm run in the consumer: a script of theirs runs the installed command", () => {
  const manifest = JSON.parse(readFileSync(join(consumer, 'package.json'), 'utf8'));
  manifest.scripts = { monitoring: 'spt-mixin render --out generated' };
  writeFileSync(join(consumer, 'package.json'), JSON.stringify(manifest));
  const result = run('npm', ['run', '-s', 'monitoring']);
  assert.is(result.status, 0, result.stderr);
  assert.equal(snapshot(join(consumer, 'generated')), snapshot(deploy));
  assert.ok(readdirSync(join(consumer, 'node_modules/spt-mixin/dist')).includes('cli.cjs.cache'), 'the code cache is written next to the bundle');
});

test.run();
