// Runs a command bundle of dist/ (made by scripts/build.mjs) with V8's code cache. Shipped in the package: the
// installed `spt-mixin` and this repository's npm scripts start the same way. CommonJS and free of
// dependencies, because it runs before anything else: an ES module entry would cost Node's ESM loader (~10 ms).
'use strict';
const { mkdirSync, readFileSync, renameSync, writeFileSync } = require('node:fs');
const Module = require('node:module');
const { dirname } = require('node:path');
const vm = require('node:vm');

/**
 * Runs `file`, which exports `main(argv, io, invocation): Promise<number>`, and returns its exit code. V8 keeps
 * the compiled code of a script, the functions compiled while it ran included, in `<file>.cache`; later starts
 * skip parsing and compiling the 1.4 MB bundle (Node 20 has no module compile cache of its own). A cache from
 * another build or another Node is rejected by V8 and replaced.
 */
async function runBundle(file, argv, invocation) {
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
    // `undefined`: the console is the command's output.
    return await module.exports.main(argv, undefined, invocation);
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
    // A cache is an optimisation: a read-only install runs without one.
  }
}

module.exports = { runBundle };
