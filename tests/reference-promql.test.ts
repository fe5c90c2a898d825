/**
 * Agreement with the references' own test tables (../shared/reference-suites, see its README): Prometheus 3.14's
 * parser tests and the RE2 syntax tests of the regexp package Prometheus uses. Every case's verdict must equal
 * ours; a failure lists every disagreement. PromQL goes through checkExpr without a catalogue, the path
 * `npm run lint` takes for a rule expression. Each regex is checked as config gives it (the `re()` matcher and
 * the config's selector) and inside an expression, where Prometheus compiles it while parsing.
 * Skips without ../shared; fails without it under CI=true.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { checkExpr } from '../lib/check/promql.js';
import { re } from '../lib/engine/promql.js';
import { parseSelector } from '../lib/engine/selector.js';

const suites = join(import.meta.dirname, '..', '..', 'shared', 'reference-suites');

interface PromqlCase {
  expr: string;
  valid: boolean;
  errMsg: string | null;
  source: string;
  needs: string[];
}

interface Re2Case {
  regex: string;
  valid: boolean;
  source: string;
}

/** The suite's `needs` names and the `--enable-feature` flags Prometheus users know them by. */
const FLAGS: Readonly<Record<string, string>> = {
  'experimental-functions': 'promql-experimental-functions',
  'duration-expr': 'promql-duration-expr',
};

function read<T>(file: string): T[] {
  return readFileSync(join(suites, file), 'utf8')
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => JSON.parse(line) as T);
}

/** Our verdict on an expression: no error finding; and the feature flags our warnings name. */
function verdict(expr: string): { valid: boolean; flags: string[]; errors: string[] } {
  const findings = checkExpr(expr, {});
  const errors = findings.filter((f) => f.severity === 'error').map((f) => `${f.rule}: ${f.message}`);
  const flags = findings
    .filter((f) => f.severity === 'warning' && f.rule === 'promql/feature-flag')
    .map((f) => /--enable-feature=([\w-]+)/.exec(f.message)?.[1] ?? f.message);
  return { valid: errors.length === 0, flags, errors };
}

function accepts(run: () => unknown): boolean {
  try {
    run();
    return true;
  } catch {
    return false;
  }
}

function report(disagreements: string[], total: number, what: string): void {
  assert.ok(disagreements.length === 0, `${disagreements.length} of ${total} ${what} disagree:\n${disagreements.join('\n')}`);
}

if (!existsSync(suites)) {
  test('reference suites', () => {
    if (process.env.CI === 'true') assert.unreachable(`${suites} is required in CI`);
    console.log('skipped: ../shared/reference-suites is absent');
  });
} else {
  test('PromQL: every case of Prometheus 3.14 parse_test.go gets Prometheus\'s verdict', () => {
    const cases = read<PromqlCase>('promql-parse.jsonl');
    assert.ok(cases.length >= 351, `the suite holds its cases (${cases.length})`);
    const disagreements: string[] = [];
    for (const c of cases) {
      const ours = verdict(c.expr);
      const flags = c.needs.map((need) => FLAGS[need] ?? need);
      if (ours.valid !== c.valid) {
        const why = c.valid ? `refused: ${ours.errors.join('; ')}` : `accepted; Prometheus: ${c.errMsg}`;
        disagreements.push(`${JSON.stringify(c.expr)} (${c.source}): ${why}`);
      } else if (c.valid && flags.some((flag) => !ours.flags.includes(flag))) {
        disagreements.push(`${JSON.stringify(c.expr)} (${c.source}): no warning naming --enable-feature=${flags.join(',')}`);
      } else if (c.valid && flags.length === 0 && ours.flags.length > 0) {
        disagreements.push(`${JSON.stringify(c.expr)} (${c.source}): needs no flag, but we warn of ${ours.flags.join(', ')}`);
      }
    }
    report(disagreements, cases.length, 'PromQL cases');
  });

  test('RE2: every case of the regexp syntax tests, in config and inside an expression', () => {
    const cases = read<Re2Case>('re2.jsonl');
    assert.ok(cases.length >= 237, `the suite holds its cases (${cases.length})`);
    const disagreements: string[] = [];
    for (const c of cases) {
      const literal = JSON.stringify(c.regex);
      const ours = {
        matcher: accepts(() => re('l', c.regex)),
        config: accepts(() => parseSelector(`l=~${literal}`)),
        expression: verdict(`up{l=~${literal}}`).valid,
      };
      for (const [where, valid] of Object.entries(ours)) {
        if (valid !== c.valid) disagreements.push(`${literal} (${c.source}) as ${where}: ${valid ? 'accepted' : 'refused'}, Go: ${c.valid ? 'valid' : 'invalid'}`);
      }
    }
    report(disagreements, cases.length, 'regex cases');
  });
}

test.run();
