/**
 * The rule checks against real `promtool check rules`, in both directions: every rule file below, valid or not,
 * gets the same verdict from promtool and from our rule lint (no error finding = accepted), and so does every
 * alert template of Go's parser tests and of Prometheus's own function set. Debian's promtool is 2.42, older than
 * the Prometheus 3 the checks follow; the few differences that come from that are listed apart, with our verdict
 * asserted and promtool's printed. Skips without promtool, fails under CI=true.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { whenInstalled } from './helpers.js';
import { parse as parseYaml } from 'yaml';
import { checkRuleFile } from '../lib/check/rules.js';
import { alertTemplateProblem } from '../lib/check/rules/alert-templates.js';

const promtoolFound = (spawnSync('promtool', ['--version']).error as NodeJS.ErrnoException | undefined)?.code !== 'ENOENT';
const test = suite('promtool check rules');
let workDir = '';

/** promtool's verdict on a rule file: exit status and what it printed. */
function promtool(yaml: string): { accepted: boolean; output: string } {
  const file = join(workDir, 'rules.yaml');
  writeFileSync(file, yaml);
  const r = spawnSync('promtool', ['check', 'rules', file], { encoding: 'utf8' });
  return { accepted: r.status === 0, output: `${r.stdout}${r.stderr}` };
}

/** Ours, through the rule lint as `npm run lint` applies it to a plain rule file. */
function ours(yaml: string): { accepted: boolean; output: string } {
  const doc = parseYaml(yaml) as { groups?: unknown };
  const errors = checkRuleFile(doc.groups, { file: 'rules.yaml', groupsPath: '/groups', conventionSeverity: 'warning', checkExpressions: true }).filter(
    (f) => f.severity === 'error',
  );
  return { accepted: errors.length === 0, output: errors.map((f) => `${f.rule} ${f.location.path}: ${f.message}`).join('\n') };
}

function ruleFile(rules: string, group = ''): string {
  return `groups:\n- name: g\n${group}  rules:\n${rules}`;
}

const alert = (extra = ''): string => `  - alert: A\n    expr: up\n${extra}`;
const record = (extra = ''): string => `  - record: a:b\n    expr: up\n${extra}`;

/** Rule files with the verdict both must give. */
const files: Array<[comment: string, yaml: string, valid: boolean]> = [
  ['an alert and a recording rule', ruleFile(alert('    for: 5m\n    labels: {severity: warning}\n') + record()), true],
  ['a numeric expr', ruleFile('  - record: a:b\n    expr: 1\n'), true],
  ['scalar label values', ruleFile(record('    labels: {a: 1, b: true, c: ~, d: 1.5}\n')), true],
  ['null labels and annotations', ruleFile(alert('    labels: ~\n    annotations: ~\n')), true],
  ['a group without rules', 'groups:\n- name: g\n', true],
  ['no groups', 'groups: []\n', true],
  ['a zero for and keep_firing_for on a recording rule', ruleFile(record('    for: 0s\n    keep_firing_for: 0\n')), true],
  ['empty annotations on a recording rule', ruleFile(record('    annotations: {}\n')), true],
  ['a recording rule label that looks like a broken template', ruleFile(record('    labels: {a: "{{ x"}\n')), true],
  ['a negative limit and a zero interval', ruleFile(record(), '  limit: -1\n  interval: 0\n'), true],
  ['a numeric alert name', ruleFile('  - alert: 12\n    expr: up\n'), true],
  ['keep_firing_for on an alert', ruleFile(alert('    keep_firing_for: 5m\n')), true],
  ['a null for', ruleFile(alert('    for: ~\n')), true],
  ['a templated alert label', ruleFile(alert('    labels: {team: "{{ $labels.team }}"}\n')), true],
  ['durations with days and weeks', ruleFile(alert('    for: 1w2d3h\n')), true],
  ['a copied recording rule (promtool only lints it)', ruleFile(record() + record()), true],
  ['an unknown rule field', ruleFile(alert('    unknown: 1\n')), false],
  ['an unknown group field', ruleFile(alert(), '  intervall: 1m\n'), false],
  ['__name__ as a label', ruleFile(alert('    labels: {__name__: x}\n')), false],
  ['a label name with a dash', ruleFile(alert('    labels: {a-b: x}\n')), false],
  ['an annotation name with a dash', ruleFile(alert('    annotations: {a-b: x}\n')), false],
  ['for on a recording rule', ruleFile(record('    for: 5m\n')), false],
  ['keep_firing_for on a recording rule', ruleFile(record('    keep_firing_for: 5m\n')), false],
  ['annotations on a recording rule', ruleFile(record('    annotations: {a: b}\n')), false],
  ['both alert and record', ruleFile('  - alert: A\n    record: a:b\n    expr: up\n'), false],
  ['neither alert nor record', ruleFile('  - expr: up\n'), false],
  ['an empty alert name', ruleFile('  - alert: ""\n    expr: up\n'), false],
  ['a negative for', ruleFile(alert('    for: -1m\n')), false],
  ['a fractional for', ruleFile(alert('    for: 1.5m\n')), false],
  ['a for without a unit', ruleFile(alert('    for: 300\n')), false],
  ['a bad group interval', ruleFile(alert(), '  interval: 1m30\n'), false],
  ['a list as a label value', ruleFile(alert('    labels: {a: [1]}\n')), false],
  ['an empty expr', ruleFile('  - alert: A\n    expr: ""\n'), false],
  ['an expr that does not parse', ruleFile('  - alert: A\n    expr: sum(up\n'), false],
  ['two groups of one name', `${ruleFile(alert())}${ruleFile(alert()).slice('groups:\n'.length)}`, false],
  ['a recording rule name with a dash', ruleFile('  - record: a-b\n    expr: up\n'), false],
  ['an empty group name', 'groups:\n- name: ""\n  rules: []\n', false],
  ['a broken template in an alert label', ruleFile(alert('    labels: {a: "{{ if }}"}\n')), false],
  ['rules that are not a list', 'groups:\n- name: g\n  rules: {a: 1}\n', false],
];

