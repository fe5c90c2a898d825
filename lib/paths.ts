/**
 * Where the project's own folders are. Found by walking up from this module to the folder with package.json,
 * so the answer is the same whether the code runs from lib/ (tsx, tests, `import 'spt-mixin'`) or from the
 * bundle in dist/ that the npm scripts run.
 */
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

function projectRoot(): string {
  const start = dirname(fileURLToPath(import.meta.url));
  for (let dir = start; ; dir = dirname(dir)) {
    if (existsSync(join(dir, 'package.json'))) return dir;
    if (dirname(dir) === dir) throw new Error(`no package.json above ${start}`);
  }
}

export const PROJECT_ROOT = projectRoot();

/** A folder of the project, with a trailing separator: `projectDir('templates')`. */
export const projectDir = (name: string): string => join(PROJECT_ROOT, name) + '/';
