/**
 * All-or-nothing output. Every file is first written next to its target under a temporary name; only when
 * all are on disk are they renamed into place. If a rename fails half-way, the files already replaced get
 * their previous content back and the ones that did not exist are removed, so the folder is as it was.
 */
import { mkdir, mkdtemp, readdir, readFile, rename, rm, rmdir, stat, writeFile } from 'node:fs/promises';
import { dirname, join, relative, sep } from 'node:path';

/** A folder `writeAll` cannot write into, found before anything is created. */
export class UnwritableOutput extends Error {
  override name = 'UnwritableOutput';
}

/**
 * Fails at once when `outDir` cannot be created or written, leaving nothing behind: it creates and removes a
 * probe folder in the nearest folder that exists. Without it, a recursive mkdir under a place like /proc
 * never returns (Node retries it forever).
 */
export async function assertWritable(outDir: string): Promise<void> {
  let existing = outDir;
  let info = await stat(existing).catch(() => undefined);
  while (!info && dirname(existing) !== existing) {
    existing = dirname(existing);
    info = await stat(existing).catch(() => undefined);
  }
  if (!info?.isDirectory()) {
    throw new UnwritableOutput(`cannot write to ${outDir}: ${existing} is not a folder; choose another output folder`);
  }
  try {
    await rmdir(await mkdtemp(join(existing, '.spt-mixin-probe-')));
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? String(error);
    throw new UnwritableOutput(`cannot write to ${outDir}: creating files in ${existing} fails (${code}); choose a writable output folder`);
  }
}

interface Staged {
  temp: string;
  target: string;
  /** Content before this write; undefined when the file did not exist. */
  previous: Buffer | undefined;
}

export async function writeAll(outDir: string, files: ReadonlyMap<string, string>): Promise<string[]> {
  await assertWritable(outDir);
  // The first folder each mkdir created, removed again when the write fails, so a failure leaves no new folders.
  const created = new Set<string>();
  const suffix = `.${process.pid}.tmp`;
  const targets = [...files.keys()].map((path) => join(outDir, path));
  const texts = [...files.values()];
  // Staging touches different files only, so it runs concurrently (the thread pool does several at once).
  // Every attempt settles before anything is cleaned up, so no temporary file appears after the cleanup.
  const staged: Array<Staged | undefined> = [];
  const results = await Promise.allSettled(
    targets.map(async (target, i) => {
      const first = await mkdir(dirname(target), { recursive: true });
      if (first) created.add(first);
      const previous = await readFile(target).catch(() => undefined);
      staged[i] = { temp: target + suffix, target, previous };
      await writeFile(target + suffix, texts[i] as string);
    }),
  );
  const failure = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
  if (failure) {
    await Promise.all(staged.map((entry) => entry && rm(entry.temp, { force: true })));
    await removeCreated(created);
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
    await removeCreated(created);
    throw error;
  }
  return ready.map(({ target }) => target);
}

/** Only folders this write created, and only when empty again: nothing of anyone else's goes with them. */
async function removeCreated(created: ReadonlySet<string>): Promise<void> {
  const deepestFirst = [...created].sort((a, b) => b.length - a.length);
  for (const first of deepestFirst) await removeEmptyTree(first);
}

async function removeEmptyTree(dir: string): Promise<void> {
  const entries = await readdir(dir, { withFileTypes: true }).catch(() => []);
  for (const entry of entries) if (entry.isDirectory()) await removeEmptyTree(join(dir, entry.name));
  await rmdir(dir).catch(() => {});
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

/** Files under `outDir` that are not among `files` (paths relative to `outDir`, sorted); none when it does not exist. */
export async function extraFiles(outDir: string, files: ReadonlyMap<string, string>): Promise<string[]> {
  const entries = await readdir(outDir, { recursive: true, withFileTypes: true }).catch(() => []);
  return entries
    .filter((entry) => entry.isFile())
    .map((entry) => relative(outDir, join(entry.parentPath, entry.name)).split(sep).join('/'))
    .filter((path) => !files.has(path))
    .sort();
}
