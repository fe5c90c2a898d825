/**
 * All-or-nothing output. Every file is first written next to its target under a temporary name; only when
 * all are on disk are they renamed into place. If a rename fails half-way, the files already replaced get
 * their previous content back and the ones that did not exist are removed, so the folder is as it was.
 */
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';

interface Staged {
  temp: string;
  target: string;
  /** Content before this write; undefined when the file did not exist. */
  previous: Buffer | undefined;
}

export async function writeAll(outDir: string, files: ReadonlyMap<string, string>): Promise<string[]> {
  const suffix = `.${process.pid}.tmp`;
  const targets = [...files.keys()].map((path) => join(outDir, path));
  const texts = [...files.values()];
  // Staging touches different files only, so it runs concurrently (the thread pool does several at once).
  // Every attempt settles before anything is cleaned up, so no temporary file appears after the cleanup.
  const staged: Array<Staged | undefined> = [];
  const results = await Promise.allSettled(
    targets.map(async (target, i) => {
      await mkdir(dirname(target), { recursive: true });
      const previous = await readFile(target).catch(() => undefined);
      staged[i] = { temp: target + suffix, target, previous };
      await writeFile(target + suffix, texts[i] as string);
    }),
  );
  const failure = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
  if (failure) {
    await Promise.all(staged.map((entry) => entry && rm(entry.temp, { force: true })));
    throw failure.reason;
  }
  const ready = staged as Staged[];
  const done: Staged[] = [];
  try {
    for (const entry of ready) {
      await rename(entry.temp, entry.target);
      done.push(entry);
    }
  } catch (error) {
    await rollBack(done);
    await Promise.all(ready.map(({ temp }) => rm(temp, { force: true })));
    throw error;
  }
  return ready.map(({ target }) => target);
}

async function rollBack(done: readonly Staged[]): Promise<void> {
  for (const { target, previous } of done) {
    if (previous === undefined) await rm(target, { force: true });
    else await writeFile(target, previous);
  }
}

export interface StaleFile {
  path: string;
  /** Content on disk; undefined when the file is missing. */
  actual: string | undefined;
  expected: string;
}

/** Files whose content on disk differs from what was rendered, missing files included. */
export async function staleFiles(outDir: string, files: ReadonlyMap<string, string>): Promise<StaleFile[]> {
  const stale: StaleFile[] = [];
  for (const [path, expected] of files) {
    const actual = await readFile(join(outDir, path), 'utf8').catch(() => undefined);
    if (actual !== expected) stale.push({ path, actual, expected });
  }
  return stale;
}
