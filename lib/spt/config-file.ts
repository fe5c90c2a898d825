/** The `--config` file of the commands: `_config` keys in YAML or JSON. */
import { readFile } from 'node:fs/promises';
import { extname } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { ConfigError } from '../engine/config.js';
import type { Patch } from '../engine/merge.js';
import type { SptConfig } from './config.js';

/** Reads a `--config` file: YAML (JSON is YAML too) holding `_config` keys, bare or under `_config:`. */
export async function loadConfigFile(path: string): Promise<Patch<SptConfig>> {
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
  if (data === null || data === undefined) return {};
  if (typeof data !== 'object' || Array.isArray(data)) {
    throw new ConfigError('', `${path} must hold a mapping of _config keys, e.g. "sptSelector: job=\\"spt\\"", not a ${Array.isArray(data) ? 'list' : typeof data}`);
  }
  const record = data as Record<string, unknown>;
  const keys = Object.keys(record);
  return (keys.length === 1 && keys[0] === '_config' ? record._config : record) as Patch<SptConfig>;
}
