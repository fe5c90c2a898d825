/** `npm run lint` as a CI gate: severities, exclusions with reasons, --max-warnings, --quiet, the summary, positions. */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { main } from '../lib/cli/commands.js';

const dir = mkdtempSync(join(tmpdir(), 'spt-gate-'));
const file = (name: string, text: string): string => {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
};

/** Two alerts: Foo misses its summary, Bar is complete. One warning in all. */
const RULES = `groups:
  - name: team
    rules:
      - alert: Foo
        expr: up == 0
        labels: {severity: warning}
        annotations:
          description: '{{ $labels.instance }} is down.'
          runbook_url: https://example.com/foo
      - alert: Bar
        expr: up == 0
        labels: {severity: warning}
        annotations:
          summary: Bar is down.
          description: '{{ $labels.instance }} is down.'
          runbook_url: https://example.com/bar
`;
const rules = file('rules.yaml', RULES);

async function lint(...args: string[]): Promise<{ code: number; out: string; err: string }> {
  const out: string[] = [];
  const err: string[] = [];
  const code = await main(['lint', ...args], { out: (t) => out.push(t), err: (t) => err.push(t) });
  return { code, out: out.join('\n'), err: err.join('\n') };
}

async function json(...args: string[]) {
  const run = await lint(...args, '--format', 'json');
  return { code: run.code, ...(JSON.parse(run.out) as { findings: Array<{ rule: string; severity: string; location: { line?: number; column?: number } }>; summary: Record<string, number>; exclusions: Array<{ used: number }> }) };
}

test('--max-warnings N: more than N warnings fails, as in ESLint', async () => {
  assert.is((await lint(rules)).code, 0);
  assert.is((await lint(rules, '--max-warnings', '1')).code, 0);
  const over = await lint(rules, '--max-warnings', '0');
  assert.is(over.code, 1);
  assert.match(over.err, 'more than --max-warnings 0');
  const bad = await lint(rules, '--max-warnings', 'few');
  assert.is(bad.code, 2);
  assert.match(bad.err, /^error: --max-warnings few: expected a whole number/);
  assert.is(await main(['validate', '--max-warnings', '0'], { out: () => {}, err: () => {} }), 2, 'a lint option elsewhere is bad usage');
});

test('--rule ID=LEVEL changes one rule\'s severity; an unknown id is bad usage', async () => {
  assert.is((await lint(rules, '--rule', 'rules/summary=error')).code, 1);
  const off = await json(rules, '--rule', 'rules/summary=off', '--max-warnings', '0');
  assert.is(off.code, 0);
  assert.equal(off.findings, []);
  const unknown = await lint(rules, '--rule', 'rules/sumary=off');
  assert.is(unknown.code, 2);
  assert.match(unknown.err, 'did you mean "rules/summary"');
  assert.is((await lint(rules, '--rule', 'rules/summary=fatal')).code, 2);
});

test('an exclusions file: each exclusion needs a reason, is reported when used and warned about when unused', async () => {
  const good = file('good.yaml', '- rule: rules/summary\n  alert: Foo\n  reason: the upstream mixin has no summaries\n');
  const used = await lint(rules, '--exclusions', good, '--max-warnings', '0');
  assert.is(used.code, 0, used.out);
  assert.match(used.out, /excluded 1 x rules\/summary for alert "Foo" \(.*good\.yaml:1\): the upstream mixin has no summaries/);
  assert.match(used.out, '0 warning(s), 1 excluded');

  const other = file('other.yaml', '- rule: rules/summary\n  alert: Bar\n  reason: Bar is fine\n');
  const unused = await json(rules, '--exclusions', other);
  assert.equal(unused.findings.map((f) => `${f.severity} ${f.rule}`).sort(), ['warning lint/exclusion', 'warning rules/summary']);
  assert.equal(unused.exclusions.map((e) => e.used), [0]);

  const noReason = await json(rules, '--exclusions', file('noreason.yaml', '- rule: rules/summary\n  alert: Foo\n'));
  assert.is(noReason.code, 1);
  assert.ok(noReason.findings.some((f) => f.rule === 'lint/exclusion' && f.severity === 'error' && f.location.line === 1));
  assert.ok(noReason.findings.some((f) => f.rule === 'rules/summary'), 'an exclusion without a reason excludes nothing');

  assert.is((await lint(rules, '--exclusions', file('typo.yaml', '- rule: rules/sumary\n  reason: x\n'))).code, 1);
  const missing = await lint(rules, '--exclusions', join(dir, 'nope.yaml'));
  assert.is(missing.code, 2);
  assert.match(missing.err, /^error: cannot read the exclusions file/);
  assert.is((await lint(rules, '--exclusions', file('map.yaml', 'rule: x\n'))).code, 2);
});

