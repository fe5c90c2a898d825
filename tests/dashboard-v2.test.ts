/**
 * The v2 output (`grafanaDashboardFormat`): the same dashboard as the classic file, golden files, Grafana's published
 * v2 schema, Kustomize with each format, the grafana-operator resources, and faults planted in a v2 file caught by
 * `npm run lint`.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { Ajv } from 'ajv';
import addFormatsModule from 'ajv-formats';
import { parseAllDocuments } from 'yaml';
import mixin from 'spt-mixin';
import { checkDashboard } from '../lib/check/dashboard.js';
import type { Finding } from '../lib/check/finding.js';
import { checkDashboardQueries } from '../lib/check/queries.js';
import { main } from '../lib/cli/commands.js';
import { toV2 } from '../lib/grafana/v2.js';
import { ConfigError } from '../lib/engine/config.js';
import { serializeAll } from '../lib/render/serialize.js';
import { artifacts } from '../lib/spt/deploy.js';
import { checkSpt } from '../lib/spt/render.js';
import { capture, snapshot } from './helpers.js';

const FILE = 'spt-overview.json';
const GOLDEN = fileURLToPath(new URL('./golden/grafana-both/', import.meta.url));
const REFERENCE = new URL('../../shared/reference/grafana-dashboard-v2.jsonschema.json', import.meta.url);
// CommonJS default export: under NodeNext the function is the module's `default`.
const addFormats = addFormatsModule as unknown as { default: (ajv: Ajv) => Ajv };

const both = mixin.withConfig({ grafanaDashboardFormat: 'both', grafanaOperator: { instanceSelector: { dashboards: 'grafana' } } });
type Json = Record<string, any>;

async function rendered(config: Parameters<typeof mixin.withConfig>[0]): Promise<Map<string, string>> {
  return serializeAll(artifacts(mixin.withConfig(config)));
}

/**
 * What a reader sees of each panel, read from the classic model: rows expanded, positions absolute. Rows are
 * listed with their title and line; panels with type, queries, unit, thresholds and place.
 */
function classicView(dashboard: Json): unknown[] {
  return dashboard.panels.flatMap((p: Json) => (p.type === 'row' ? [{ row: p.title, y: p.gridPos.y }, ...p.panels] : [p])).map((p: Json) =>
    'row' in p ? p : {
      id: p.id, title: p.title, type: p.type, description: p.description,
      queries: p.targets.map((t: Json) => ({ refId: t.refId, expr: t.expr, legend: t.legendFormat, instant: t.instant, datasource: t.datasource.uid })),
      unit: p.fieldConfig.defaults.unit, thresholds: p.fieldConfig.defaults.thresholds, mappings: p.fieldConfig.defaults.mappings,
      options: p.options, at: [p.gridPos.x, p.gridPos.y, p.gridPos.w, p.gridPos.h],
    });
}

/** The same, read from the v2 resource: rows of grids whose positions start below each row header. */
function v2View(resource: Json): unknown[] {
  const out: unknown[] = [];
  let y = 0;
  for (const row of resource.spec.layout.spec.rows) {
    out.push({ row: row.spec.title, y });
    let bottom = y + 1;
    for (const item of row.spec.layout.spec.items) {
      const { x, y: dy, width, height, element } = item.spec;
      const p = resource.spec.elements[element.name].spec;
      out.push({
        id: p.id, title: p.title, type: p.vizConfig.group, description: p.description,
        queries: p.data.spec.queries.map((q: Json) => ({
          refId: q.spec.refId, expr: q.spec.query.spec.expr, legend: q.spec.query.spec.legendFormat, instant: q.spec.query.spec.instant,
          datasource: q.spec.query.datasource.name,
        })),
        unit: p.vizConfig.spec.fieldConfig.defaults.unit, thresholds: p.vizConfig.spec.fieldConfig.defaults.thresholds,
        mappings: p.vizConfig.spec.fieldConfig.defaults.mappings, options: p.vizConfig.spec.options,
        at: [x, y + 1 + dy, width, height],
      });
      bottom = Math.max(bottom, y + 1 + dy + height);
    }
    y = bottom;
  }
  return out;
}

