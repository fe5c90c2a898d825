/** The `--config` file of the commands: `_config` keys in YAML or JSON. */
import { readFile } from 'node:fs/promises';
import { extname } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { ConfigError } from '../engine/config.js';
import { isPlainObject, type ConfigPatch } from '../engine/merge.js';
import type { SptConfig } from './config.js';

/**
 * Reads a `--config` file: YAML (JSON is YAML too) holding `_config` keys, bare or under `_config:`; `null`
 * removes a key (a default label). A file that sets nothing is read as no change, and `warn` says so: an empty
 * file is more often a mistake than a wish for the defaults.
 */
export async function loadConfigFile(path: string, warn: (message: string) => void): Promise<ConfigPatch<SptConfig>> {
  const text = await readFile(path, 'utf8').catch((error: NodeJS.ErrnoException) => {
    throw new ConfigError('', `cannot read ${path} (${error.code ?? error.message}); give the path of a YAML or JSON file`);
  });
  let data: unknown;
  try {
    data = ['.json'].includes(extname(path)) ? JSON.parse(text) : parseYaml(text);
  } catch (error) {
    const reason = error instanceof Error ? error.message.split('\n')[0] : String(error);
    throw new ConfigError('', `${path} is not valid ${extname(path) === '.json' ? 'JSON' : 'YAML'}: ${reason}`);
  }
  if (data === null || data === undefined) data = {};
  if (typeof data !== 'object' || Array.isArray(data)) {
    throw new ConfigError('', `${path} must hold a mapping of _config keys, e.g. "sptSelector: job=\\"spt\\"", not a ${Array.isArray(data) ? 'list' : typeof data}`);
  }
  const record = data as Record<string, unknown>;
  const keys = Object.keys(record);
  const patch = keys.length === 1 && keys[0] === '_config' ? (record._config ?? {}) : record;
  if (isPlainObject(patch) && Object.keys(patch).length === 0) {
    warn(`${path} sets no _config keys (it is empty or only comments); rendering with the defaults`);
  }
  return patch as ConfigPatch<SptConfig>;
}
