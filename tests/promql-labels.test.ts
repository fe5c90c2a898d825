/**
 * The label model against Prometheus itself: for each expression, the labels the model says the output carries
 * are written by hand, and promtool evaluates the expression over series that carry every label the catalogue
 * lists, so its answer is the exact set. Both must agree with the table.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { stringify } from 'yaml';
import { Series, catalogueOf } from '../lib/engine/catalogue.js';
import { canCarry, outputLabels } from '../lib/check/promql-labels.js';
import { parsePromql } from '../lib/check/promql-parse.js';

const catalogue = catalogueOf([
  new Series('x_bucket', 'gauge', ['job', 'instance', 'env', 'le'], 'A histogram bucket.'),
  new Series('y', 'gauge', ['job', 'instance', 'env'], 'A gauge.'),
  new Series('rec:y', 'gauge', ['env'], 'A recorded sum by env.'),
]);
const inputs = [
  { series: 'x_bucket{job="a", instance="i", env="p", le="1"}', values: '1x10' },
  { series: 'x_bucket{job="a", instance="i", env="p", le="+Inf"}', values: '2x10' },
  { series: 'y{job="a", instance="i", env="p"}', values: '1x10' },
  { series: 'rec:y{env="p"}', values: '1x10' },
];

/** Expression, and the labels its output carries (always all present in the inputs above). */
const table: Array<[string, string[]]> = [
  ['y', ['job', 'instance', 'env']],
  ['sum(y)', []],
  ['sum by (env) (y)', ['env']],
  ['sum by (env, missing) (y)', ['env']],
  ['max without (instance) (y)', ['job', 'env']],
  ['topk by (env) (1, y)', ['job', 'instance', 'env']],
  ['count_values("v", y)', ['v']],
  ['count_values by (env) ("v", y)', ['env', 'v']],
  ['rate(y[5m]) >= 0', ['job', 'instance', 'env']],
  ['2 * y', ['job', 'instance', 'env']],
  ['y > bool 0', ['job', 'instance', 'env']],
  ['y / on (env) rec:y', ['env']],
  ['y / ignoring (instance, job) rec:y', ['env']],
  ['y / on (env) group_left rec:y', ['job', 'instance', 'env']],
  ['rec:y / on (env) group_right y', ['job', 'instance', 'env']],
  ['rec:y * on (env) group_left (job) y', ['env', 'job']],
  ['rec:y and on (env) y', ['env']],
  ['rec:y or y', ['job', 'instance', 'env']],
  ['absent(nothing{job="a", env=~"p"})', ['job']],
  ['absent_over_time(nothing{env="q"}[5m])', ['env']],
  ['label_replace(rec:y, "cluster", "c-$1", "env", "(.*)")', ['env', 'cluster']],
  ['label_join(sum by (env) (y), "joined", ",", "env")', ['env', 'joined']],
  ['histogram_quantile(0.9, sum by (env, le) (rate(x_bucket[5m])))', ['env']],
  ['vector(1)', []],
  ['(max_over_time(y[1h] offset 1m))', ['job', 'instance', 'env']],
  ['group by (env) (max_over_time(y[1h])) unless group by (env) (nothing)', ['env']],
  ['sum(y) or vector(0)', []],
];

test('the model gives each expression exactly the labels in the table', () => {
  for (const [expr, labels] of table) {
    const got = outputLabels(parsePromql(expr), catalogue);
    assert.ok(got && !got.open, `${expr}: the model does not know its labels`);
    assert.equal([...got.names].sort(), [...labels].sort(), expr);
  }
});

test('a metric outside the catalogue leaves the labels open; a by() clause closes them again', () => {
  const open = outputLabels(parsePromql('unknown_metric / y'), catalogue)!;
  assert.ok(open.open && canCarry(open, 'anything'));
  const closed = outputLabels(parsePromql('sum by (env) (unknown_metric)'), catalogue)!;
  assert.ok(!closed.open && canCarry(closed, 'env') && !canCarry(closed, 'instance'));
  assert.is(outputLabels(parsePromql('sum(('), catalogue), undefined);
});

const promtoolFound = (spawnSync('promtool', ['--version']).error as NodeJS.ErrnoException | undefined)?.code !== 'ENOENT';

test('promtool evaluates each expression to series with exactly the labels in the table', () => {
  if (!promtoolFound) {
    assert.ok(process.env.CI !== 'true', 'promtool is required in CI: install the Debian package `prometheus`');
    return;
  }
  const dir = mkdtempSync(join(tmpdir(), 'spt-labels-'));
  try {
    // An empty expectation fails each case, and promtool then prints the series it got.
    const tests = [{ interval: '1m', input_series: inputs, promql_expr_test: table.map(([expr]) => ({ expr, eval_time: '8m', exp_samples: [] })) }];
    writeFileSync(join(dir, 'labels.test.yaml'), stringify({ rule_files: [], evaluation_interval: '1m', tests }));
    const r = spawnSync('promtool', ['test', 'rules', 'labels.test.yaml'], { cwd: dir, encoding: 'utf8' });
    const output = `${r.stdout}${r.stderr}`;
    const blocks = output.split(/^\s*expr: /m).slice(1);
    assert.is(blocks.length, table.length, output);
    table.forEach(([expr, labels], i) => {
      const block = blocks[i]!;
      assert.ok(block.startsWith(JSON.stringify(expr)), `promtool's answers are out of order at ${expr}:\n${block}`);
      const got = /got: (.*)/.exec(block)?.[1] ?? '';
      const names = new Set([...got.matchAll(/([a-zA-Z_]\w*)="/g)].map((m) => m[1]!).filter((n) => n !== '__name__'));
      assert.ok(got.includes('{'), `${expr}: promtool returned no series:\n${block}`);
      assert.equal([...names].sort(), [...labels].sort(), `${expr}: promtool got ${got}`);
    });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test.run();