test('both outputs carry the same dashboard: panels, titles, queries, units, thresholds and positions', async () => {
  const files = await rendered({ grafanaDashboardFormat: 'both' });
  const classic = JSON.parse(files.get(`grafana/data/${FILE}`) as string);
  const v2 = JSON.parse(files.get(`grafana/v2/${FILE}`) as string);
  assert.is(v2.apiVersion, 'dashboard.grafana.app/v2');
  assert.is(v2.kind, 'Dashboard');
  assert.is(v2.metadata.name, classic.uid);
  for (const key of ['title', 'description', 'tags', 'editable'] as const) assert.equal(v2.spec[key], classic[key], key);
  assert.equal(
    [v2.spec.timeSettings.from, v2.spec.timeSettings.to, v2.spec.timeSettings.autoRefresh, v2.spec.timeSettings.timezone],
    [classic.time.from, classic.time.to, classic.refresh, classic.timezone],
  );
  assert.equal(v2.spec.variables.map((v: Json) => [v.kind, v.spec.name, v.spec.pluginId]), [['DatasourceVariable', 'datasource', 'prometheus']]);
  const panels = classicView(classic);
  assert.is(panels.length, 7 + 18);
  assert.equal(v2View(v2), panels);
  assert.equal(Object.keys(v2.spec.elements).sort(), classic.panels.filter((p: Json) => p.type !== 'row').map((p: Json) => `panel-${p.id}`).sort());
});

test('the default render writes the classic files only; v2 alone moves the entry point to the v2 file', async () => {
  const classic = await rendered({});
  assert.equal([...classic.keys()].filter((p) => p.startsWith('grafana/')), ['grafana/data/spt-overview.json', 'grafana/kustomization.yaml']);
  const explicit = await rendered({ grafanaDashboardFormat: 'classic' });
  for (const path of ['grafana/data/spt-overview.json', 'grafana/kustomization.yaml']) assert.ok(explicit.get(path) === classic.get(path), path);
  const v2 = await rendered({ grafanaDashboardFormat: 'v2' });
  assert.equal([...v2.keys()].filter((p) => p.startsWith('grafana/')), ['grafana/v2/spt-overview.json', 'grafana/kustomization.yaml']);
  assert.match(v2.get('grafana/kustomization.yaml') as string, /- v2\/spt-overview\.json/);
});

test('golden files: the grafana/ part of a render with both formats and the operator', async () => {
  const files = await serializeAll(artifacts(both));
  const grafana = new Map([...files].filter(([path]) => path.startsWith('grafana/')).map(([path, text]) => [path.slice('grafana/'.length), text]));
  const golden = snapshot(GOLDEN);
  assert.equal([...grafana.keys()].sort(), [...golden.keys()].sort());
  for (const [path, text] of grafana) assert.ok(golden.get(path) === text, `tests/golden/grafana-both/${path} differs from the render`);
});

