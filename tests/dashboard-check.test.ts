/**
 * The dashboard check: a small valid dashboard passes untouched, each broken variant trips its rule, foreign
 * dashboards lint without errors, and the committed schema and validator are what the generator produces.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { hasShared } from './helpers.js';
import { checkDashboard, type DashboardCheckOptions } from '../lib/check/dashboard.js';
import type { Finding } from '../lib/check/finding.js';
import validateDashboard from '../lib/check/schema/dashboard-validator.js';

interface GridPos {
  x: number;
  y: number;
  w: number;
  h: number;
}

interface Target {
  refId: string;
  expr: string;
  datasource?: unknown;
}

interface TestPanel {
  type: string;
  id?: number;
  title: string;
  description?: string;
  gridPos: GridPos;
  datasource?: unknown;
  targets?: Target[];
  fieldConfig?: { defaults: { unit?: string }; overrides: unknown[] };
  collapsed?: boolean;
  panels?: TestPanel[];
}

interface TestDashboard {
  title: string;
  schemaVersion: number;
  panels: TestPanel[];
  [key: string]: unknown;
}

const DATASOURCE = { type: 'prometheus', uid: '${datasource}' };

/** Ours: strict, schema violations are errors, every query on the datasource variable. */
const OURS: DashboardCheckOptions = { file: 'fixture.json', schemaSeverity: 'error', strict: true, datasourceUid: '${datasource}' };
/** Foreign lint: what Grafana tolerates is a warning, datasources are theirs to choose. */
const FOREIGN: DashboardCheckOptions = { file: 'foreign.json', schemaSeverity: 'warning', strict: false };

function row(id: number, title: string, y: number, children?: TestPanel[]): TestPanel {
  const base = { type: 'row', id, title, gridPos: { x: 0, y, w: 24, h: 1 } };
  return children ? { ...base, collapsed: true, panels: children } : { ...base, collapsed: false, panels: [] };
}

function panel(type: string, id: number, title: string, gridPos: GridPos, unit: string): TestPanel {
  return {
    type,
    id,
    title,
    description: `${title}, per second over the rate interval.`,
    gridPos,
    datasource: DATASOURCE,
    targets: [{ refId: 'A', expr: 'sum(rate(http_requests_total[$__rate_interval]))', datasource: DATASOURCE }],
    fieldConfig: { defaults: { unit }, overrides: [] },
  };
}

/**
 * Three rows, laid out as Grafana saves them: the collapsed row carries its panels at y 10..17 (where they sit
 * when it is opened) and the next row starts right below it at y 10, so those coordinates overlap on purpose.
 */
function fixture(): TestDashboard {
  return {
    uid: 'check-fixture',
    title: 'Check fixture',
    description: 'A small dashboard every rule accepts.',
    schemaVersion: 39,
    editable: false,
    refresh: '30s',
    time: { from: 'now-6h', to: 'now' },
    templating: {
      list: [{ name: 'datasource', label: 'Data source', type: 'datasource', query: 'prometheus', hide: 0, refresh: 1, options: [] }],
    },
    panels: [
      row(1, 'Traffic', 0),
      panel('timeseries', 2, 'Request rate', { x: 0, y: 1, w: 12, h: 8 }, 'reqps'),
      panel('stat', 3, 'Error ratio', { x: 12, y: 1, w: 12, h: 8 }, 'percentunit'),
      row(4, 'Latency', 9, [
        panel('timeseries', 5, 'Request duration', { x: 0, y: 10, w: 12, h: 8 }, 's'),
        panel('stat', 6, 'Slow requests', { x: 12, y: 10, w: 12, h: 8 }, 'short'),
      ]),
      row(7, 'Saturation', 10),
      panel('timeseries', 8, 'In-flight requests', { x: 0, y: 11, w: 24, h: 8 }, 'short'),
    ],
  };
}

/** Test-only accessors: the fixture is known, so a missing panel is a bug in the test. */
function top(d: TestDashboard, index: number): TestPanel {
  const found = d.panels[index];
  if (!found) throw new Error(`fixture has no panel ${index}`);
  return found;
}

function nested(d: TestDashboard, index: number): TestPanel {
  const found = top(d, 3).panels?.[index];
  if (!found) throw new Error(`fixture's collapsed row has no panel ${index}`);
  return found;
}

function firstTarget(p: TestPanel): Target {
  const found = p.targets?.[0];
  if (!found) throw new Error(`fixture panel ${p.title} has no target`);
  return found;
}

function mutate(change: (d: TestDashboard) => void): TestDashboard {
  const d = fixture();
  change(d);
  return d;
}

const show = (findings: readonly Finding[]): string =>
  findings.map((f) => `${f.severity} ${f.rule} ${f.location.path ?? ''}: ${f.message}`).join('\n');

test('the valid fixture passes every rule with no finding at all', () => {
  const findings = checkDashboard(fixture(), OURS);
  assert.equal(findings, [], show(findings));
});

