/** Shared by several test files; not a test itself (npm test runs *.test.ts only). */
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { test, type Test } from 'uvu';
import * as assert from 'uvu/assert';
import { join, relative } from 'node:path';
import type { Io } from '../lib/io.js';

/** Every file under `dir`, by relative path, with its content: equal snapshots mean nothing was written. */
export function snapshot(dir: string): Map<string, string> {
  const files = new Map<string, string>();
  const walk = (d: string): void => {
    for (const name of readdirSync(d)) {
      const path = join(d, name);
      if (statSync(path).isDirectory()) walk(path);
      else files.set(relative(dir, path), readFileSync(path, 'utf8'));
    }
  };
  walk(dir);
  return files;
}

/** An `Io` that keeps what a command prints. */
export function capture(): Io & { text: () => string } {
  const lines: string[] = [];
  return { out: (t) => lines.push(t), err: (t) => lines.push(t), text: () => lines.join('\n') };
}

/** mulberry32: a seeded generator, so a fuzz failure is reproducible from its seed and index. */
export function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function pick<T>(r: () => number, list: readonly T[]): T {
  return list[Math.floor(r() * list.length)] as T;
}

/**
 * Whether reference material from ../shared is there. A user's clone has no ../shared, so the test skips; CI has
 * a copy beside the clone, so there its absence is a failure rather than a quiet green run.
 */
export function hasShared(path: string | URL, what: string): boolean {
  const file = typeof path === 'string' ? path : fileURLToPath(path);
  if (existsSync(file)) return true;
  if (process.env.CI === 'true') assert.unreachable(`${file} is required in CI (${what})`);
  console.log(`skipped: ${what} (${file} is absent)`);
  return false;
}

/**
 * Registers tests that need tools from outside npm (Debian's prometheus, ...) when they are installed. Without
 * them the tests skip on a user's machine, and fail under CI, where a missing install step must not pass as green.
 */
export function whenInstalled(installed: boolean, what: string, packages: string, register: () => void, suite: Test = test): void {
  if (installed) register();
  else if (process.env.CI === 'true') suite(`${what}: ${packages} installed`, () => assert.unreachable(`${what} needs ${packages} in CI (Debian packages)`));
  else console.log(`skipped: ${what} (needs ${packages})`);
}
