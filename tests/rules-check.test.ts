/**
 * The rule-file lint: a small valid file passes untouched, each broken variant trips its rule, Go templates
 * parse as Prometheus parses them, foreign rule files lint without errors and our own output without findings.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { hasShared } from './helpers.js';
import { parse as parseYaml } from 'yaml';
import type { Finding } from '../lib/check/finding.js';
import { checkRuleFile, type RuleCheckOptions } from '../lib/check/rules.js';

type Fields = Record<string, unknown>;
interface Group {
  name?: unknown;
  rules?: unknown;
  [key: string]: unknown;
}

/** Ours: conventions are errors, alerts carry the prefix. */
const OURS: RuleCheckOptions = {
  file: 'rules.yaml',
  groupsPath: '/spec/groups',
  alertPrefix: 'Spt',
  conventionSeverity: 'error',
};
/** Foreign lint: conventions are warnings, expressions are checked here since no mixin check ran before. */
const FOREIGN: RuleCheckOptions = {
  file: 'foreign.yaml',
  groupsPath: '/groups',
  conventionSeverity: 'warning',
  checkExpressions: true,
};

function alert(fields: Fields = {}): Fields {
  return {
    alert: 'SptHighErrorRate',
    expr: 'spt:http_errors:rate5m / spt:http_requests:rate5m > 0.05',
    for: '5m',
    labels: { severity: 'warning' },
    annotations: {
      summary: 'SPT answers too many requests with server errors.',
      description: '{{ $value | humanizePercentage }} of requests on {{ $labels.instance }} failed.',
      runbook_url: 'https://example.com/runbooks.md#spthigherrorrate',
    },
    ...fields,
  };
}

/** The fixture alert's annotations with some replaced; an undefined value removes the annotation. */
function annotated(annotations: Fields): Fields {
  const merged = Object.entries({ ...(alert().annotations as Fields), ...annotations }).filter(
    ([, value]) => value !== undefined,
  );
  return alert({ annotations: Object.fromEntries(merged) });
}

function fixture(extraRecords: Fields[] = [], alerts: Fields[] = [alert()]): Group[] {
  return [
    {
      name: 'spt.rules',
      rules: [
        { record: 'spt:http_requests:rate5m', expr: 'sum(rate(spt_http_requests_total{job="spt"}[5m]))' },
        { record: 'spt:http_errors:rate5m', expr: 'sum(rate(spt_http_requests_total{job="spt", status=~"5.."}[5m]))' },
        ...extraRecords,
      ],
    },
    { name: 'spt-http', rules: alerts },
  ];
}

function ids(findings: readonly Finding[]): string[] {
  return findings.map((f) => f.rule);
}

function show(findings: readonly Finding[]): string {
  return findings.map((f) => `${f.severity} ${f.rule} ${f.location.path ?? ''}: ${f.message}`).join('\n');
}

test('a well-formed file of ours has no findings', () => {
  const findings = checkRuleFile(fixture(), OURS);
  assert.equal(findings, [], show(findings));
});

test('findings name the file, group, rule and path', () => {
  const [finding] = checkRuleFile(fixture([], [alert({ for: '5 minutes' })]), OURS);
  assert.equal(finding?.location, {
    file: 'rules.yaml',
    group: 'spt-http',
    rule: 'SptHighErrorRate',
    path: '/spec/groups/1/rules/0/for',
  });
});