/** Prometheus 3 accepts these; promtool 2.42 predates them (query_offset: 2.53; group labels: 3.x). */
const newerThanPromtool: Array<[comment: string, yaml: string]> = [
  ['a group query_offset', ruleFile(alert(), '  query_offset: 1m\n')],
  ['group labels', ruleFile(alert(), '  labels: {team: a}\n')],
];

/** Templates Prometheus 3 parses that promtool 2.42 refuses: newer functions, and Go 1.23's `else with`. */
const NEWER_TEMPLATE = /\b(urlQueryEscape|toDuration|now)\b|else with/;

const goSuite = fileURLToPath(new URL('../../shared/reference-suites/go-template.jsonl', import.meta.url));

/** Alert templates: Go's parser test inputs, and templates with Prometheus's own functions and variables. */
function templates(): string[] {
  const prometheus = [
    '{{ $value | humanize }} {{ $value | humanize1024 }} {{ $value | humanizeDuration }} {{ $value | humanizePercentage }}',
    '{{ $value | humanizeTimestamp }} {{ $value | toTime }} {{ "1h" | parseDuration }}',
    '{{ with query "up" }}{{ . | first | value }} {{ . | first | label "job" }} {{ . | first | strvalue }}{{ end }}',
    '{{ range query "up" | sortByLabel "job" }}{{ .Labels.job }}{{ end }}',
    '{{ reReplaceAll "(.*):.*" "$1" $labels.instance | title | toUpper | toLower }}',
    '{{ $labels.instance | stripPort }} {{ $labels.instance | stripDomain }} {{ "up" | graphLink }} {{ "up" | tableLink }}',
    '{{ pathPrefix }} {{ externalURL }} {{ $externalURL }} {{ $externalLabels.cluster }} {{ args 1 2 }} {{ safeHtml "x" }}',
    '{{ match "a.*" $labels.job }}',
    '{{ $labels.job | urlQueryEscape }}',
    '{{ toDuration 60 }} {{ now }}',
    '{{ $value | humanise }}',
    '{{ $value | contains "x" }}',
    '{{ $labels | tmpl "x" }}',
    '{{ $undefined }}',
    '{{ define "x" }}a{{ end }}{{ template "x" . }}',
    '{{ define "__alert_T14" }}a{{ end }}',
    '{{ $value | }}',
  ];
  // Go's strconv decides these: integer bases and ranges, underscores, hex floats, imaginary and complex
  // constants, escapes in strings and characters.
  const literals = `1_000 0b101 0o17 017 089 0x1F 0x 0x_1 1__0 1_ _1 .5 5. 1e 1e+ 1e400 1e-400 0x1p-2 0x1.8p1 0x1.8
    99999999999999999999 18446744073709551615 18446744073709551616 -9223372036854775808 -9223372036854775809 -0 +5
    1i 0x1i 1+2i 1-i 1e3+1e3i '\\x41' '\\u00e9' '\\ud800' '\\U0010ffff' '\\U00110000' '\\377' '\\400' '\\'' '\\"' 'ab' ''
    "\\a\\b\\f\\v" "\\'" "\\x4" "\\xff" "\\u12" "\\q"`
    .trim()
    .split(/\s+/)
    .map((literal) => `{{ printf "%v" ${literal} }}`);
  const go = existsSync(goSuite)
    ? readFileSync(goSuite, 'utf8')
        .split('\n')
        .filter((line) => line.trim() !== '')
        .map((line) => JSON.parse(line) as { template: string; needs: string[] })
        .filter((c) => !c.needs.includes('go-test-maxStackDepth=3'))
        .map((c) => c.template)
    : [];
  return [...prometheus, ...literals, ...go];
}

