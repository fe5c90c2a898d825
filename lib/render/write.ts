/**
 * All-or-nothing output: every file is first written next to its target under a temporary name, and only
 * when all of them are on disk are they renamed into place. A failure before the renames removes the
 * temporaries and leaves the output folder as it was.
 */
import { mkdir, rename, rm, writeFile, readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';

export async function writeAll(outDir: string, files: ReadonlyMap<string, string>): Promise<string[]> {
  const staged: Array<{ temp: string; target: string }> = [];
  const suffix = `.${process.pid}.tmp`;
  try {
    for (const [path, text] of files) {
      const target = join(outDir, path);
      await mkdir(dirname(target), { recursive: true });
      const temp = target + suffix;
      staged.push({ temp, target });
      await writeFile(temp, text);
    }
  } catch (error) {
    await Promise.all(staged.map(({ temp }) => rm(temp, { force: true })));
    throw error;
  }
  // rename() within one folder is atomic per file; doing them last keeps the window of a mixed state minimal.
  for (const { temp, target } of staged) await rename(temp, target);
  return staged.map(({ target }) => target);
}

/** Files whose content on disk differs from what was rendered (missing files included). */
export async function staleFiles(outDir: string, files: ReadonlyMap<string, string>): Promise<Array<{ path: string; actual: string | undefined; expected: string }>> {
  const stale = [];
  for (const [path, expected] of files) {
    const actual = await readFile(join(outDir, path), 'utf8').catch(() => undefined);
    if (actual !== expected) stale.push({ path, actual, expected });
  }
  return stale;
}