// Each broken variant with the rule ids it must produce, our conventions applying.
const broken: Array<[comment: string, groups: unknown, found: string[]]> = [
  ['groups is not a list', { name: 'x' }, ['rules/shape']],
  ['a group without a name', [{ rules: [] }], ['rules/shape']],
  ['rules that are not a list', [{ name: 'g', rules: { a: 1 } }], ['rules/shape']],
  ['an unknown group field', [{ name: 'g', rules: [], intervall: '1m' }], ['rules/shape']],
  ['a rule that is not a mapping', [{ name: 'g', rules: ['up'] }], ['rules/shape']],
  ['a rule with neither alert nor record', [{ name: 'g', rules: [{ expr: 'up' }] }], ['rules/shape']],
  [
    'a rule with both alert and record',
    [{ name: 'g', rules: [{ alert: 'SptA', record: 'a:b:c', expr: 'up' }] }],
    ['rules/shape'],
  ],
  ['a rule without expr', [{ name: 'g', rules: [{ record: 'a:b:c' }] }], ['rules/shape']],
  ['an expr that is not a string', [{ name: 'g', rules: [{ record: 'a:b:c', expr: ['up'] }] }], ['rules/shape']],
  ['labels that are not a map', [{ name: 'g', rules: [{ record: 'a:b:c', expr: 'up', labels: ['a'] }] }], ['rules/shape']],
  [
    'a label value that is not a string',
    [{ name: 'g', rules: [{ record: 'a:b:c', expr: 'up', labels: { a: { b: 1 } } }] }],
    ['rules/shape'],
  ],
  ['a bad label name', [{ name: 'g', rules: [{ record: 'a:b:c', expr: 'up', labels: { 'a-b': 'x' } }] }], ['rules/shape']],
  ['for in a recording rule', [{ name: 'g', rules: [{ record: 'a:b:c', expr: 'up', for: '5m' }] }], ['rules/shape']],
  ['keep_firing_for in a recording rule', [{ name: 'g', rules: [{ record: 'a:b:c', expr: 'up', keep_firing_for: '5m' }] }], ['rules/shape']],
  ['annotations in a recording rule', [{ name: 'g', rules: [{ record: 'a:b:c', expr: 'up', annotations: { a: 'b' } }] }], ['rules/shape']],
  ['__name__ as an alert label', fixture([], [alert({ labels: { severity: 'warning', __name__: 'x' } })]), ['rules/shape']],
  ['a bad annotation name', fixture([], [annotated({ 'a-b': 'x' })]), ['rules/shape']],
  ['a limit that is not an integer', [{ ...fixture()[0], limit: 'ten' }, fixture()[1]], ['rules/shape']],
  ['a misspelt rule field', fixture([], [{ ...alert(), anotations: {} }]), ['rules/shape']],
  ['two groups with one name', [...fixture(), { name: 'spt-http', rules: [] }], ['rules/duplicate-group']],
  [
    'a copied recording rule',
    fixture([{ record: 'spt:http_requests:rate5m', expr: 'sum(rate(spt_http_requests_total{job="spt"}[5m]))' }]),
    ['rules/duplicate-rule'],
  ],
  ['a copied alert', fixture([], [alert(), alert()]), ['rules/duplicate-rule']],
  ['an alert label that is no template', fixture([], [alert({ labels: { severity: '{{ if }}' } })]), ['rules/severity', 'rules/template']],
  ['a record name without a colon', fixture([{ record: 'spt_requests_rate5m', expr: 'up' }]), ['rules/record-name']],
  ['a record name with an empty part', fixture([{ record: 'job::rate5m', expr: 'up' }]), ['rules/record-name']],
  [
    'a record name that is not a metric name',
    fixture([{ record: 'job:http-requests:rate5m', expr: 'up' }]),
    ['rules/record-name'],
  ],
  ['an alert name in snake case', fixture([], [alert({ alert: 'Spt_high_errors' })]), ['rules/alert-name']],
  ['an alert without the prefix', fixture([], [alert({ alert: 'HighErrorRate' })]), ['rules/alert-name']],
  ['no severity', fixture([], [alert({ labels: {} })]), ['rules/severity']],
  ['an unknown severity', fixture([], [alert({ labels: { severity: 'page' } })]), ['rules/severity']],
  ['no summary', fixture([], [annotated({ summary: undefined })]), ['rules/summary']],
  ['a templated summary', fixture([], [annotated({ summary: '{{ $labels.instance }} is down.' })]), ['rules/summary']],
  ['a summary without a period', fixture([], [annotated({ summary: 'SPT is down' })]), ['rules/summary']],
  ['no description', fixture([], [annotated({ description: undefined })]), ['rules/description']],
  ['a static description', fixture([], [annotated({ description: 'Something failed.' })]), ['rules/description']],
  ['no runbook', fixture([], [annotated({ runbook_url: undefined })]), ['rules/runbook']],
  ['a relative runbook', fixture([], [annotated({ runbook_url: 'docs/runbooks.md#x' })]), ['rules/runbook']],
  ['a runbook that is not http', fixture([], [annotated({ runbook_url: 'ftp://example.com/x' })]), ['rules/runbook']],
  ['a bad for', fixture([], [alert({ for: '5 minutes' })]), ['rules/for']],
  ['a bad keep_firing_for', fixture([], [alert({ keep_firing_for: '1.5h' })]), ['rules/for']],
  ['a bad group interval', [{ ...fixture()[0], interval: '1m30' }, fixture()[1]], ['rules/for']],
  ['a broken template', fixture([], [annotated({ description: '{{ $value | humanise }}' })]), ['rules/template']],
  [
    'a templated label with an unclosed if',
    fixture([], [alert({ labels: { severity: 'warning', team: '{{ if $labels.a }}x' } })]),
    ['rules/template'],
  ],
  ['a misspelt recording rule', fixture([], [alert({ expr: 'spt:http_error:rate5m > 0' })]), ['rules/undefined-record']],
  ['a range vector as a rule result', fixture([{ record: 'spt:up:raw', expr: 'up[5m]' }]), ['promql/result-type']],
  ['a string as a rule result', fixture([{ record: 'spt:up:raw', expr: '"up"' }]), ['promql/result-type']],
  ['a Grafana variable in a rule', fixture([{ record: 'spt:up:rate', expr: 'rate(up[$__rate_interval])' }]), ['rules/expr']],
];
for (const [comment, groups, found] of broken) {
  test(`broken: ${comment}`, () => assert.equal(ids(checkRuleFile(groups, OURS)), found));
}

