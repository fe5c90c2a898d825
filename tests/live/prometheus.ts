/**
 * A real Prometheus for tests and the demo: Debian's `prometheus` binary on a loopback port, with its config,
 * rules and TSDB in one temporary folder that goes away with it, and a small client for its HTTP API.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { rmSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { RuleFile } from '../../lib/engine/mixin.js';

export const LOOPBACK = '127.0.0.1';

/** True when a `prometheus` binary is on PATH. */
export function prometheusInstalled(): boolean {
  return !spawnSync('prometheus', ['--version'], { stdio: 'ignore' }).error;
}

/** A loopback port nothing listens on right now. */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, LOOPBACK, () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

export interface PrometheusOptions {
  port: number;
  /** Scrape job name and its one `host:port` target on the loopback; none for a Prometheus that serves stored data. */
  job?: string;
  target?: string;
  /** Targets of the job scraped with extra labels, such as one exporter per environment (instead of `target`). */
  labelledTargets?: ReadonlyArray<{ target: string; labels: Record<string, string> }>;
  /** Rule files by file name. */
  rules: Record<string, RuleFile>;
  /** Scrape and evaluation interval. Default: `1s`. */
  interval?: string;
  /**
   * Fills the TSDB folder before Prometheus starts (backfilled blocks, say). Their samples may be of any age:
   * retention is then long enough to keep them.
   */
  prepare?: (dataDir: string) => Promise<void>;
  /** `host:port` of an Alertmanager on the loopback that firing alerts are sent to. */
  alertmanager?: string;
}

function scrapeConfigs(options: PrometheusOptions): unknown[] {
  const targets = options.labelledTargets ?? (options.target === undefined ? [] : [{ target: options.target, labels: {} }]);
  for (const { target } of targets) if (!target.startsWith(`${LOOPBACK}:`)) throw new Error(`target ${target} is not on ${LOOPBACK}`);
  if (targets.length === 0) return [];
  return [{ job_name: options.job, static_configs: targets.map(({ target, labels }) => ({ targets: [target], labels })) }];
}

export interface Alert {
  labels: Record<string, string> & { alertname: string };
  annotations: Record<string, string>;
  state: 'pending' | 'firing';
  activeAt: string;
  value: string;
}

export interface RuleGroupStatus {
  name: string;
  file: string;
  lastEvaluation: string;
  rules: Array<{ name: string; type: 'recording' | 'alerting'; health: string; lastError?: string; query: string }>;
}

export interface Target {
  labels: Record<string, string>;
  health: 'up' | 'down' | 'unknown';
  lastError: string;
}

export interface Series {
  metric: Record<string, string>;
  value?: [number, string];
  values?: Array<[number, string]>;
}

export class Prometheus {
  readonly url: string;
  private readonly log: string[] = [];
  private readonly exited: Promise<void>;
  private stopping: Promise<void> | undefined;
  private readonly killOnExit = () => {
    this.child.kill('SIGKILL');
    rmSync(this.dir, { recursive: true, force: true });
  };

  private constructor(
    private readonly child: ChildProcess,
    readonly dir: string,
    port: number,
  ) {
    this.url = `http://${LOOPBACK}:${port}`;
    this.exited = new Promise((resolve) => {
      child.once('exit', () => resolve());
      child.once('error', (error) => {
        this.log.push(String(error));
        resolve();
      });
    });
    for (const stream of [child.stdout, child.stderr]) {
      stream?.setEncoding('utf8').on('data', (chunk: string) => {
        this.log.push(...chunk.split('\n').filter(Boolean));
        this.log.splice(0, Math.max(0, this.log.length - 40));
      });
    }
    // A test that dies half-way must not leave a Prometheus or its data behind.
    process.once('exit', this.killOnExit);
  }

