/**
 * lib/render/canonical.ts prints prettier's output without prettier. These tests hold it to that, byte for
 * byte: on the project's own files, on the synthetic scale mixin, on values placed at the 80-column edge, and on
 * generated values full of characters that JSON and YAML treat specially. Where canonical.ts declines
 * (undefined), serialize falls back to prettier, so only its positive answers need checking.
 */
import { format } from 'prettier';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { stringify } from 'yaml';
import { canonicalJson, canonicalYaml } from '../lib/render/canonical.js';
import { serializeAll, type Artifact } from '../lib/render/serialize.js';
import { scaleMixin } from '../lib/scale/mixin.js';
import { scaleArtifacts } from '../lib/scale/run.js';
import { artifacts } from '../lib/spt/deploy.js';
import { sptMixin } from '../lib/spt/mixin.js';

const YAML_OPTIONS = { lineWidth: 0, minContentWidth: 0, aliasDuplicateObjects: false } as const;

const prettierJson = (value: unknown): Promise<string> => format(JSON.stringify(value, null, 2), { parser: 'json' });

/** Whether canonical.ts answers for the artifact itself, rather than leaving it to prettier. */
function handledWithoutPrettier(artifact: Artifact): boolean {
  switch (artifact.format) {
    case 'json':
      return canonicalJson(artifact.data) !== undefined;
    case 'jsonnet':
      return canonicalJson(artifact.data) !== undefined;
    case 'yaml': {
      const documents = Array.isArray(artifact.data) ? artifact.data : [artifact.data];
      return canonicalYaml(`${artifact.header}\n${documents.map((d) => stringify(d, YAML_OPTIONS)).join('---\n')}`) !== undefined;
    }
    case 'text':
      return true;
  }
}

async function assertSameAsPrettier(list: readonly Artifact[]): Promise<void> {
  const fast = await serializeAll(list);
  const reference = await serializeAll(list, { prettier: true });
  for (const artifact of list) {
    assert.ok(handledWithoutPrettier(artifact), `${artifact.path} went to prettier: the fast path should cover it`);
    assert.ok(fast.get(artifact.path) === reference.get(artifact.path), `${artifact.path} differs from prettier's output`);
  }
}

test('every file of deploy/ is byte-equal to prettier, without prettier', async () => {
  await assertSameAsPrettier(artifacts(sptMixin));
  // A config that changes strings, labels and numbers everywhere.
  const custom = sptMixin.withConfig({
    sptSelector: 'job="spt", env=~"prod|stage"',
    dashboardTitle: 'SPT: "prod" & stage',
    ruleLabels: { team: 'pricing' },
    errorRateThreshold: 0.125,
  });
  await assertSameAsPrettier(artifacts(custom));
});

test('the synthetic scale mixin is byte-equal to prettier, without prettier', async () => {
  await assertSameAsPrettier(scaleArtifacts(scaleMixin.withConfig({ dashboards: 2, panels: 5, rules: 100 })));
});

test('arrays at the 80-column edge: joined exactly when prettier joins them', async () => {
  for (const depth of [0, 1, 3]) {
    for (let length = 50; length <= 90; length++) {
      for (const last of [true, false]) {
        // Two strings whose joined line is `length` columns before indentation, key and comma.
        const a = 'a'.repeat(Math.floor(length / 2));
        const b = 'b'.repeat(length - a.length);
        let value: unknown = last ? { key: [a, b] } : { key: [a, b], next: 1 };
        for (let d = 0; d < depth; d++) value = { nested: value };
        const fast = canonicalJson(value);
        assert.ok(fast !== undefined);
        assert.ok(fast === (await prettierJson(value)), `depth ${depth}, length ${length}, last ${last}`);
      }
    }
  }
});

/** A small deterministic generator: the same values on every run, so a failure reproduces. */
function generator(seed: number) {
  let state = seed;
  const random = (): number => {
    state = (state * 1103515245 + 12345) % 2147483648;
    return state / 2147483648;
  };
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)] as T;
  const chars = [...'abxZ01  -_./:#"\'\\{}[],?|>&*!%@`$=~', 'é', 'ß', 'ñ', '\u00a0', '日', '\u3000', '😀', 'e\u0301', '\u2028', '\n', '\t'];
  const text = (): string => Array.from({ length: Math.floor(random() * (random() < 0.1 ? 60 : 12)) }, () => pick(chars)).join('');
  const keys = ['name', 'expr', 'for', 'labels', 'a.b/c', 'x-y', 'with space', '"q"', '1', 'true', '', 'é', 'key:x', '#k'];
  const numbers = [0, 1, -1, 42, 0.05, 1.5, -2.25, 1e21, 1e-7, 123456789];
  const scalars = [() => text(), () => pick(numbers), () => random() < 0.5, () => null, () => pick(['job="api"', 'sum(rate(x{a="b"}[5m])) > 0', '{{ $value }} is high.', '5m', 'yes', '123'])];
  const value = (depth: number): unknown => {
    const r = random();
    if (depth > 3 || r < 0.35) return pick(scalars)();
    if (r < 0.65) {
      const object: Record<string, unknown> = {};
      for (let i = Math.floor(random() * 5); i > 0; i--) object[random() < 0.7 ? pick(keys.slice(0, 6)) : pick(keys)] = value(depth + 1);
      return object;
    }
    const kind = random();
    return Array.from({ length: Math.floor(random() * (random() < 0.2 ? 20 : 5)) }, () =>
      kind < 0.2 ? pick(numbers) : kind < 0.4 ? text() : value(depth + 1),
    );
  };
  return value;
}

test('generated values: every JSON and YAML text the fast path accepts is byte-equal to prettier', async () => {
  const value = generator(20261129);
  let json = 0;
  let yaml = 0;
  for (let i = 0; i < 600; i++) {
    const v = value(0);
    const fast = canonicalJson(v);
    if (fast !== undefined) {
      json++;
      assert.ok(fast === (await prettierJson(v)), `JSON differs from prettier for ${JSON.stringify(v)}`);
    }
    if (v === null || typeof v !== 'object') continue;
    const text = `# header\n${stringify(v, YAML_OPTIONS)}`;
    const fastYaml = canonicalYaml(text);
    if (fastYaml !== undefined) {
      yaml++;
      assert.ok(fastYaml === (await format(text, { parser: 'yaml' })), `YAML differs from prettier for ${JSON.stringify(v)}`);
    }
  }
  // The generator must exercise the fast path, not only the fallback.
  assert.ok(json > 300 && yaml > 100, `fast path taken for ${json} JSON and ${yaml} YAML values`);
});

test('what the fast path does not know goes to prettier: exponents, matrices, long number lists, non-ASCII arrays', () => {
  assert.is(canonicalJson({ big: 1e21 }), undefined);
  assert.is(canonicalJson({ matrix: [[1, 2], [3, 4]] }), undefined);
  assert.is(canonicalJson({ numbers: Array.from({ length: 40 }, (_, i) => i * 1000) }), undefined);
  assert.is(canonicalJson({ words: ['日本', 'x'] }), undefined);
  assert.is(canonicalYaml('key: |-\n  two\n  lines\n'), undefined);
  assert.is(canonicalYaml('key: "escaped \\" quote"\n'), undefined);
  // And what it does know, it answers.
  assert.is(canonicalJson({ a: [1, 2], b: {}, c: [] }), '{\n  "a": [1, 2],\n  "b": {},\n  "c": []\n}\n');
});

test.run();