test('shape and Prometheus refusals are errors for foreign files too; conventions become warnings', () => {
  const severities = (groups: unknown): string[] => checkRuleFile(groups, FOREIGN).map((f) => `${f.severity} ${f.rule}`);
  assert.equal(severities([{ name: 'g', rules: [{ expr: 'up' }] }]), ['error rules/shape']);
  assert.equal(severities(fixture([], [alert({ for: '1 h' })])), ['error rules/for']);
  assert.equal(severities(fixture([], [annotated({ summary: undefined, runbook_url: undefined })])), [
    'warning rules/summary',
    'warning rules/runbook',
  ]);
  assert.equal(severities(fixture([], [alert({ alert: 'HighErrorRate' })])), [], 'no prefix asked of foreign files');
  assert.equal(severities(fixture([], [alert({ expr: 'other:recorded:series > 0' })])), ['warning rules/undefined-record']);
  assert.equal(severities(fixture([], [alert(), alert()])), ['warning rules/duplicate-rule'], 'Prometheus loads a copy; promtool only lints it');
});

// What Prometheus loads although it looks wrong: Go's YAML decoder reads any scalar into a string field and null as
// empty, a group may have no rules, a recording rule may carry an empty `annotations` or a zero `for`.
// tests/promtool-rules.test.ts holds each against promtool.
const lax: Array<[comment: string, groups: unknown]> = [
  ['a group without rules', [{ name: 'g' }]],
  ['null rules', [{ name: 'g', rules: null }]],
  ['a numeric expr', [{ name: 'g', rules: [{ record: 'a:b:c', expr: 1 }] }]],
  ['scalar label values', [{ name: 'g', rules: [{ record: 'a:b:c', expr: 'up', labels: { a: 1, b: true, c: null } }] }]],
  ['null labels', [{ name: 'g', rules: [{ record: 'a:b:c', expr: 'up', labels: null }] }]],
  ['a zero for and empty annotations on a recording rule', [{ name: 'g', rules: [{ record: 'a:b:c', expr: 'up', for: '0s', keep_firing_for: 0, annotations: {} }] }]],
  ['a null for', fixture([], [alert({ for: null })])],
  ['a negative limit', [{ ...fixture()[0], limit: -1 }, fixture()[1]]],
  ['no groups', null],
];
for (const [comment, groups] of lax) {
  test(`accepted as Prometheus does: ${comment}`, () => assert.equal(ids(checkRuleFile(groups, OURS)), []));
}

test("severity none, kube-prometheus's Watchdog, is a warning whatever the convention severity", () => {
  const watchdog = fixture([], [alert({ labels: { severity: 'none' } })]);
  assert.equal(
    checkRuleFile(watchdog, OURS).map((f) => `${f.severity} ${f.rule}`),
    ['warning rules/severity'],
  );
});

