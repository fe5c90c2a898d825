// The bundles in dist/ (made by build.mjs) and how they are loaded: whether they are current with the sources,
// and running one with V8's code cache. CommonJS, and free of dependencies, because it runs on every command
// before anything else: an ES module entry would cost Node's ESM loader (~10 ms) on every start.
'use strict';
const { mkdirSync, readdirSync, readFileSync, renameSync, statSync, writeFileSync } = require('node:fs');
const Module = require('node:module');
const { dirname, join, relative } = require('node:path');
const vm = require('node:vm');

const ROOT = join(__dirname, '..');
const DIST = join(ROOT, 'dist');
const STAMP = join(DIST, 'sources.json');

/** dist/<name>.cjs for each entry; each exports `main(argv): Promise<number>`. */
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

/**
 * Runs dist/<name>.cjs. V8 keeps the compiled code of a script, the functions compiled while it ran included,
 * in dist/<name>.cjs.cache; later starts skip parsing and compiling the 1.4 MB bundle (Node 20 has no module
 * compile cache of its own). A cache from another build or another Node is rejected by V8 and replaced.
 */
async function runBundle(name, argv) {
  const file = join(DIST, `${name}.cjs`);
  const cacheFile = `${file}.cache`;
  let cachedData;
  try {
    cachedData = readFileSync(cacheFile);
  } catch {
    cachedData = undefined;
  }
  // No import() inside: build.mjs turns the bundle's lazy imports into require(), which a script can call.
  const script = new vm.Script(Module.wrap(readFileSync(file, 'utf8')), { filename: file, cachedData });
  const module = { exports: {}, filename: file };
  script.runInThisContext().call(module.exports, module.exports, Module.createRequire(file), module, file, dirname(file));
  try {
    return await module.exports.main(argv);
  } finally {
    if (cachedData === undefined || script.cachedDataRejected) writeCache(cacheFile, script.createCachedData());
  }
}

function writeCache(path, data) {
  const temp = `${path}.${process.pid}.tmp`;
  try {
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(temp, data);
    renameSync(temp, path);
  } catch {
    // A cache is an optimisation: a read-only checkout runs without one.
  }
}

module.exports = { ROOT, DIST, STAMP, ENTRIES, sourcesFingerprint, isFresh, runBundle };
