import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { TARGETS, generateOutputs } from '../scripts/gen-schemas.js';

for (const target of TARGETS) {
  test(`${basename(target.schemaFile)} and its validator are what scripts/gen-schemas.ts generates`, () => {
    const { schema, validator } = generateOutputs(target);
    assert.ok(schema === readFileSync(target.schemaFile, 'utf8'), `${target.schemaFile} is stale: run npm run gen:schema`);
    assert.ok(validator === readFileSync(target.validatorFile, 'utf8'), `${target.validatorFile} is stale: run npm run gen:schema`);
  });
}

test.run();