test('same name and labels with different expressions is not a duplicate (disjoint series, as kube-prometheus records)', () => {
  const split = fixture(
    [
      { record: 'code:spt_requests:rate5m', expr: 'sum by (code) (rate(spt_http_requests_total{code=~"2.."}[5m]))' },
      { record: 'code:spt_requests:rate5m', expr: 'sum by (code) (rate(spt_http_requests_total{code=~"5.."}[5m]))' },
    ],
    [alert(), alert({ labels: { severity: 'critical' }, expr: 'spt:http_errors:rate5m / spt:http_requests:rate5m > 0.5' })],
  );
  assert.equal(checkRuleFile(split, OURS), []);
});

test('record names from other files count as defined', () => {
  const alertsOnly = [fixture()[1]];
  assert.equal(ids(checkRuleFile(alertsOnly, OURS)), ['rules/undefined-record', 'rules/undefined-record']);
  assert.equal(
    checkRuleFile(alertsOnly, { ...OURS, recordedElsewhere: ['spt:http_requests:rate5m', 'spt:http_errors:rate5m'] }),
    [],
  );
});

test("checkExpressions adds the PromQL checks at the rule's location", () => {
  const groups = fixture([{ record: 'spt:x:rate5m', expr: 'rate(spt_x_total)' }]);
  assert.equal(checkRuleFile(groups, OURS), [], 'off: the mixin check runs them with its catalogue');
  const [finding] = checkRuleFile(groups, { ...OURS, checkExpressions: true });
  assert.is(finding?.rule, 'promql/type');
  assert.equal(finding?.location, {
    file: 'rules.yaml',
    group: 'spt.rules',
    rule: 'spt:x:rate5m',
    path: '/spec/groups/0/rules/2/expr',
    position: { from: 5, to: 16 },
  });
});

// Durations as Prometheus's model.ParseDuration takes them.
const durations: Array<[text: unknown, valid: boolean]> = [
  ['0', true],
  ['0s', true],
  ['30s', true],
  ['5m', true],
  ['1h30m', true],
  ['1d', true],
  ['2w', true],
  ['1y', true],
  ['100ms', true],
  ['1h30m15s250ms', true],
  ['', false],
  ['5', false],
  ['1.5h', false],
  ['5 m', false],
  ['-5m', false],
  ['30m1h', false],
  ['1m1m', false],
  ['5M', false],
  [300, false],
];
for (const [text, valid] of durations) {
  test(`duration ${JSON.stringify(text)} is ${valid ? 'valid' : 'refused'}`, () => {
    assert.equal(ids(checkRuleFile(fixture([], [alert({ for: text })]), OURS)), valid ? [] : ['rules/for']);
  });
}

// Recording names seen in real mixins, all following the convention as checked.
const recordNames = [
  'instance:node_cpu_utilisation:rate5m',
  'cluster_quantile:apiserver_request_sli_duration_seconds:histogram_quantile',
  'code_resource:apiserver_request_total:rate5m',
  'node_namespace_pod_container:container_memory_rss', // level:metric
  'node_namespace_pod:kube_pod_info:', // no operation
  ':node_memory_MemAvailable_bytes:sum', // aggregated to no labels
  'cluster:namespace:pod_memory:active:kube_pod_container_resource_requests',
  'instance:node_cpu:rate:sum',
];
for (const name of recordNames) {
  test(`record name ${name} follows the convention`, () => {
    assert.equal(checkRuleFile([{ name: 'g', rules: [{ record: name, expr: 'up' }] }], OURS), []);
  });
}

