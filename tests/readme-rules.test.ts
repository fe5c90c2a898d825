/** The README's Checks section and the code agree: every rule id, and the mapping of other linters' rules. */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { RULE_IDS } from '../lib/check/finding.js';

const root = fileURLToPath(new URL('..', import.meta.url));
const readme = readFileSync(join(root, 'README.md'), 'utf8');

/** The section from `heading` to the next heading of the same or a higher level. */
function section(heading: string): string {
  const start = readme.indexOf(`${heading}\n`);
  assert.ok(start >= 0, `README has no "${heading}"`);
  const level = heading.split(' ')[0] ?? '';
  const rest = readme.slice(start + heading.length);
  const end = rest.search(new RegExp(`\\n#{2,${level.length}} `));
  return end < 0 ? rest : rest.slice(0, end);
}

/** Cells of column `column` of every table row in the text. */
function column(text: string, index: number): string[] {
  return text.split('\n').filter((l) => l.startsWith('| ') && !l.startsWith('| ---')).slice(1).map((l) => l.split(' | ')[index] ?? '');
}

const ids = (cells: readonly string[]): string[] => cells.flatMap((c) => [...c.matchAll(/`([a-z]+\/[a-z-]+)`/g)].map((m) => m[1] ?? ''));

test('the Checks table lists exactly the rule ids in code', () => {
  const checks = section('## Checks');
  const table = checks.slice(0, checks.indexOf('\n### '));
  assert.equal([...new Set(ids(column(table, 0)))].sort(), [...RULE_IDS].sort());
});

test('every rule id in code is emitted somewhere', () => {
  const sources: string[] = [];
  const walk = (dir: string): void => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) walk(path);
      else if (path.endsWith('.ts') && !path.endsWith('finding.ts')) sources.push(readFileSync(path, 'utf8'));
    }
  };
  walk(join(root, 'lib'));
  const code = sources.join('\n');
  assert.equal(RULE_IDS.filter((id) => !code.includes(`'${id}'`)), []);
});

test("each of Grafana's dashboard-linter rules is mapped to ours or says why not", () => {
  const table = section("### Compared with Grafana's dashboard-linter");
  const theirs = column(table, 0).join(' ');
  for (const rule of [
    'template-datasource-rule', 'template-job-rule', 'template-instance-rule', 'template-label-promql-rule',
    'template-on-time-change-reload-rule', 'template-uid-rule', 'panel-datasource-rule', 'panel-title-description-rule',
    'panel-units-rule', 'panel-no-targets-rule', 'target-promql-rule', 'target-rate-interval-rule', 'target-job-rule',
    'target-instance-rule', 'target-counter-agg-rule', 'target-logql-rule', 'target-logql-auto-rule', 'uneditable-dashboard',
  ]) {
    assert.ok(theirs.includes(`\`${rule}\``), rule);
  }
  const known = new Set<string>(RULE_IDS);
  assert.equal(ids(column(table, 1)).filter((id) => !known.has(id)), []);
});

test("each of pint's offline checks is mapped to ours or says why not", () => {
  const table = section("### Compared with pint's offline checks");
  const theirs = column(table, 0).join(' ');
  for (const check of [
    'promql/syntax', 'promql/aggregate', 'promql/regexp', 'promql/fragile', 'promql/impossible', 'promql/vector_matching',
    'promql/selector', 'alerts/for', 'alerts/template', 'alerts/annotation', 'alerts/comparison', 'alerts/absent',
    'alerts/external_labels', 'rule/label', 'rule/duplicate', 'rule/name', 'rule/for', 'rule/owner', 'rule/reject', 'rule/report',
  ]) {
    assert.ok(theirs.includes(`\`${check}\``), check);
  }
  const known = new Set<string>(RULE_IDS);
  assert.equal(ids(column(table, 1)).filter((id) => !known.has(id)), []);
});

test.run();
