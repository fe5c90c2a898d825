// Bundles the command-line entry points into dist/, so `npm run render` and friends start as plain JavaScript:
// no TypeScript transpiling at start-up (tsx costs ~0.2 s) and one file to load instead of ~150 modules.
// prettier and diff stay outside, loaded from node_modules only when a command needs them.
//
//   node scripts/build.mjs            the command bundles (`npm run build`)
//   node scripts/build.mjs --package  also the library: esm/ (ES modules and .d.ts types; npm's `prepack`)
//   node scripts/build.mjs --clean    removes esm/ again (npm's `postpack`)
//
// scripts/run.cjs checks on every command that dist/ matches the sources and calls `build` when it does not,
// so an edit in lib/ is always what runs. esm/ exists only while the package is packed: in this repository
// `import 'spt-mixin'` resolves to the sources (the `spt-mixin-source` condition), never to a stale build.
import { execFileSync } from 'node:child_process';
import { mkdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import dist from './dist.cjs';

const { ROOT, DIST, ENTRIES, isFresh, sourcesFingerprint } = dist;

/** Builds into a fresh folder and swaps it in, so a concurrent command never runs a half-written bundle. */
export async function build() {
  const { build: esbuild } = await import('esbuild');
  const fingerprint = sourcesFingerprint();
  const staging = `${DIST}.${process.pid}.tmp`;
  rmSync(staging, { recursive: true, force: true });
  await esbuild({
    absWorkingDir: ROOT,
    entryPoints: ENTRIES,
    outdir: staging,
    outExtension: { '.js': '.cjs' },
    bundle: true,
    // CommonJS, so that scripts/dist.cjs can run it as a script with V8's code cache.
    format: 'cjs',
    platform: 'node',
    target: 'node20',
    external: ['prettier', 'diff'],
    // jsonc-parser's main build is UMD, whose require() of its own parts esbuild cannot follow; its ES build bundles.
    alias: { 'jsonc-parser': 'jsonc-parser/lib/esm/main.js' },
    // Their lazy import() becomes require(): vm.Script, which gives the bundle its code cache, has no import().
    supported: { 'dynamic-import': false },
    // lib/paths.ts finds the project from import.meta.url; in the bundle that is the bundle's own URL.
    define: { 'import.meta.url': '__bundle_url' },
    banner: { js: "var __bundle_url = require('node:url').pathToFileURL(__filename).href;" },
    sourcemap: 'linked',
    logLevel: 'warning',
  });
  writeFileSync(join(staging, 'sources.json'), fingerprint);
  const old = `${DIST}.${process.pid}.old`;
  mkdirSync(DIST, { recursive: true });
  try {
    renameSync(DIST, old);
    renameSync(staging, DIST);
  } catch (error) {
    // Another command built at the same moment; its bundle is as good as this one.
    rmSync(staging, { recursive: true, force: true });
    if (!isFresh()) throw error;
  } finally {
    rmSync(old, { recursive: true, force: true });
  }
}

const ESM = join(ROOT, 'esm');

/**
 * What `import 'spt-mixin'` and `import 'spt-mixin/engine'` load from the package: both entry points as ES
 * modules sharing chunks, dependencies left to node_modules, and the declarations tsc emits for them.
 */
export async function buildPackage() {
  const { build: esbuild } = await import('esbuild');
  rmSync(ESM, { recursive: true, force: true });
  await esbuild({
    absWorkingDir: ROOT,
    entryPoints: { mixin: 'mixin.ts', engine: 'engine.ts' },
    outdir: ESM,
    bundle: true,
    splitting: true,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    packages: 'external',
    chunkNames: 'chunks/[name]-[hash]',
    logLevel: 'warning',
  });
  const tsc = join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc');
  execFileSync(process.execPath, [tsc, '-p', join(ROOT, 'tsconfig.build.json')], { stdio: 'inherit' });
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const started = performance.now();
  if (process.argv.includes('--clean')) {
    rmSync(ESM, { recursive: true, force: true });
  } else {
    await build();
    const names = Object.keys(ENTRIES).map((name) => `dist/${name}.cjs`);
    if (process.argv.includes('--package')) {
      await buildPackage();
      names.push('esm/');
    }
    console.log(`built ${names.join(', ')} in ${Math.round(performance.now() - started)} ms`);
  }
}