/** An annotation's text, and the range of the first template problem in it, if any. */
const templates: Array<[text: string, problem?: [from: number, to: number]]> = [
  ['plain text, no template'],
  ['}} stray closing braces are text {'],
  ['{{ $value }}'],
  ['{{$labels.job}}'],
  ['{{ $labels.pod}}'],
  ['{{ $value | humanizePercentage }}'],
  ['{{ printf "%.4g" $value }}'],
  ['{{ "43200" | humanizeDuration }}'],
  ['{{ with $labels.cluster -}} on cluster {{ . }} {{- end }}'],
  ['{{ printf `up{instance="%s"}` $labels.instance | query | first | value }}'],
  ['{{ if $labels.instance }}{{ $labels.instance }}{{ else }}no target{{ end }} for 2m.'],
  ['{{ if gt $value 1.0 }}high{{ else if eq $value 0.0 }}zero{{ else }}low{{ end }}'],
  ['{{ range $i, $s := query "up" }}{{ $s.Labels.job }}{{ end }}'],
  ['{{ $x := reReplaceAll "(.*):.*" "$1" $labels.instance }}{{ $x | toUpper }}'],
  ['{{ .Labels.job }} at {{ .Value }} via {{ $externalURL }}{{ $externalLabels.cluster }}'],
  ['{{/* a comment */}}{{- /* trimmed */ -}}'],
  ['{{ index $labels "a-b" | stripPort }}{{ (printf "%d" 3) }}'],
  ["{{ -3 }} {{ 1.5e3 }} {{ 0x1F }} {{ 'c' }}"],
  ['{{ $value', [0, 9]], // unclosed action
  ['{{ $value | humanise }}', [12, 20]], // unknown function
  ['{{ if $value }}x', [3, 5]], // unterminated if
  ['{{ end }}', [3, 6]], // stray end
  ['{{ "abc }}', [3, 10]], // unclosed string literal
  ['{{ `raw }}', [3, 10]], // unclosed raw string
  ['{{ }}', [3, 5]], // empty action
  ['{{ else }}', [3, 7]],
  ['{{ if $value }}a{{ else }}b{{ else }}c{{ end }}', [30, 34]],
  ['{{ $undefined }}', [3, 13]],
  ['{{ if $value }}{{ $x := 1 }}{{ end }}{{ $x }}', [40, 42]], // out of its scope
  ['{{ (printf "%s" $value }}', [3, 4]], // unclosed parenthesis
  ['{{ $value) }}', [9, 10]],
  ['{{ $value | }}'], // Go's parser takes a trailing pipe (promtool agrees)
  ['{{ $value | "text" }}', [12, 18]], // a literal cannot take the piped value
  ['{{ 3x }}', [3, 5]],
  ['{{ # }}', [3, 4]],
  ['{{ /* spaced comment */ }}', [3, 4]],
  ['{{/* unclosed comment }}', [0, 24]],
  ['{{ break }}', [3, 8]],
  ['{{ template name }}', [12, 16]],
  ['{{ $x += 1 }}', [3, 5]], // undefined: Go reads `+` as a number, so `$x` is an operand, not a declaration
  ['{{ $value+2 }}', [3, 10]], // no arithmetic: Go refuses a variable glued to what follows
  ['{{ true.E }}', [3, 9]], // no field of a constant
  ['{{ 1.E }}', [3, 6]], // Go's strconv refuses the number
  ['{{ "\\q" }}', [3, 7]], // nor an unknown escape
  ["{{ '\\\"' }}", [3, 7]], // a character constant escapes only its own quote
  ['{{ $value | urlQueryEscape }}'], // Prometheus 3's functions
  ['{{ with $labels.a }}a{{ else with $labels.b }}b{{ end }}'], // Go 1.23's else with
  ['{{ range $i, $s := query "up" }}{{ if $i }}{{ break }}{{ end }}{{ end }}'],
  ['{{ range $labels }}{{ else }}{{ continue }}{{ end }}', [32, 40]], // the else of a range is outside the loop
  ['{{ $x = 1 }}'], // assigning an undeclared variable fails only when run
  ['{{ define "x" }}a{{ end }}{{ template "x" }}'],
  ['{{ define "__alert_SptHighErrorRate" }}a{{ end }}', [0, 0]], // Prometheus names the annotation's template so

];
for (const [text, problem] of templates) {
  test(`template ${JSON.stringify(text)} ${problem ? 'is refused' : 'parses'}`, () => {
    const findings = checkRuleFile(fixture([], [annotated({ note: text })]), OURS);
    assert.equal(
      findings.map((f) => [f.rule, f.location.position?.from, f.location.position?.to]),
      problem ? [['rules/template', ...problem]] : [],
      show(findings),
    );
  });
}

