/**
 * Mutation fuzz against promtool: the project's own rule and panel expressions, mutated (operators swapped,
 * brackets dropped or added, modifiers moved, durations, numbers, functions and matchers changed, tokens dropped
 * or repeated) with a fixed seed, must each get promtool's verdict from our PromQL check. All mutants go into one
 * rule file, a group each; promtool names every group whose expression it refuses.
 *
 * promtool here is Debian's 2.42; the checks follow Prometheus 3.14. Mutants whose verdict legitimately differs
 * between the two are left out, each kind named in VERSION_DIFFERENCES.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import mixin from 'spt-mixin';
import { checkExpr } from '../lib/check/promql.js';
import { substituteGrafanaVariables } from '../lib/check/promql-parse.js';
import { pick, random } from './helpers.js';

const MUTANTS = 600;

/** Every `expr` in the rules and the dashboard; Grafana's variables replaced as the checks replace them. */
function ownExpressions(): string[] {
  const found = new Set<string>();
  const walk = (value: unknown): void => {
    if (Array.isArray(value)) value.forEach(walk);
    else if (value && typeof value === 'object') {
      for (const [key, inner] of Object.entries(value)) {
        if (key === 'expr' && typeof inner === 'string' && inner.trim() !== '') found.add(substituteGrafanaVariables(inner));
        else walk(inner);
      }
    }
  };
  walk([mixin.prometheusRules, mixin.prometheusAlerts, mixin.grafanaDashboards]);
  return [...found];
}

const TOKEN = /"(?:[^"\\]|\\.)*"|\d+(?:ms|[smhdwy])(?:\d+(?:ms|[smhdwy]))*|\d*\.?\d+(?:e[+-]?\d+)?|[a-zA-Z_:][\w:]*|==|!=|>=|<=|=~|!~|\s+|./g;
const DURATION = /^\d+(?:ms|[smhdwy])/;
const NUMBER = /^\d*\.?\d+(?:e[+-]?\d+)?$/;
const OPERATORS = ['+', '-', '*', '/', '%', '^', '==', '!=', '>', '<', '>=', '<=', ' and ', ' or ', ' unless ', ' > bool ', ' atan2 '];
// Functions both promtool 2.42 and Prometheus 3.14 know, with their argument types.
const FUNCTIONS = ['rate', 'irate', 'increase', 'delta', 'deriv', 'sum_over_time', 'max_over_time', 'changes', 'abs', 'ceil', 'sqrt', 'absent', 'timestamp', 'vector', 'scalar', 'time', 'histogram_quantile', 'predict_linear', 'sort', 'clamp_min', 'round', 'sum', 'max', 'topk', 'count_values', 'quantile'];
const DURATIONS = ['0s', '5mm', '1h30m', '30s', '1d', '0', '5m1h', '1y', '300ms', '1m1m', '-5m', '5m:1m', '5m:'];
const NUMBERS = ['5.', '.5', '0x1f', '1e3', 'Inf', 'NaN', '-1', '1e400', '0', '1_0', '5e'];
const STRINGS = ['"("', '".*"', '""', '"x{1001}"', '"a)(b"', '"\\\\d"', '"\\\\q"', '"(?i)x"', '"a{2}{3}"', "'x'", '`x`'];
const INSERTS = [' offset 5m', ' @ 100', ' @ start()', '[5m]', '[5m:1m]', ' bool', ' by (job)', ' without (job)', ' on (job)', ' group_left', '{job="x"}', '{}', ',', '1', 'up', ' offset -1m', ' @ NaN', '(', ')'];

type Mutation = (tokens: string[], r: () => number) => void;

const significant = (tokens: string[]): number[] => tokens.flatMap((t, i) => (/^\s+$/.test(t) ? [] : [i]));
const matching = (tokens: string[], test: (t: string) => boolean): number[] => tokens.flatMap((t, i) => (test(t) ? [i] : []));

function replaceOne(tokens: string[], r: () => number, which: (t: string) => boolean, by: readonly string[]): void {
  const at = matching(tokens, which);
  if (at.length > 0) tokens[pick(r, at)] = pick(r, by);
}

const MUTATIONS: readonly Mutation[] = [
  (t, r) => replaceOne(t, r, (x) => /^(?:[-+*/%^<>]|==|!=|>=|<=|and|or|unless)$/.test(x), OPERATORS),
  (t, r) => replaceOne(t, r, (x) => /^[()[\]{}]$/.test(x), ['']),
  (t, r) => t.splice(pick(r, significant(t)) ?? 0, 0, pick(r, ['(', ')', '[', ']', '{', '}'])),
  (t, r) => {
    // Move a modifier: take `offset <d>` or `@ <n>` out and put it after another token.
    const at = matching(t, (x) => x === 'offset' || x === '@');
    if (at.length === 0) return t.splice(pick(r, significant(t)) ?? 0, 0, pick(r, INSERTS));
    const from = pick(r, at);
    const moved = t.splice(from, 3).join('');
    t.splice(pick(r, significant(t)) ?? 0, 0, ` ${moved} `);
  },
  (t, r) => replaceOne(t, r, (x) => DURATION.test(x), DURATIONS),
  (t, r) => replaceOne(t, r, (x) => NUMBER.test(x), NUMBERS),
  (t, r) => replaceOne(t, r, (x) => /^[a-z_]+$/.test(x) && x !== 'by' && x !== 'without', FUNCTIONS),
  (t, r) => replaceOne(t, r, (x) => x.startsWith('"'), STRINGS),
  (t, r) => replaceOne(t, r, (x) => ['=', '!=', '=~', '!~'].includes(x), ['=', '!=', '=~', '!~', '==', '~']),
  (t, r) => t.splice(pick(r, significant(t)) ?? 0, 1),
  (t, r) => {
    const at = pick(r, significant(t)) ?? 0;
    t.splice(at, 0, t[at] ?? '');
  },
  (t, r) => t.splice(pick(r, significant(t)) ?? 0, 0, pick(r, INSERTS)),
  (t, r) => replaceOne(t, r, (x) => x === 'by' || x === 'without' || x === 'on' || x === 'ignoring', ['by', 'without', 'on', 'ignoring', 'group_left', 'bool']),
];

