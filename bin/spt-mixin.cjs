#!/usr/bin/env node
// `npx spt-mixin render | validate | check | lint`: the command bundle, with paths taken from where it is run.
'use strict';
const { existsSync } = require('node:fs');
const { join } = require('node:path');
const { runBundle } = require('./run-bundle.cjs');

const root = join(__dirname, '..');
const dev = join(root, 'scripts', 'dist.cjs');

async function run() {
  // In a checkout of this repository (npm link, a file: dependency) the bundle follows the sources.
  if (existsSync(dev)) {
    const { isFresh } = require(dev);
    if (!isFresh()) await (await import('../scripts/build.mjs')).build();
  }
  process.exitCode = await runBundle(join(root, 'dist', 'cli.cjs'), process.argv.slice(2), { cwd: process.cwd(), via: 'npx' });
}

run().catch((error) => {
  console.error(`error: ${error instanceof Error ? error.message : String(error)}`);
  process.exitCode = 2;
});
