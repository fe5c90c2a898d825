/**
 * The preview's Prometheus: the scenario backfilled with `promtool tsdb create-blocks-from openmetrics`, the
 * recording rules with `create-blocks-from rules` (evaluated by promtool against a first Prometheus over the
 * raw data), all served by Debian's Prometheus on a loopback port through the live tests' harness.
 */
import { execFile } from 'node:child_process';
import { cp, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { RuleFile } from '../../lib/engine/mixin.js';
import { Prometheus, freePort } from '../../tests/live/prometheus.js';

const run = promisify(execFile);

async function promtool(args: string[]): Promise<void> {
  try {
    await run('promtool', args, { maxBuffer: 64 * 1024 * 1024 });
  } catch (error) {
    const { stderr, stdout } = error as { stderr?: string; stdout?: string };
    throw new Error(`promtool ${args.slice(0, 3).join(' ')} failed: ${(stderr || stdout || String(error)).trim().split('\n').slice(-3).join(' ')}`);
  }
}

/** Copies every block folder of `from` into the TSDB folder. */
const copyBlocks = (from: string) => async (dataDir: string) => {
  for (const block of await readdir(from)) await cp(join(from, block), join(dataDir, block), { recursive: true });
};

export interface ServeOptions {
  openMetrics: string;
  recordingRules: RuleFile;
  /** Unix seconds: the range the recording rules are evaluated over. */
  start: number;
  end: number;
  evalInterval: string;
}

/** A running Prometheus that holds the scenario and its recorded series; stop it when done. */
export async function servePreviewData(options: ServeOptions): Promise<Prometheus> {
  const work = await mkdtemp(join(tmpdir(), 'spt-preview-'));
  try {
    const raw = join(work, 'raw');
    const recorded = join(work, 'recorded');
    await writeFile(join(work, 'scenario.om'), options.openMetrics);
    await promtool(['tsdb', 'create-blocks-from', 'openmetrics', join(work, 'scenario.om'), raw]);
    const rules = join(work, 'rules.yaml');
    await writeFile(rules, JSON.stringify(options.recordingRules));
    const first = await Prometheus.start({ port: await freePort(), rules: {}, prepare: copyBlocks(raw) });
    try {
      await promtool([
        'tsdb', 'create-blocks-from', 'rules',
        `--start=${options.start}`, `--end=${options.end}`,
        `--url=${first.url}`, `--output-dir=${recorded}`, `--eval-interval=${options.evalInterval}`,
        rules,
      ]);
    } finally {
      await first.stop();
    }
    return await Prometheus.start({
      port: await freePort(),
      rules: {},
      prepare: async (dataDir) => {
        await copyBlocks(raw)(dataDir);
        await copyBlocks(recorded)(dataDir);
      },
    });
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}
