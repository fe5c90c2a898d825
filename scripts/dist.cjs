// The bundles in dist/ (made by build.mjs): whether they are current with the sources. CommonJS, and free of
// dependencies, because it runs on every command before anything else (bin/run-bundle.cjs then runs the bundle).
'use strict';
const { readdirSync, readFileSync, statSync } = require('node:fs');
const { join, relative } = require('node:path');

const ROOT = join(__dirname, '..');
const DIST = join(ROOT, 'dist');
const STAMP = join(DIST, 'sources.json');

/** dist/<name>.cjs for each entry; each exports `main(argv, io?, invocation?): Promise<number>`. */
const ENTRIES = { cli: 'lib/cli/commands.ts', scale: 'lib/scale/run.ts' };

/** What the bundles are made of: every file under lib/, the locked dependencies, and the build itself. */
const INPUTS = ['lib', 'package-lock.json', 'tsconfig.json', 'scripts/build.mjs', 'scripts/dist.cjs'];

function collect(path, out) {
  const stat = statSync(path, { throwIfNoEntry: false });
  if (!stat) return;
  if (stat.isDirectory()) {
    for (const name of readdirSync(path).sort()) collect(join(path, name), out);
  } else {
    out.push(`${relative(ROOT, path)} ${stat.size} ${stat.mtimeMs}`);
  }
}

/** Names, sizes and modification times of the inputs: any edit, addition or removal changes it. */
function sourcesFingerprint() {
  const lines = [];
  for (const input of INPUTS) collect(join(ROOT, input), lines);
  return lines.join('\n');
}

/** True when dist/ was built from the sources as they are now (about 1 ms for ~70 files). */
function isFresh() {
  try {
    return readFileSync(STAMP, 'utf8') === sourcesFingerprint();
  } catch {
    return false;
  }
}

module.exports = { ROOT, DIST, STAMP, ENTRIES, sourcesFingerprint, isFresh };