function mutate(expr: string, r: () => number): string {
  const tokens = expr.match(TOKEN) ?? [];
  for (let n = 1 + Math.floor(r() * 2); n > 0; n--) pick(r, MUTATIONS)(tokens, r);
  return tokens.join('');
}

/**
 * Where promtool 2.42 and Prometheus 3.14 legitimately disagree, so promtool cannot judge the mutant for us:
 * - quoted (UTF-8) metric and label names, `{"name"}`: new in 3.0;
 * - numbers where a duration stands (`x[90]`, `offset 1.5`) and durations where a number stands (`x > 1h`): 3.x;
 * - `_` inside numbers (`1_000`): 3.x's lexer;
 * - whatever needs a feature flag (our warning): 2.42 has none of these features;
 * - `offset` as a metric name: 2.42's grammar does not list it among the metric identifiers.
 */
function versionDifference(mutant: string): string | undefined {
  const text = mutant.replace(/"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*'|`[^`]*`/g, (s) => (s.length > 2 ? '"s"' : s));
  if (/[{,(]\s*"s"/.test(text) || /"s"\s*[=!]/.test(text)) return 'quoted names';
  if (/\[\s*-?[\d.]+(?:e\d+)?\s*[:\]]|:\s*[\d.]+\s*\]|offset\s+-?[\d.]+(?![\d.]*(?:ms|[smhdwy]))/.test(text)) return 'numbers as durations';
  if (/(?:^|[^\w[:])\d+(?:ms|[smhdwy])(?![\w\]])/.test(text.replace(/\[[^\]]*\]|offset\s+-?\S+/g, ''))) return 'durations as numbers';
  if (/\d_\d/.test(text)) return 'underscores in numbers';
  if (/(?:^|[^\w])offset\s*(?:\{|$|[^\s\d-])/.test(text)) return 'offset as a name';
  if (checkExpr(mutant, {}).some((f) => f.rule === 'promql/feature-flag')) return 'feature flags';
  return undefined;
}

test(`${MUTANTS} mutants of our own expressions: our verdict is promtool's`, () => {
  const probe = spawnSync('promtool', ['--version']);
  if (probe.error) {
    if (process.env.CI === 'true') assert.unreachable("promtool is required in CI (Debian package 'prometheus')");
    console.log('promtool not found: skipping the PromQL mutation fuzz');
    return;
  }
  const sources = ownExpressions();
  assert.ok(sources.length >= 20, `the mixin's expressions are found (${sources.length})`);
  const r = random(9);
  const mutants: string[] = [];
  const seen = new Set<string>();
  const excluded = new Map<string, number>();
  for (let attempts = 0; mutants.length < MUTANTS && attempts < MUTANTS * 20; attempts++) {
    const mutant = mutate(pick(r, sources), r);
    if (seen.has(mutant) || mutant.trim() === '') continue;
    seen.add(mutant);
    const difference = versionDifference(mutant);
    if (difference) excluded.set(difference, (excluded.get(difference) ?? 0) + 1);
    else mutants.push(mutant);
  }
  const dir = mkdtempSync(join(tmpdir(), 'spt-mutants-'));
  try {
    const file = join(dir, 'mutants.yaml');
    const groups = mutants.map((expr, i) => ({ name: `m${i}`, rules: [{ record: 'mutant:test:sum', expr }] }));
    writeFileSync(file, JSON.stringify({ groups }));
    const run = spawnSync('promtool', ['check', 'rules', file], { encoding: 'utf8', maxBuffer: 64 << 20 });
    const refusedByPromtool = new Set([...(run.stdout + run.stderr).matchAll(/group "m(\d+)"/g)].map((m) => Number(m[1])));
    const disagreements: string[] = [];
    mutants.forEach((expr, i) => {
      const ours = checkExpr(expr, {}).filter((f) => f.severity === 'error');
      const promtoolValid = !refusedByPromtool.has(i);
      if ((ours.length === 0) !== promtoolValid) {
        const why = promtoolValid ? `we refuse (${ours.map((f) => `${f.rule}: ${f.message}`).join('; ')})` : 'we accept, promtool refuses';
        disagreements.push(`${JSON.stringify(expr)}: ${why}`);
      }
    });
    const refused = refusedByPromtool.size;
    console.log(`mutants: ${mutants.length} checked (${refused} refused by promtool); left out for version differences: ${JSON.stringify(Object.fromEntries(excluded))}`);
    assert.ok(refused > mutants.length / 4 && refused < mutants.length, `the mutants exercise both verdicts (${refused} of ${mutants.length} refused)`);
    assert.ok(disagreements.length === 0, `${disagreements.length} mutants disagree with promtool:\n${disagreements.join('\n')}`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test.run();