test('the generated validator accepts the fixture', () => {
  assert.ok(validateDashboard(fixture()), JSON.stringify(validateDashboard.errors, null, 2));
});

// Each variant breaks one thing; the rule id must appear, as an error, since this is our own output.
const broken: Array<{ name: string; rule: string; input: () => unknown }> = [
  { name: 'an id reused inside a collapsed row', rule: 'dashboard/duplicate-panel-id', input: () => mutate((d) => (nested(d, 0).id = 2)) },
  { name: 'a panel without id', rule: 'dashboard/missing-panel-id', input: () => mutate((d) => delete top(d, 2).id) },
  { name: 'a panel past column 24 (x + w = 26)', rule: 'dashboard/grid-bounds', input: () => mutate((d) => (top(d, 2).gridPos.x = 14)) },
  { name: 'a negative y', rule: 'dashboard/grid-bounds', input: () => mutate((d) => (top(d, 1).gridPos.y = -1)) },
  { name: 'a panel without gridPos inside a collapsed row', rule: 'dashboard/grid-bounds', input: () => mutate((d) => Reflect.deleteProperty(nested(d, 1), 'gridPos')) },
  { name: 'two top-level panels sharing columns 6..11', rule: 'dashboard/overlap', input: () => mutate((d) => (top(d, 2).gridPos.x = 6)) },
  { name: 'two panels overlapping inside a collapsed row', rule: 'dashboard/overlap', input: () => mutate((d) => (nested(d, 1).gridPos.x = 6)) },
  { name: 'a collapsed row child on top of its row', rule: 'dashboard/overlap', input: () => mutate((d) => (nested(d, 0).gridPos.y = 9)) },
  { name: 'a hard-coded datasource uid on a panel', rule: 'dashboard/datasource', input: () => mutate((d) => (top(d, 1).datasource = { type: 'prometheus', uid: 'P1809F7CD0C75ACF3' })) },
  { name: 'a string datasource on a nested target', rule: 'dashboard/datasource', input: () => mutate((d) => (firstTarget(nested(d, 0)).datasource = 'Prometheus')) },
  { name: 'a target without datasource', rule: 'dashboard/datasource', input: () => mutate((d) => delete firstTarget(top(d, 5)).datasource) },
  { name: 'a stat panel without unit', rule: 'dashboard/unit', input: () => mutate((d) => (top(d, 2).fieldConfig = { defaults: {}, overrides: [] })) },
  { name: 'a nested panel without description', rule: 'dashboard/description', input: () => mutate((d) => delete nested(d, 1).description) },
  { name: 'a row with a blank title', rule: 'dashboard/title', input: () => mutate((d) => (top(d, 0).title = '  ')) },
  { name: 'refresh as a number', rule: 'dashboard/schema', input: () => ({ ...fixture(), refresh: 30 }) },
  { name: 'panels as a string (schema)', rule: 'dashboard/schema', input: () => ({ ...fixture(), panels: 'x' }) },
  { name: 'panels as a string (shape)', rule: 'dashboard/shape', input: () => ({ ...fixture(), panels: 'x' }) },
  { name: 'a key the Dashboard type does not have', rule: 'dashboard/schema', input: () => ({ ...fixture(), hideControls: false }) },
  { name: 'null instead of a dashboard', rule: 'dashboard/shape', input: () => null },
  { name: 'an array instead of a dashboard', rule: 'dashboard/shape', input: () => [fixture()] },
  { name: 'a string instead of a dashboard', rule: 'dashboard/shape', input: () => JSON.stringify(fixture()) },
  { name: 'a panel that is not an object', rule: 'dashboard/shape', input: () => ({ ...fixture(), panels: [...fixture().panels, 42] }) },
  { name: 'an expanded row hiding panels in its own array', rule: 'dashboard/shape', input: () => mutate((d) => (top(d, 0).panels = [panel('stat', 9, 'Hidden', { x: 0, y: 1, w: 6, h: 4 }, 's')])) },
];

for (const { name, rule, input } of broken) {
  test(`${rule}: ${name}`, () => {
    const findings = checkDashboard(input(), OURS);
    const hits = findings.filter((f) => f.rule === rule);
    assert.ok(hits.length > 0, `expected ${rule}, got:\n${show(findings)}`);
    assert.ok(hits.every((f) => f.severity === 'error'), show(hits));
  });
}

test("dashboard/overlap: a collapsed row's children are not compared with panels of later rows", () => {
  const d = fixture();
  const child = nested(d, 0).gridPos;
  // In raw coordinates the child (y 10..17) and the next row's panel (y 11..18) do share area.
  assert.ok(child.y + child.h > top(d, 5).gridPos.y);
  assert.equal(checkDashboard(d, OURS).filter((f) => f.rule === 'dashboard/overlap'), []);
});

test('dashboard/schema: a wrong field in a panel is reported once, not once per anyOf branch', () => {
  const findings = checkDashboard(mutate((d) => (top(d, 1).gridPos.w = 'wide' as unknown as number)), OURS);
  const schema = findings.filter((f) => f.rule === 'dashboard/schema');
  assert.equal(schema.map((f) => f.location.path), ['/panels/1/gridPos/w'], show(schema));
  assert.is(schema[0]?.location.panelId, 2);
});

