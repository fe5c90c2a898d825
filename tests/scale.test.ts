/**
 * `npm run scale`: the synthetic mixin of ../shared/bench/scale.jsonnet (and, with --distinct, of
 * scale-distinct.jsonnet), rendered through the engine, must be JSON-equal to what Debian's jsonnet writes; the same checks as the SPT mixin's run on it and catch what is
 * planted in it. Also: the npm scripts run a bundle in dist/ that rebuilds itself when a source changes.
 */
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { hasErrors } from '../lib/check/finding.js';
import { checkMixin } from '../lib/check/mixin.js';
import { merge } from '../lib/engine/merge.js';
import type { MixinOutputs } from '../lib/engine/mixin.js';
import { SCALE_WAIVED, dashboardFile, scaleCheckOptions, scaleMixin } from '../lib/scale/mixin.js';
import { main } from '../lib/scale/run.js';
import { capture } from './helpers.js';

const root = fileURLToPath(new URL('..', import.meta.url));
const benchDir = join(root, '..', 'shared', 'bench');

async function withTempDir<T>(fn: (dir: string) => T | Promise<T>): Promise<T> {
  const dir = mkdtempSync(join(tmpdir(), 'spt-scale-'));
  try {
    return await fn(dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Every file under `dir`, parsed as JSON, by relative path. */
function readJsonTree(dir: string, sub = ''): Map<string, unknown> {
  const files = new Map<string, unknown>();
  for (const entry of readdirSync(join(dir, sub), { withFileTypes: true })) {
    const rel = sub ? `${sub}/${entry.name}` : entry.name;
    if (entry.isDirectory()) for (const [k, v] of readJsonTree(dir, rel)) files.set(k, v);
    else files.set(rel, JSON.parse(readFileSync(join(dir, rel), 'utf8')));
  }
  return files;
}

/** Whether jsonnet and the shared jsonnet file are here; in CI their absence is a failure. */
function jsonnetAvailable(file: string): boolean {
  const missing = spawnSync('jsonnet', ['--version']).error
    ? "jsonnet (Debian package 'jsonnet')"
    : !existsSync(file)
      ? file
      : undefined;
  if (missing === undefined) return true;
  if (process.env.CI === 'true') assert.unreachable(`${missing} is required in CI`);
  console.log(`${missing} not found: skipping the comparison with jsonnet`);
  return false;
}

for (const [jsonnetFile, flags] of [
  ['scale.jsonnet', []],
  ['scale-distinct.jsonnet', ['--distinct']],
] as const) {
  for (const [dashboards, panels, rules] of [
    [2, 3, 100],
    [3, 2, 120],
  ] as const) {
    test(`(${dashboards}, ${panels}, ${rules}): every file is JSON-equal to jsonnet -m on ${jsonnetFile}`, async () => {
      const source = join(benchDir, jsonnetFile);
      if (!jsonnetAvailable(source)) return;
      await withTempDir(async (dir) => {
        const ours = join(dir, 'ours');
        const theirs = join(dir, 'jsonnet');
        const io = capture();
        const args = ['--dashboards', String(dashboards), '--panels', String(panels), '--rules', String(rules), ...flags];
        assert.is(await main([...args, '--out', ours], io), 0, io.text());
        // jsonnet -m does not create folders.
        mkdirSync(join(theirs, 'dashboards'), { recursive: true });
        const ext = (name: string, value: number) => ['--ext-str', `${name}=${value}`];
        const run = spawnSync('jsonnet', ['-m', theirs, ...ext('dashboards', dashboards), ...ext('panels', panels), ...ext('rules', rules), source], {
          encoding: 'utf8',
        });
        assert.is(run.status, 0, run.stderr);
        const expected = readJsonTree(theirs);
        const actual = readJsonTree(ours);
        assert.equal([...actual.keys()].sort(), [...expected.keys()].sort());
        assert.is(expected.size, dashboards + 1);
        for (const [path, value] of expected) assert.equal(actual.get(path), value, path);
      });
    });
  }
}

const small = scaleMixin.withConfig({ dashboards: 2, panels: 4, rules: 100 });
const options = scaleCheckOptions(small._config);

for (const distinct of [false, true]) {
  test(`checks${distinct ? ', every expression distinct' : ''}: every check runs; only the two waived conventions, which the jsonnet content lacks, would fire`, () => {
    const mixin = scaleMixin.withConfig({ dashboards: 2, panels: 4, rules: 100, distinct });
    const checkOptions = scaleCheckOptions(mixin._config);
    assert.equal(checkMixin(mixin, checkOptions), []);
    const unwaived = checkMixin(mixin, { ...checkOptions, waived: new Map() });
    assert.equal([...new Set(unwaived.map((f) => f.rule))].sort(), [...SCALE_WAIVED.keys()].sort());
    // One per panel and one per alert.
    assert.is(unwaived.length, 2 * 4 + 100);
  });
}

test('distinct: no two panel queries or rule expressions are the same, and the catalogue lists exactly the metrics used', () => {
  const mixin = scaleMixin.withConfig({ dashboards: 3, panels: 4, rules: 150, distinct: true });
  const exprs = [
    ...Object.values(mixin.grafanaDashboards).flatMap((d) => (d.panels ?? []).flatMap((p) => ('targets' in p ? (p.targets ?? []).map((t) => (t as { expr: string }).expr) : []))),
    ...mixin.prometheusAlerts.groups.flatMap((g) => g.rules.map((r) => r.expr)),
  ];
  assert.is(exprs.length, 3 * 4 + 150);
  assert.is(new Set(exprs).size, exprs.length);
  // 12 histograms of three series each, 150 error counters, 3 request counters.
  assert.is(scaleCheckOptions(mixin._config).catalogue.series.size, 12 * 3 + 150 + 3);
});

/** The mixin with a patch applied to its outputs, as a user's `extend` would. */
const planted = (patch: (current: MixinOutputs) => unknown) => small.extend((current) => patch(current) as never);

test('checks: faults planted in the synthetic content are reported', () => {
  const first = dashboardFile(0);
  const panel = (current: MixinOutputs, fields: object) => {
    const panels = current.grafanaDashboards[first]?.panels ?? [];
    return { grafanaDashboards: { [first]: { panels: [merge(panels[0] as object, fields), ...panels.slice(1)] } } };
  };
  const cases: Array<[string, ReturnType<typeof planted>]> = [
    ['catalogue/unknown-label', planted((c) => panel(c, { targets: [{ expr: 'sum by (le) (rate(app_metric_0_bucket{jbo="app"}[5m]))', refId: 'A' }] }))],
    ['dashboard/overlap', planted((c) => panel(c, { gridPos: { h: 8, w: 12, x: 12, y: 0 } }))],
    ['dashboard/datasource', planted((c) => panel(c, { datasource: { type: 'loki', uid: 'logs' } }))],
    ['rules/for', planted((c) => ({ prometheusAlerts: { groups: [{ ...c.prometheusAlerts.groups[0], rules: [{ ...c.prometheusAlerts.groups[0]?.rules[0], for: '5 minutes' }] }] } }))],
  ];
  for (const [rule, mixin] of cases) {
    const findings = checkMixin(mixin, options);
    assert.ok(hasErrors(findings) && findings.some((f) => f.rule === rule), `${rule}: ${JSON.stringify(findings.map((f) => f.rule))}`);
  }
});

test('--fault: a misspelt metric is reported with its correction, exit 1, nothing written', async () => {
  await withTempDir(async (dir) => {
    const out = join(dir, 'out');
    const io = capture();
    assert.is(await main(['--dashboards', '2', '--panels', '3', '--rules', '50', '--out', out, '--fault'], io), 1);
    assert.match(io.text(), 'metric app_metrc_0_bucket is not in the catalogue');
    assert.match(io.text(), 'did you mean app_metric_0_bucket?');
    assert.match(io.text(), 'nothing written');
    assert.not.ok(existsSync(out));
  });
});

test('usage: bad numbers and a missing --out exit 2', async () => {
  for (const args of [['--dashboards', 'ten', '--out', 'x'], ['--dashboards', '1'], ['--nope']]) {
    const io = capture();
    assert.is(await main(args, io), 2, args.join(' '));
    assert.match(io.text(), 'usage: npm run scale');
  }
});

test('the npm scripts run a bundle that is rebuilt when a source changes: an edit in lib/spt reaches render', async () => {
  await withTempDir((dir) => {
    // A copy of the project (node_modules linked) so the edit and its bundle stay out of the real tree.
    for (const path of ['lib', 'scripts', 'bin', 'templates', 'package.json', 'package-lock.json', 'tsconfig.json']) {
      cpSync(join(root, path), join(dir, path), { recursive: true });
    }
    symlinkSync(join(root, 'node_modules'), join(dir, 'node_modules'), 'dir');
    const render = () =>
      spawnSync(process.execPath, [join(dir, 'scripts', 'run.cjs'), 'cli', 'render', '--out', join(dir, 'out'), '--only', 'dashboards'], {
        cwd: dir,
        encoding: 'utf8',
      });
    const title = () => JSON.parse(readFileSync(join(dir, 'out', 'grafana', 'data', 'spt-overview.json'), 'utf8')).title;

    const first = render();
    assert.is(first.status, 0, first.stderr);
    assert.is(title(), 'SPT Overview');
    assert.ok(existsSync(join(dir, 'dist', 'cli.cjs.cache')), 'the first run leaves a code cache');

    const config = join(dir, 'lib', 'spt', 'config.ts');
    writeFileSync(config, readFileSync(config, 'utf8').replace("dashboardTitle: 'SPT Overview'", "dashboardTitle: 'Edited Overview'"));
    const second = render();
    assert.is(second.status, 0, second.stderr);
    assert.is(title(), 'Edited Overview');
  });
});

test.run();
