/**
 * Rule files for a live Prometheus: the `spec` of the PrometheusRule resources, which is exactly a rule file.
 * They go through the same rendering as deploy/, so what Prometheus loads is what would be shipped.
 */
import { readFile } from 'node:fs/promises';
import { basename } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';
import type { Mixin, RuleFile } from '../../lib/engine/mixin.js';
import { serializeAll } from '../../lib/render/serialize.js';
import type { SptConfig } from '../../lib/spt/config.js';
import { ALERTS_FILE, RECORDING_RULES_FILE, artifacts } from '../../lib/spt/deploy.js';

const RULE_FILES = [RECORDING_RULES_FILE, ALERTS_FILE];
const deployDir = new URL('../../deploy/', import.meta.url);

/** The rules of `mixin`, rendered as for deploy/, by file name. */
export async function renderedRuleFiles(mixin: Mixin<SptConfig>): Promise<Record<string, RuleFile>> {
  const files = await serializeAll(artifacts(mixin, ['rules']));
  return Object.fromEntries(RULE_FILES.map((path) => [basename(path), specOf(files.get(path), path)]));
}

/** The committed rules under deploy/, by file name. */
export async function deployedRuleFiles(): Promise<Record<string, RuleFile>> {
  const texts = await Promise.all(RULE_FILES.map((path) => readFile(fileURLToPath(new URL(path, deployDir)), 'utf8')));
  return Object.fromEntries(RULE_FILES.map((path, i) => [basename(path), specOf(texts[i], path)]));
}

/**
 * The mixin with every non-zero alert `for` replaced by `duration`, so pending and firing happen within
 * seconds; alerts that fire at once keep doing so.
 */
export function withShortFors(mixin: Mixin<SptConfig>, duration: string): Mixin<SptConfig> {
  const delayed = new Set(mixin.prometheusAlerts.groups.flatMap((g) => g.rules).filter((r) => r.for).map((r) => r.alert));
  const alerts = Object.fromEntries(
    Object.entries(mixin._config.alerts).map(([name, tuning]) => [name, delayed.has(name) ? { ...tuning, for: duration } : tuning]),
  ) as SptConfig['alerts'];
  return mixin.withConfig({ alerts });
}

/**
 * The scrape job that puts SPT's series under the mixin's selector. Only a selector of the one form
 * `job="..."` can be met by a plain scrape config.
 */
export function scrapeJob(config: SptConfig): string {
  const job = /^\s*job\s*=\s*"([^"\\]+)"\s*$/.exec(config.sptSelector)?.[1];
  if (job === undefined) throw new Error(`the selector ${config.sptSelector} is not of the form job="..."`);
  return job;
}

function specOf(text: string | undefined, path: string): RuleFile {
  const resource = text === undefined ? undefined : (parse(text) as { kind?: string; spec?: RuleFile });
  if (resource?.kind !== 'PrometheusRule' || !resource.spec) throw new Error(`${path} is not a PrometheusRule`);
  return resource.spec;
}