test('the v2 output passes every check, and the render command writes both files', async () => {
  assert.equal(checkSpt(both), []);
  const root = mkdtempSync(join(tmpdir(), 'spt-v2-'));
  try {
    writeFileSync(join(root, 'both.yaml'), 'grafanaDashboardFormat: both\n');
    const io = capture();
    assert.is(await main(['render', '--config', join(root, 'both.yaml'), '--out', join(root, 'out')], io), 0, io.text());
    assert.ok(existsSync(join(root, 'out/grafana/data', FILE)) && existsSync(join(root, 'out/grafana/v2', FILE)));
    assert.is(await main(['lint', '--config', join(root, 'both.yaml'), '--out', join(root, 'out'), '--max-warnings', '0'], io), 0, io.text());
    assert.match(io.text(), /4 file\(s\) read, 4 document\(s\) checked: 0 error/);
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});

test("the v2 file's spec passes Grafana's published v2 schema", async () => {
  if (!existsSync(REFERENCE)) {
    if (process.env.CI === 'true') assert.unreachable(`${REFERENCE.pathname} is required in CI`);
    console.log(`skipped: Grafana's published v2 schema (${REFERENCE.pathname} is absent)`);
    return;
  }
  // As ../shared/reference/README.md says the schema is meant to be compiled; its Dashboard definition is the spec.
  const ajv = new Ajv({ allErrors: true, strict: true });
  addFormats.default(ajv);
  ajv.addKeyword('x-deprecation-message');
  const validate = ajv.compile({ ...JSON.parse(readFileSync(REFERENCE, 'utf8')), $ref: '#/definitions/Dashboard' });
  const v2 = JSON.parse((await rendered({ grafanaDashboardFormat: 'v2' })).get(`grafana/v2/${FILE}`) as string);
  assert.ok(validate(v2.spec), JSON.stringify(validate.errors?.slice(0, 5), null, 1));
  const broken = structuredClone(v2.spec);
  broken.elements['panel-2'].spec.vizConfig.spec.fieldConfig = 'x';
  assert.not.ok(validate(broken), 'the schema does reject a broken spec');
});

test('kustomize builds each format: one dashboard ConfigMap per entry point, and the operator resources', async () => {
  const probe = spawnSync('kubectl', ['version', '--client'], { encoding: 'utf8' });
  if (probe.error) {
    if (process.env.CI === 'true') assert.unreachable('kubectl is required in CI');
    console.log('kubectl not found: skipping the kustomize builds');
    return;
  }
  const root = mkdtempSync(join(tmpdir(), 'spt-v2-kustomize-'));
  const build = (dir: string): Json[] => {
    const run = spawnSync('kubectl', ['kustomize', dir], { encoding: 'utf8', maxBuffer: 64 << 20 });
    assert.is(run.status, 0, run.stderr);
    return parseAllDocuments(run.stdout).map((d) => d.toJS());
  };
  const kinds = (docs: Json[]): string[] => docs.map((d) => `${d.kind}/${d.metadata.name}`).sort();
  const dashboardIn = (docs: Json[]): Json => JSON.parse(docs.find((d) => d.kind === 'ConfigMap')?.data[FILE]);
  try {
    const cases: Array<[string, Parameters<typeof mixin.withConfig>[0]]> = [
      ['classic', {}],
      ['v2', { grafanaDashboardFormat: 'v2' }],
      ['both', { grafanaDashboardFormat: 'both', grafanaOperator: { instanceSelector: { dashboards: 'grafana' } } }],
    ];
    for (const [name, config] of cases) {
      for (const [path, text] of await rendered(config)) {
        mkdirSync(dirname(join(root, name, path)), { recursive: true });
        writeFileSync(join(root, name, path), text);
      }
    }
    const classic = build(join(root, 'classic/grafana'));
    assert.equal(kinds(classic), ['ConfigMap/spt-grafana-dashboards']);
    assert.is(dashboardIn(classic).schemaVersion, 39);
    const v2 = build(join(root, 'v2/grafana'));
    assert.equal(kinds(v2), ['ConfigMap/spt-grafana-dashboards']);
    assert.is(dashboardIn(v2).apiVersion, 'dashboard.grafana.app/v2');
    assert.equal(v2[0]?.metadata.labels, { grafana_dashboard: '1' });

    const bothClassic = build(join(root, 'both/grafana'));
    assert.equal(kinds(bothClassic), ['ConfigMap/spt-grafana-dashboards', 'GrafanaDashboard/spt-overview']);
    const operator = bothClassic.find((d) => d.kind === 'GrafanaDashboard') as Json;
    assert.is(operator.apiVersion, 'grafana.integreatly.org/v1beta1');
    assert.equal(operator.spec.instanceSelector, { matchLabels: { dashboards: 'grafana' } });
    assert.equal(JSON.parse(operator.spec.json), dashboardIn(bothClassic));
    const bothV2 = build(join(root, 'both/grafana/v2'));
    assert.equal(kinds(bothV2), ['ConfigMap/spt-grafana-dashboards', 'GrafanaManifest/spt-overview']);
    const manifest = bothV2.find((d) => d.kind === 'GrafanaManifest') as Json;
    assert.equal(manifest.spec.template, dashboardIn(bothV2));
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});

test('bad dashboard format and operator settings are refused with the key named', () => {
  const refused = (config: unknown, pattern: RegExp): void => {
    try {
      void mixin.withConfig(config as never).grafanaDashboards;
      assert.unreachable(`accepted ${JSON.stringify(config)}`);
    } catch (error) {
      assert.instance(error, ConfigError);
      assert.match((error as Error).message, pattern);
    }
  };
  refused({ grafanaDashboardFormat: 'v3' }, /grafanaDashboardFormat.*"classic", "v2", "both"/);
  refused({ grafanaOperator: {} }, /grafanaOperator.*instanceSelector.*required/);
  refused({ grafanaOperator: { instanceSelector: {} } }, /grafanaOperator\.instanceSelector.*empty/);
  refused({ grafanaOperator: { instanceSelector: { 'bad key!': 'x' } } }, /grafanaOperator\.instanceSelector\.bad key!.*label key/);
});

/** Faults planted in the rendered v2 file, each caught by `npm run lint` with its rule id, in our output and as a foreign file. */
const V2_FAULTS: Array<[string, (spec: Json) => void, string, 'error' | 'warning' | 'no catalogue']> = [
  ['a layout item pointing at a missing element', (s) => { s.layout.spec.rows[0].spec.layout.spec.items[0].spec.element.name = 'panel-99'; }, 'dashboard/shape', 'error'],
  ['an element no layout shows', (s) => { s.elements['panel-99'] = structuredClone(s.elements['panel-2']); s.elements['panel-99'].spec.id = 99; }, 'dashboard/shape', 'warning'],
  ['an unknown key in a panel', (s) => { s.elements['panel-2'].spec.titel = 'Healthz'; }, 'dashboard/schema', 'warning'],
  ['a removed Angular panel type', (s) => { s.elements['panel-3'].spec.vizConfig.group = 'graph'; }, 'dashboard/removed-panel', 'warning'],
  ['overlapping grid items', (s) => { s.layout.spec.rows[0].spec.layout.spec.items[1].spec.x = 0; }, 'dashboard/overlap', 'warning'],
  ['a grid item past column 24', (s) => { s.layout.spec.rows[0].spec.layout.spec.items[0].spec.width = 30; }, 'dashboard/grid-bounds', 'warning'],
  ['a query on a fixed datasource', (s) => { s.elements['panel-2'].spec.data.spec.queries[0].spec.query.datasource.name = 'P1809F7CD0C75ACF3'; }, 'dashboard/datasource', 'warning'],
  ['a panel without a unit', (s) => { delete s.elements['panel-5'].spec.vizConfig.spec.fieldConfig.defaults.unit; }, 'dashboard/unit', 'warning'],
  ['a panel without a description', (s) => { delete s.elements['panel-5'].spec.description; }, 'dashboard/description', 'warning'],
  ['a duplicate panel id', (s) => { s.elements['panel-3'].spec.id = 2; }, 'dashboard/duplicate-panel-id', 'warning'],
  ['a PromQL syntax error', (s) => { s.elements['panel-2'].spec.data.spec.queries[0].spec.query.spec.expr = 'min(spt_healthz_up'; }, 'promql/syntax', 'error'],
  ['a misspelt metric', (s) => { s.elements['panel-2'].spec.data.spec.queries[0].spec.query.spec.expr = 'min(spt_healthz_upp)'; }, 'catalogue/unknown-metric', 'no catalogue'],
];

test(`${V2_FAULTS.length} faults planted in a v2 file: each caught by npm run lint, strict in our output, by severity in a foreign file`, async () => {
  const root = mkdtempSync(join(tmpdir(), 'spt-v2-faults-'));
  const original = JSON.parse((await rendered({ grafanaDashboardFormat: 'v2' })).get(`grafana/v2/${FILE}`) as string);
  const missed: string[] = [];
  const lint = async (args: string[]): Promise<{ code: number; findings: Json[] }> => {
    const io = capture();
    const code = await main(['lint', '--format', 'json', ...args], io);
    return { code, findings: JSON.parse(io.text()).findings };
  };
  try {
    for (const [i, [name, plant, rule, foreignSeverity]] of V2_FAULTS.entries()) {
      const resource = structuredClone(original);
      plant(resource.spec);
      const out = join(root, String(i));
      mkdirSync(join(out, 'grafana/v2'), { recursive: true });
      writeFileSync(join(out, 'grafana/v2', FILE), JSON.stringify(resource, null, 2));
      const own = await lint([join(out, 'grafana/v2', FILE), '--out', out]);
      if (own.code !== 1 || !own.findings.some((f) => f.rule === rule && f.severity === 'error')) {
        missed.push(`${name}: own output, exit ${own.code}, ${own.findings.map((f) => `${f.severity} ${f.rule}`).join(', ') || 'nothing'}`);
      }
      const foreign = await lint([join(out, 'grafana/v2', FILE), '--out', join(root, 'elsewhere')]);
      const caught = foreign.findings.find((f) => f.rule === rule);
      if (foreignSeverity === 'no catalogue') {
        if (caught) missed.push(`${name}: a foreign file has no catalogue, yet ${rule} was reported`);
        continue;
      }
      if (caught?.severity !== foreignSeverity || !/^\/spec\//.test(caught.location.path) || !(caught.location.line > 1)) {
        missed.push(`${name}: foreign file, ${JSON.stringify(caught ?? foreign.findings.map((f) => f.rule))}`);
      }
    }
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
  assert.equal(missed, []);
});

test('lint reads the dashboards inside the grafana-operator resources, with positions in the YAML', async () => {
  const root = mkdtempSync(join(tmpdir(), 'spt-v2-operator-'));
  const lint = async (args: string[]): Promise<{ code: number; report: Json }> => {
    const io = capture();
    const code = await main(['lint', '--format', 'json', ...args], io);
    return { code, report: JSON.parse(io.text()) };
  };
  try {
    for (const [path, text] of await serializeAll(artifacts(both))) {
      mkdirSync(dirname(join(root, path)), { recursive: true });
      writeFileSync(join(root, path), text);
    }
    const clean = await lint([join(root, 'grafana'), '--max-warnings', '0']);
    assert.is(clean.code, 0, JSON.stringify(clean.report.findings));
    assert.is(clean.report.summary.documents, 4);
    const classic = join(root, 'grafana/grafana-operator.yaml');
    writeFileSync(classic, readFileSync(classic, 'utf8').replace('"type": "timeseries"', '"type": "graph"'));
    const manifest = join(root, 'grafana/v2/grafana-operator.yaml');
    writeFileSync(manifest, readFileSync(manifest, 'utf8').replace('group: timeseries', 'group: graph'));
    const { code, report } = await lint([classic, manifest]);
    assert.is(code, 0);
    const found = report.findings.map((f: Json) => [f.rule, f.location.file.replace(root, ''), f.location.path]);
    assert.equal(found, [
      ['dashboard/removed-panel', '/grafana/grafana-operator.yaml (spec.json)', '/panels/6/type'],
      ['dashboard/removed-panel', '/grafana/v2/grafana-operator.yaml', '/spec/template/spec/elements/panel-7/spec/vizConfig/group'],
    ]);
    const line = readFileSync(manifest, 'utf8').split('\n').findIndex((l) => l.includes('group: graph')) + 1;
    assert.is(report.findings[1].location.line, line);
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});

/**
 * Every classic dashboard of ../shared/corpus converted to v2 and checked as a foreign file: the v2 spec passes the
 * v2 schema wherever the classic file passes its own, and the v2 checks find what the classic ones find, panel by panel. What only the classic file gets is
 * its layout's own faults, which the v2 layout cannot hold: panels overlapping the next row (each v2 row is a grid
 * of its own) and missing positions (the converter writes Grafana's defaults for a panel, as Grafana does on load).
 */
test('the corpus dashboards converted to v2: the same findings as the classic files, and the v2 schema passes where the classic one does', () => {
  const corpus = fileURLToPath(new URL('../../shared/corpus/dashboards/', import.meta.url));
  if (!existsSync(corpus)) {
    if (process.env.CI === 'true') assert.unreachable(`${corpus} is required in CI`);
    console.log(`skipped: corpus conversion (${corpus} is absent)`);
    return;
  }
  const key = (f: Finding): string => `${f.severity} ${f.rule} ${f.location.panel ?? ''} #${f.location.panelId ?? ''}`;
  const check = (dashboard: unknown, file: string): Finding[] => [
    ...checkDashboard(dashboard, { file, schemaSeverity: 'warning', strict: false }),
    ...checkDashboardQueries(dashboard, { file }),
  ];
  const problems: string[] = [];
  let converted = 0;
  for (const file of readdirSync(corpus)) {
    const dashboard = JSON.parse(readFileSync(join(corpus, file), 'utf8'));
    if (!Array.isArray(dashboard.panels) || dashboard.uid === undefined) continue;
    const v2 = check(toV2(dashboard), file);
    converted++;
    // Field config and options are carried over as they are, so a legacy value there fails both schemas.
    const schema = v2.filter((f) => f.rule === 'dashboard/schema');
    const all = check(dashboard, file);
    if (schema.length > 0 && !all.some((f) => f.rule === 'dashboard/schema')) problems.push(`${file}: ${schema[0]?.message}`);
    const classic = all.filter((f) => f.rule !== 'dashboard/schema').map(key);
    const v2Keys = v2.filter((f) => f.rule !== 'dashboard/schema').map(key);
    const onlyV2 = v2Keys.filter((k) => !classic.includes(k));
    const onlyClassic = classic.filter((k) => !v2Keys.includes(k) && !/ dashboard\/(overlap|grid-bounds) /.test(k));
    if (onlyV2.length + onlyClassic.length > 0) problems.push(`${file}: only in v2 ${onlyV2.join(', ')}; only in classic ${onlyClassic.join(', ')}`);
  }
  assert.equal(problems, []);
  assert.ok(converted >= 50, `${converted} dashboards converted`);
});

test.run();
