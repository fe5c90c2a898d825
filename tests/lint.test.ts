/** `npm run lint`: files from anywhere, malformed ones included, never a crash. */
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { hasShared } from './helpers.js';
import { main } from '../lib/cli/commands.js';
import { lintFiles } from '../lib/lint.js';

const deploy = fileURLToPath(new URL('../deploy/', import.meta.url));
const corpus = fileURLToPath(new URL('../../shared/corpus/', import.meta.url));

const dashboardCm = (json: string) =>
  `apiVersion: v1\nkind: ConfigMap\nmetadata: {name: d}\ndata:\n  d.json: ${JSON.stringify(json)}\n`;

// [file name, content, the rule id that must be reported as an error]
const MALFORMED: Array<[string, string, string]> = [
  ['broken.json', '{"title": "x", "panels": [', 'lint/parse'],
  ['broken.yaml', 'groups:\n  - name: a\n    rules: [\n', 'lint/parse'],
  ['empty.yaml', '\n\n', 'lint/empty'],
  ['list.json', '[1, 2, 3]', 'lint/shape'],
  ['string.yaml', 'just words\n', 'lint/shape'],
  ['deployment.yaml', 'apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: x}\n', 'lint/shape'],
  ['cm-bad-json.yaml', dashboardCm('{"panels": [}'), 'lint/parse'],
  ['cm-no-dashboard.yaml', 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: x}\ndata: {a.txt: hi}\n', 'lint/shape'],
  ['list-no-items.yaml', 'apiVersion: v1\nkind: ConfigMapList\n', 'lint/shape'],
  ['rule-no-spec.yaml', 'apiVersion: monitoring.coreos.com/v1\nkind: PrometheusRule\nmetadata: {name: x}\n', 'rules/shape'],
  ['rules-bad-expr.yaml', 'groups:\n  - name: a\n    rules:\n      - alert: X\n        expr: sum(rate(x[5m])\n', 'promql/syntax'],
  ['multi.yaml', 'groups: []\n---\nkind: Service\n', 'lint/shape'],
  ['alias-bomb.yaml', ['a0: &a0 [x, x, x, x, x, x, x, x, x, x]', ...[1, 2, 3, 4, 5, 6].map((i) => `a${i}: &a${i} [${Array(10).fill(`*a${i - 1}`).join(', ')}]`)].join('\n'), 'lint/parse'],
  ['dashboard-bad-query.json', JSON.stringify({ title: 'x', schemaVersion: 39, panels: [{ type: 'timeseries', id: 1, title: 't', gridPos: { x: 0, y: 0, w: 12, h: 8 }, targets: [{ expr: 'rate(x[5m]' }] }] }), 'promql/syntax'],
];

test('malformed input: an error naming the file and what was expected, never a crash', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'spt-lint-'));
  try {
    for (const [name, content, rule] of MALFORMED) {
      const file = join(dir, name);
      writeFileSync(file, content);
      const findings = await lintFiles([file]);
      const hit = findings.find((f) => f.rule === rule && f.severity === 'error');
      assert.ok(hit, `${name}: expected ${rule}, got ${findings.map((f) => f.rule).join(', ')}`);
      assert.ok(hit?.location.file?.startsWith(file), `${name}: the finding names the file`);
    }
    const missing = await lintFiles([join(dir, 'nope.json')]);
    assert.equal(missing.map((f) => f.rule), ['lint/read']);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a ConfigMapList of dashboards and a multi-document YAML are read whole', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'spt-lint-'));
  try {
    const good = JSON.stringify({ title: 'x', schemaVersion: 39, panels: [] });
    const list = `apiVersion: v1\nkind: ConfigMapList\nitems:\n  - ${dashboardCm(good).replaceAll('\n', '\n    ').trimEnd()}\n  - ${dashboardCm('{"panels": 1').replaceAll('\n', '\n    ').trimEnd()}\n`;
    writeFileSync(join(dir, 'list.yaml'), list);
    const findings = await lintFiles([join(dir, 'list.yaml')]);
    const errors = findings.filter((f) => f.severity === 'error');
    assert.is(errors.length, 1, JSON.stringify(errors));
    assert.is(errors[0]?.location.path, '/items/1/data/d.json');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('our own deploy/ files lint clean, as a stranger reads them (recording rules found across files)', async () => {
  const findings = await lintFiles(['grafana/data/spt-overview.json', 'prometheus/spt-recording-rules.yaml', 'prometheus/spt-alerts.yaml'].map((f) => deploy + f));
  assert.equal(findings, []);
  assert.equal(await lintFiles([deploy]), [], 'a folder: its Kustomizations are passed over, the rest read');
});

test('exit codes: errors 1, warnings alone 0, JSON output on request', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'spt-lint-'));
  try {
    const lines: string[] = [];
    const io = { out: (t: string) => lines.push(t), err: (t: string) => lines.push(t) };
    // Our alerts file alone: the mixin's own recording rules count as loaded beside it.
    assert.is(await main(['lint', deploy + 'prometheus/spt-alerts.yaml', '--format', 'json'], io), 0);
    assert.equal(JSON.parse(lines.join('\n')).findings, []);
    // The same file elsewhere is foreign: the records it uses are defined in no file linted with it, a warning.
    const copy = join(dir, 'alerts.yaml');
    writeFileSync(copy, readFileSync(deploy + 'prometheus/spt-alerts.yaml'));
    lines.length = 0;
    assert.is(await main(['lint', copy, '--format', 'json'], io), 0);
    const { findings } = JSON.parse(lines.join('\n'));
    assert.ok(findings.length > 0 && findings.every((f: { severity: string; rule: string }) => f.severity === 'warning' && f.rule === 'rules/undefined-record'));
    assert.is(await main(['lint', '/nonexistent/file.yaml'], { out: () => {}, err: () => {} }), 1);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('every file of ../shared/corpus lints with zero errors', async () => {
  if (!hasShared(corpus, 'the corpus')) return;
  const files = ['dashboards', 'rules', 'prometheusrule-crs'].flatMap((d) => readdirSync(join(corpus, d)).map((f) => join(corpus, d, f)));
  assert.ok(files.length >= 81, `${files.length} corpus files`);
  const errors = (await lintFiles(files)).filter((f) => f.severity === 'error');
  assert.equal(errors.map((e) => `${e.rule} ${e.location.file} ${e.message}`), []);
});

test.run();
