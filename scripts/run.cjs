// Runs a bundled entry point of dist/, rebuilding the bundles first when a source has changed since:
//
//   node scripts/run.cjs cli render [--out DIR ...]      what `npm run render` does
//   node scripts/run.cjs scale --dashboards 10 ...       what `npm run scale` does
'use strict';
const { isFresh, runBundle } = require('./dist.cjs');

async function run() {
  const [entry, ...argv] = process.argv.slice(2);
  if (!isFresh()) await (await import('./build.mjs')).build();
  process.exitCode = await runBundle(entry, argv);
}

run().catch((error) => {
  console.error(error);
  process.exitCode = 2;
});