test('recording rule labels are not templates', () => {
  assert.equal(checkRuleFile(fixture([{ record: 'spt:a:b', expr: 'up', labels: { note: '{{ not a template' } }]), OURS), []);
});

test('checkRuleFile never throws', () => {
  const pieces: unknown[] = [
    null,
    undefined,
    0,
    'x',
    [],
    {},
    true,
    { name: 'g' },
    { rules: [null] },
    { alert: 5 },
    { record: [], expr: {} },
    { alert: 'A', expr: 'up', labels: null, annotations: 'x' },
    { alert: 'A', expr: '(', annotations: { d: '{{' } },
    { name: 1, rules: {} },
  ];
  let seed = 7;
  const next = (): number => (seed = (seed * 1103515245 + 12345) % 2 ** 31);
  const pick = (): unknown => pieces[next() % pieces.length];
  for (let i = 0; i < 2000; i++) {
    const groups = Array.from({ length: next() % 4 }, () => ({
      name: pick(),
      rules: Array.from({ length: next() % 4 }, pick),
      [String(pick())]: pick(),
    }));
    const findings = checkRuleFile(i % 10 === 0 ? pick() : groups, FOREIGN);
    assert.not.ok(ids(findings).includes('rules/internal'), JSON.stringify(groups));
  }
  const texts = [
    '{{',
    '}}',
    '-',
    ' ',
    '$',
    '$x',
    ':=',
    '|',
    '(',
    ')',
    '"',
    '`',
    "'",
    '/*',
    '*/',
    'if',
    'end',
    'else',
    'range',
    '.',
    'a',
    '1',
    '\n',
  ];
  for (let i = 0; i < 3000; i++) {
    const description = Array.from({ length: next() % 16 }, () => texts[next() % texts.length]).join('');
    assert.not.ok(
      ids(checkRuleFile(fixture([], [annotated({ note: description })]), OURS)).includes('rules/internal'),
      description,
    );
  }
});

// Our rendered output: the alerts read the recording rules' series, which load alongside them.
test('our deploy/prometheus rules have no findings', () => {
  const read = (name: string): Group[] =>
    (parseYaml(readFileSync(new URL(`../deploy/prometheus/${name}`, import.meta.url), 'utf8')) as { spec: { groups: Group[] } })
      .spec.groups;
  const recording = read('spt-recording-rules.yaml');
  const recorded = recording.flatMap((g) => (g.rules as Array<{ record: string }>).map((r) => r.record));
  const findings = [
    ...checkRuleFile(recording, { ...OURS, file: 'spt-recording-rules.yaml', checkExpressions: true }),
    ...checkRuleFile(read('spt-alerts.yaml'), {
      ...OURS,
      file: 'spt-alerts.yaml',
      checkExpressions: true,
      recordedElsewhere: recorded,
    }),
  ];
  assert.equal(findings, [], show(findings));
});

// The shared corpus sits next to the repository (../shared); checkouts without it skip this test.
const CORPUS = new URL('../../shared/corpus/', import.meta.url);

if (existsSync(CORPUS)) {
  test('foreign lint: every corpus rule file yields warnings at most', () => {
    let files = 0;
    for (const [folder, groupsPath] of [
      ['rules/', '/groups'],
      ['prometheusrule-crs/', '/spec/groups'],
    ] as const) {
      const dir = new URL(folder, CORPUS);
      for (const name of readdirSync(dir).filter((n) => n.endsWith('.yaml'))) {
        const doc = parseYaml(readFileSync(new URL(name, dir), 'utf8')) as { groups?: unknown; spec?: { groups?: unknown } };
        const groups = groupsPath === '/groups' ? doc.groups : doc.spec?.groups;
        const errors = checkRuleFile(groups, { ...FOREIGN, file: folder + name, groupsPath }).filter(
          (f) => f.severity === 'error',
        );
        assert.equal(errors, [], `${folder}${name}:\n${show(errors)}`);
        files++;
      }
    }
    console.log(`corpus: ${files} rule files linted`);
    assert.ok(files > 0);
  });
} else {
  test('corpus rule lint', () => void hasShared(CORPUS, 'corpus rule lint'));
}

test.run();
