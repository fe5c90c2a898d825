/**
 * Agreement with Go's own text/template parser tests (../shared/reference-suites/go-template.jsonl): each case
 * is parsed with the function set Go's test registers (`printf`, `contains` and the builtins), and our verdict
 * must equal Go's. Cases that fail only because Go's test lowers the nesting limit to 3 are out of scope and
 * counted apart. Skips without ../shared; fails under CI=true, where a skip would be a green run that tested nothing.
 */
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { GO_BUILTIN_FUNCTIONS, goTemplateProblem } from '../lib/check/go-template.js';

const suite = fileURLToPath(new URL('../../shared/reference-suites/go-template.jsonl', import.meta.url));

interface Case {
  template: string;
  valid: boolean;
  errMsg: string | null;
  source: string;
  needs: string[];
}

const GO_TEST_FUNCTIONS: ReadonlySet<string> = new Set(['printf', 'contains', ...GO_BUILTIN_FUNCTIONS]);
const OUT_OF_SCOPE = 'go-test-maxStackDepth=3';

function readCases(): Case[] {
  return readFileSync(suite, 'utf8')
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => JSON.parse(line) as Case);
}

if (!existsSync(suite) && process.env.CI === 'true') {
  test('the Go template reference suite is present', () => {
    assert.unreachable(`${suite} is absent: the agreement with Go's parser tests cannot be checked`);
  });
} else if (!existsSync(suite)) {
  console.log(`skipped: Go template reference suite (${suite} is absent)`);
} else {
  test("our verdict equals Go's on every case of Go's template parser tests", () => {
    const cases = readCases();
    const inScope = cases.filter((c) => !c.needs.includes(OUT_OF_SCOPE));
    const disagreements = inScope.flatMap((c) => {
      const problem = goTemplateProblem(c.template, { functions: GO_TEST_FUNCTIONS, name: 'test' });
      if ((problem === undefined) === c.valid) return [];
      const ours = problem ? `refused: ${problem.message}` : 'accepted';
      const go = c.valid ? 'accepted' : `refused${c.errMsg ? `: ${c.errMsg}` : ''}`;
      return [`${JSON.stringify(c.template)}: Go ${go}; we ${ours} (${c.source})`];
    });
    console.log(
      `go-template suite: ${inScope.length - disagreements.length}/${inScope.length} agree; ` +
        `${cases.length - inScope.length} out of scope (${OUT_OF_SCOPE})`,
    );
    assert.ok(cases.length >= 161, `${cases.length} cases read`);
    assert.ok(inScope.some((c) => c.valid) && inScope.some((c) => !c.valid), 'the suite holds both verdicts');
    assert.equal(disagreements, [], `${disagreements.length} disagreements:\n${disagreements.join('\n')}`);
  });

  test('an error carries an offset inside the template', () => {
    for (const c of readCases().filter((c) => !c.valid && !c.needs.includes(OUT_OF_SCOPE))) {
      const problem = goTemplateProblem(c.template, { functions: GO_TEST_FUNCTIONS });
      assert.ok(problem, c.template);
      assert.ok(problem.from >= 0 && problem.from <= problem.to && problem.to <= c.template.length, `${JSON.stringify(c.template)}: ${problem.from}-${problem.to}`);
    }
  });
}

test.run();
