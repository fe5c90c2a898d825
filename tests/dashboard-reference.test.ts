/**
 * The generated dashboard against Grafana's published schema (../shared/reference), which is stricter than the
 * one derived from @grafana/schema: it rejects the legacy and defaulted fields real dashboards carry, so passing
 * it shows the generator controls its own output. Skips when ../shared is absent (a user's clone).
 */
import { readFileSync } from 'node:fs';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { hasShared } from './helpers.js';
import { Ajv } from 'ajv';
import addFormatsModule from 'ajv-formats';
import mixin from 'spt-mixin';

const REFERENCE = new URL('../../shared/reference/grafana-dashboard.jsonschema.json', import.meta.url);
// CommonJS default export: under NodeNext the function is the module's `default`.
const addFormats = addFormatsModule as unknown as { default: (ajv: Ajv) => Ajv };

test("the dashboard passes Grafana's published dashboard schema", () => {
  if (!hasShared(REFERENCE, "Grafana's published schema")) return;
  // As ../shared/reference/README.md says the schema is meant to be compiled.
  const ajv = new Ajv({ allErrors: true, strict: true });
  addFormats.default(ajv);
  ajv.addKeyword('x-deprecation-message');
  const validate = ajv.compile(JSON.parse(readFileSync(REFERENCE, 'utf8')));
  for (const [file, dashboard] of Object.entries(mixin.grafanaDashboards)) {
    const ok = validate(dashboard);
    assert.ok(ok, `${file}: ${JSON.stringify(validate.errors?.slice(0, 5), null, 1)}`);
  }
  assert.not.ok(validate({ title: 1, panels: 'x' }), 'the schema does reject a broken dashboard');
});

test.run();