  /** Starts Prometheus and waits until it is ready; cleans up itself if it never is. */
  static async start(options: PrometheusOptions): Promise<Prometheus> {
    const interval = options.interval ?? '1s';
    const scrape = scrapeConfigs(options);
    const dir = await mkdtemp(join(tmpdir(), 'spt-live-'));
    const ruleFiles = Object.keys(options.rules).map((name) => join(dir, name));
    await Promise.all(
      // JSON is YAML: the rule files are exactly the groups given.
      Object.entries(options.rules).map(([name, file]) => writeFile(join(dir, name), JSON.stringify(file, null, 2))),
    );
    const config = {
      global: { scrape_interval: interval, evaluation_interval: interval },
      rule_files: ruleFiles,
      scrape_configs: scrape,
      ...(options.alertmanager ? { alerting: { alertmanagers: [{ static_configs: [{ targets: [options.alertmanager] }] }] } } : {}),
    };
    await writeFile(join(dir, 'prometheus.yml'), JSON.stringify(config, null, 2));
    if (options.prepare) {
      try {
        await mkdir(join(dir, 'data'));
        await options.prepare(join(dir, 'data'));
      } catch (error) {
        await rm(dir, { recursive: true, force: true });
        throw error;
      }
    }
    const child = spawn(
      'prometheus',
      [
        `--config.file=${join(dir, 'prometheus.yml')}`,
        `--storage.tsdb.path=${join(dir, 'data')}`,
        `--web.listen-address=${LOOPBACK}:${options.port}`,
        '--log.level=warn',
        ...(options.prepare ? ['--storage.tsdb.retention.time=100y'] : []),
      ],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    const prometheus = new Prometheus(child, dir, options.port);
    try {
      await prometheus.waitReady();
    } catch (error) {
      await prometheus.stop();
      throw error;
    }
    return prometheus;
  }

  /** The last lines Prometheus logged, for failure messages. */
  get recentLog(): string {
    return this.log.join('\n');
  }

  get running(): boolean {
    return this.child.pid !== undefined && this.child.exitCode === null && this.child.signalCode === null;
  }

  async query(expr: string, time?: number): Promise<Series[]> {
    const params: Record<string, string> = { query: expr };
    if (time !== undefined) params.time = String(time);
    return (await this.api<{ result: Series[] }>('query', params)).result;
  }

  async queryRange(expr: string, start: number, end: number, step: number): Promise<Series[]> {
    const params = { query: expr, start: String(start), end: String(end), step: String(step) };
    return (await this.api<{ result: Series[] }>('query_range', params)).result;
  }

  async alerts(): Promise<Alert[]> {
    return (await this.api<{ alerts: Alert[] }>('alerts')).alerts;
  }

  async ruleGroups(): Promise<RuleGroupStatus[]> {
    return (await this.api<{ groups: RuleGroupStatus[] }>('rules')).groups;
  }

  async targets(): Promise<Target[]> {
    return (await this.api<{ activeTargets: Target[] }>('targets')).activeTargets;
  }

  /** GET /api/v1/<path>; throws with Prometheus's error unless the status is `success`. */
  async api<T>(path: string, params: Record<string, string> = {}): Promise<T> {
    const url = `${this.url}/api/v1/${path}?${new URLSearchParams(params)}`;
    const response = await fetch(url);
    const body = (await response.json()) as { status: string; data: T; errorType?: string; error?: string };
    if (body.status !== 'success') throw new Error(`${path} ${JSON.stringify(params)}: ${body.errorType}: ${body.error}`);
    return body.data;
  }

  /** SIGTERM, SIGKILL after 5 s, then the temporary folder goes. Safe to call more than once. */
  stop(): Promise<void> {
    this.stopping ??= (async () => {
      if (this.running) {
        this.child.kill('SIGTERM');
        const timeout = setTimeout(() => this.child.kill('SIGKILL'), 5000);
        await this.exited;
        clearTimeout(timeout);
      }
      await rm(this.dir, { recursive: true, force: true });
      process.removeListener('exit', this.killOnExit);
    })();
    return this.stopping;
  }

  private async waitReady(): Promise<void> {
    const deadline = Date.now() + 15_000;
    while (Date.now() < deadline) {
      if (!this.running) throw new Error(`prometheus exited at start:\n${this.recentLog}`);
      const ready = await fetch(`${this.url}/-/ready`).then((r) => r.ok, () => false);
      if (ready) return;
      await sleep(100);
    }
    throw new Error(`prometheus was not ready within 15 s:\n${this.recentLog}`);
  }
}

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * Polls `probe` every `everyMs` until it returns a value other than undefined; throws after `timeoutMs`,
 * describing what was awaited (a function to say what is still missing at that point).
 */
export async function until<T>(
  what: string | (() => string),
  probe: () => Promise<T | undefined>,
  timeoutMs: number,
  everyMs = 200,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${typeof what === 'string' ? what : what()}`);
    await sleep(everyMs);
  }
}
