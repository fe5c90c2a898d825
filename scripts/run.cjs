// Runs a bundled entry point of dist/, rebuilding the bundles first when a source has changed since:
//
//   node scripts/run.cjs cli render [--out DIR ...]      what `npm run render` does
//   node scripts/run.cjs scale --dashboards 10 ...       what `npm run scale` does
'use strict';
const { join } = require('node:path');
const { runBundle } = require('../bin/run-bundle.cjs');
const { DIST, ENTRIES, isFresh } = require('./dist.cjs');

async function run() {
  const [entry, ...argv] = process.argv.slice(2);
  if (!Object.hasOwn(ENTRIES, entry ?? '')) {
    console.error(`usage: node scripts/run.cjs <${Object.keys(ENTRIES).join('|')}> [ARGS...]`);
    process.exitCode = 2;
    return;
  }
  if (!isFresh()) await (await import('./build.mjs')).build();
  // npm runs scripts in the package's folder; INIT_CWD is where the user typed the command, and their paths are from there.
  const invocation = { cwd: process.env.INIT_CWD ?? process.cwd(), via: 'npm' };
  process.exitCode = await runBundle(join(DIST, `${entry}.cjs`), argv, invocation);
}

// The commands report their own errors; what reaches here is a failed build or a bug, said in one line.
run().catch((error) => {
  console.error(`error: ${error instanceof Error ? error.message : String(error)}`);
  process.exitCode = 2;
});