test('findings name the panel: title, id and a JSON path', () => {
  const [hit] = checkDashboard(mutate((d) => delete nested(d, 1).description), OURS);
  assert.equal(hit?.location, {
    file: 'fixture.json',
    dashboard: 'Check fixture',
    panel: 'Slow requests',
    panelId: 6,
    path: '/panels/3/panels/1/description',
  });
  assert.ok(hit?.hint);
});

test('foreign mode: what Grafana tolerates or repairs is a warning, a hard-coded datasource too', () => {
  const d = mutate((x) => {
    top(x, 2).gridPos.x = 6;
    delete top(x, 1).id;
    delete nested(x, 0).description;
    top(x, 1).datasource = 'Prometheus';
  });
  const findings = checkDashboard({ ...d, hideControls: false }, FOREIGN);
  assert.equal(findings.filter((f) => f.severity === 'error'), [], show(findings));
  const rules = new Set<string>(findings.map((f) => f.rule));
  for (const rule of ['dashboard/overlap', 'dashboard/missing-panel-id', 'dashboard/description', 'dashboard/schema', 'dashboard/datasource']) {
    assert.ok(rules.has(rule), `expected a ${rule} warning, got:\n${show(findings)}`);
  }
});

test('dashboard/datasource in foreign dashboards: only references that bypass a declared datasource variable', () => {
  const datasourceFindings = (d: TestDashboard) => checkDashboard(d, FOREIGN).filter((f) => f.rule === 'dashboard/datasource');
  const hardCoded = mutate((x) => {
    top(x, 1).datasource = { type: 'prometheus', uid: 'P1809F7CD0C75ACF3' };
    firstTarget(nested(x, 0)).datasource = 'Prometheus';
  });
  assert.equal(datasourceFindings(hardCoded).map((f) => [f.severity, f.location.path]), [
    ['warning', '/panels/1/datasource'],
    ['warning', '/panels/3/panels/0/targets/0/datasource'],
  ]);
  const followers = mutate((x) => {
    top(x, 1).datasource = { type: 'prometheus', uid: '$datasource' };
    firstTarget(top(x, 1)).datasource = { type: 'datasource', uid: '-- Mixed --' };
    delete firstTarget(top(x, 2)).datasource;
    top(x, 2).datasource = null;
  });
  assert.equal(datasourceFindings(followers), [], 'variables, built-ins and the default are not hard-coded');
  assert.equal(datasourceFindings({ ...hardCoded, templating: { list: [] } }), [], 'without a datasource variable there is nothing to follow');
});

test('schema errors read as config errors do: the key, the value and what is allowed', () => {
  const [hit] = checkDashboard({ ...fixture(), refresh: 30 }, OURS).filter((f) => f.rule === 'dashboard/schema');
  assert.is(hit?.message, '/refresh: 30 is not allowed; expected string');
  assert.is(hit?.location.path, '/refresh');
});

test('never throws, whatever the input', () => {
  const inputs: unknown[] = [
    undefined, 0, true, 'x', [], {}, { panels: null }, { panels: [null, [], 'p', 1] },
    { panels: [{ gridPos: 'x', targets: 'y', fieldConfig: null, datasource: 5, id: 'one' }] },
    { panels: [{ type: 'row', collapsed: true, panels: 'x' }, { type: 'row', collapsed: true }] },
    { panels: [{ type: 'row', collapsed: true, panels: [null, { gridPos: { x: '1', y: null, w: Infinity, h: -0 } }] }] },
    { panels: [{ type: 'timeseries', targets: [null, 1, { datasource: [] }], fieldConfig: { defaults: null } }] },
    { templating: { list: [null, { type: 'query' }, { type: 'query', datasource: {} }] }, templating2: 1, panels: [] },
    { templating: 'x', annotations: [], rows: [{ panels: [] }] },
  ];
  for (const input of inputs) {
    const findings = checkDashboard(input, OURS);
    assert.ok(Array.isArray(findings), JSON.stringify(input));
  }
});


// The shared corpus sits next to the repository (../shared); checkouts without it skip this test.
const CORPUS = new URL('../../shared/corpus/dashboards/', import.meta.url);

test('foreign lint: every corpus dashboard yields warnings at most, and nothing throws', () => {
  if (!hasShared(CORPUS, 'the corpus dashboards')) return;
  const files = readdirSync(CORPUS).filter((name) => name.endsWith('.json'));
  assert.ok(files.length > 0, 'the corpus has dashboards');
  for (const name of files) {
    const dashboard: unknown = JSON.parse(readFileSync(new URL(name, CORPUS), 'utf8'));
    const errors = checkDashboard(dashboard, { ...FOREIGN, file: name }).filter((f) => f.severity === 'error');
    assert.equal(errors, [], `${name}:\n${show(errors)}`);
  }
});

test.run();