whenInstalled(promtoolFound, "the rule checks' agreement with promtool", 'prometheus (promtool)', () => {
  test.before(() => {
    workDir = mkdtempSync(join(tmpdir(), 'spt-promtool-rules-'));
  });
  test.after(() => rmSync(workDir, { recursive: true, force: true }));

  for (const [comment, yaml, valid] of files) {
    test(`${valid ? 'accepted' : 'refused'} by both: ${comment}`, () => {
      const theirs = promtool(yaml);
      const mine = ours(yaml);
      assert.is(theirs.accepted, valid, `promtool ${theirs.accepted ? 'accepted' : 'refused'} it:\n${theirs.output}`);
      assert.is(mine.accepted, valid, `we ${mine.accepted ? 'accepted' : 'refused'} it:\n${mine.output}`);
    });
  }

  for (const [comment, yaml] of newerThanPromtool) {
    test(`accepted as Prometheus 3 does: ${comment}`, () => {
      const mine = ours(yaml);
      assert.ok(mine.accepted, mine.output);
      console.log(`  ${comment}: promtool ${promtool(yaml).accepted ? 'accepts' : 'refuses'} it (2.42 predates it)`);
    });
  }

  test("alert templates: our verdict equals promtool's", () => {
    const cases = templates();
    const rules = cases.map((text, i) => ({ alert: `T${i}`, expr: 'up', annotations: { a: text } }));
    // JSON is YAML, and escapes the tabs and line breaks of Go's cases that block scalars would carry raw.
    const theirs = promtool(JSON.stringify({ groups: [{ name: 'g', rules }] }));
    const refused = new Set([...theirs.output.matchAll(/rule (\d+), "T\d+"/g)].map((m) => Number(m[1]) - 1));
    assert.ok(refused.size > 0 && refused.size < cases.length, `promtool refused ${refused.size} of ${cases.length}:\n${theirs.output}`);
    const disagreements: string[] = [];
    let newer = 0;
    cases.forEach((text, i) => {
      const problem = alertTemplateProblem(text, `T${i}`);
      if (refused.has(i) === (problem !== undefined)) return;
      if (NEWER_TEMPLATE.test(text) && problem === undefined) {
        newer++;
        return;
      }
      disagreements.push(`${JSON.stringify(text)}: promtool ${refused.has(i) ? 'refuses' : 'accepts'}; we ${problem ? `refuse: ${problem.message}` : 'accept'}`);
    });
    console.log(`  templates: ${cases.length - disagreements.length - newer}/${cases.length} agree with promtool; ${newer} newer than promtool 2.42`);
    assert.equal(disagreements, [], disagreements.join('\n'));
  });
}, test);

test.run();