test('exclusions in YAML comments: before a rule or group, or for the whole file', async () => {
  const before = file('commented.yaml', RULES.replace('      - alert: Foo', '      # spt-mixin disable rules/summary -- generated upstream\n      - alert: Foo'));
  const run = await json(before, '--max-warnings', '0');
  assert.is(run.code, 0);
  assert.is(run.summary.excluded, 1);

  const wholeFile = file('file-disable.yaml', `# spt-mixin file/disable rules/summary -- not ours\n${RULES}`);
  assert.is((await json(wholeFile, '--max-warnings', '0')).summary.excluded, 1);

  const noReason = file('comment-noreason.yaml', RULES.replace('      - alert: Foo', '      # spt-mixin disable rules/summary\n      - alert: Foo'));
  assert.is((await lint(noReason)).code, 1);

  const misplaced = file('misplaced.yaml', RULES.replace('        expr: up == 0\n        labels: {severity: warning}\n        annotations:\n          description', '        expr: up == 0\n        # spt-mixin disable rules/summary -- x\n        labels: {severity: warning}\n        annotations:\n          description'));
  const wrong = await json(misplaced);
  assert.ok(wrong.findings.some((f) => f.rule === 'lint/exclusion' && f.severity === 'error'), JSON.stringify(wrong.findings));

  const onBar = file('other-rule.yaml', RULES.replace('      - alert: Bar', '      # spt-mixin disable rules/summary -- only Bar\n      - alert: Bar'));
  const elsewhere = await json(onBar);
  assert.equal(elsewhere.findings.map((f) => `${f.severity} ${f.rule}`).sort(), ['warning lint/exclusion', 'warning rules/summary'], 'scoped to the rule below it');
});

test('the JSON summary counts errors, warnings, infos, files, documents and exclusions; --quiet lists errors only', async () => {
  const loki = file('mixed.json', JSON.stringify({
    title: 'm', schemaVersion: 39,
    panels: [{ type: 'table', id: 1, title: 't', description: 'd', gridPos: { x: 0, y: 0, w: 24, h: 8 }, datasource: { type: 'elasticsearch', uid: 'E' }, targets: [{ refId: 'A', expr: 'x' }] }],
  }));
  const run = await json(rules, loki);
  assert.equal(run.summary, { errors: 0, warnings: 1, infos: 1, files: 2, documents: 2, excluded: 0 });
  const quiet = await lint(rules, loki, '--quiet');
  assert.not.match(quiet.out, 'warning [');
  assert.match(quiet.out, '0 error(s), 1 warning(s), 1 info(s)');
});

test('a run that checks nothing fails: an empty folder, only Kustomizations', async () => {
  const empty = join(dir, 'empty');
  mkdirSync(empty);
  assert.is((await lint(empty)).code, 1);
  const kustomize = join(dir, 'kustomize');
  mkdirSync(kustomize);
  writeFileSync(join(kustomize, 'kustomization.yaml'), 'apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources: []\n');
  const run = await json(kustomize);
  assert.is(run.code, 1);
  assert.equal(run.findings.map((f) => f.rule), ['lint/nothing-checked']);
  assert.equal(run.summary.documents, 0);
});

test('findings carry file:line:column, in YAML and in JSON, pointing into the expression', async () => {
  const broken = file('broken.yaml', RULES.replace("        expr: up == 0\n        labels: {severity: warning}\n        annotations:\n          summary: Bar", "        expr: |\n          sum(up)\n            > bogus(1)\n        labels: {severity: warning}\n        annotations:\n          summary: Bar"));
  const run = await json(broken);
  const syntax = run.findings.find((f) => f.rule === 'promql/syntax');
  const lines = readFileSync(broken, 'utf8').split('\n');
  assert.ok(syntax?.location.line);
  assert.is(lines[(syntax?.location.line ?? 0) - 1]?.slice((syntax?.location.column ?? 0) - 1), 'bogus(1)');

  const dashboard = JSON.stringify({
    title: 'd', schemaVersion: 39,
    panels: [{ type: 'timeseries', id: 1, title: 't', description: 'd', gridPos: { x: 0, y: 0, w: 24, h: 8 }, fieldConfig: { defaults: { unit: 's' }, overrides: [] }, targets: [{ refId: 'A', expr: 'rate(x{a="\\"q\\""}[30s])' }] }],
  }, null, 2);
  const jsonFile = file('d.json', dashboard);
  const text = await lint(jsonFile);
  const [first] = text.out.split('\n');
  const match = /^(.*):(\d+):(\d+): warning \[promql\/rate-interval\]/.exec(first ?? '');
  assert.ok(match, text.out);
  assert.is(dashboard.split('\n')[Number(match?.[2]) - 1]?.slice(Number(match?.[3]) - 1), '30s])"');
});

test.after(() => rmSync(dir, { recursive: true, force: true }));

test.run();
