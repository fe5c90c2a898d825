/**
 * A real Alertmanager for tests: Debian's `prometheus-alertmanager` on a loopback port with clustering off, its
 * config and state in a temporary folder; and the webhook receiver it notifies, run in the test's process.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { rmSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';
import type { Mixin } from '../../lib/engine/mixin.js';
import { serializeAll } from '../../lib/render/serialize.js';
import type { SptConfig } from '../../lib/spt/config.js';
import { ALERTMANAGER_FILE, artifacts } from '../../lib/spt/deploy.js';
import { LOOPBACK, sleep } from './prometheus.js';

export const ALERTMANAGER = 'prometheus-alertmanager';

export function alertmanagerInstalled(): boolean {
  return !spawnSync(ALERTMANAGER, ['--version'], { stdio: 'ignore' }).error;
}

interface AlertmanagerYaml {
  route: { routes: Array<Record<string, unknown>> } & Record<string, unknown>;
  receivers: Array<{ name: string }>;
}

/**
 * The mixin's rendered alertmanager.yml with routing and inhibition as shipped, every receiver a webhook to `url`,
 * and notifications grouped within a second instead of Alertmanager's default half minute.
 */
export async function webhookConfig(mixin: Mixin<SptConfig>, url: string): Promise<object> {
  const files = await serializeAll(artifacts(mixin, ['rules']));
  const config = parse(files.get(ALERTMANAGER_FILE) ?? '') as AlertmanagerYaml;
  const quick = { group_wait: '1s', group_interval: '1s', repeat_interval: '1h' };
  return {
    ...config,
    route: { ...config.route, ...quick, routes: config.route.routes.map((route) => ({ ...route, ...quick })) },
    receivers: config.receivers.map(({ name }) => ({ name, webhook_configs: [{ url, send_resolved: false }] })),
  };
}

/** One webhook call: the receiver it was routed to and the alerts of its group. */
export interface Notification {
  receiver: string;
  status: 'firing' | 'resolved';
  alerts: Array<{ status: string; labels: Record<string, string> }>;
}

/** Collects what Alertmanager posts, as its webhook integration sends it. */
export class Webhook {
  readonly notifications: Notification[] = [];
  /** Called with each notification as it arrives (the demo prints it). */
  onNotification: (notification: Notification) => void = () => {};
  private constructor(private readonly server: Server) {}

  static async start(): Promise<Webhook> {
    let hook: Webhook | undefined;
    const server = createServer((req, res) => {
      let body = '';
      req.setEncoding('utf8').on('data', (chunk: string) => (body += chunk));
      req.on('end', () => {
        const notification = JSON.parse(body) as Notification;
        hook?.notifications.push(notification);
        hook?.onNotification(notification);
        res.writeHead(200).end();
      });
    });
    await new Promise<void>((resolve) => server.listen(0, LOOPBACK, resolve));
    hook = new Webhook(server);
    return hook;
  }

  get url(): string {
    return `http://${LOOPBACK}:${(this.server.address() as AddressInfo).port}/`;
  }

  /** `alertname` of every firing alert delivered so far, once each, sorted. */
  delivered(): string[] {
    const names = this.notifications.flatMap((n) => n.alerts.filter((a) => a.status === 'firing').map((a) => a.labels.alertname ?? ''));
    return [...new Set(names)].sort();
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}

export class Alertmanager {
  readonly url: string;
  private readonly log: string[] = [];
  private readonly exited: Promise<void>;
  private readonly killOnExit = () => {
    this.child.kill('SIGKILL');
    rmSync(this.dir, { recursive: true, force: true });
  };

  private constructor(
    private readonly child: ChildProcess,
    private readonly dir: string,
    readonly address: string,
  ) {
    this.url = `http://${address}`;
    this.exited = new Promise((resolve) => child.once('exit', () => resolve()));
    child.stderr?.setEncoding('utf8').on('data', (chunk: string) => this.log.push(...chunk.split('\n').filter(Boolean)));
    process.once('exit', this.killOnExit);
  }

  /** Starts Alertmanager with `config` (an alertmanager.yml as data) and waits until it is ready. */
  static async start(port: number, config: object): Promise<Alertmanager> {
    const dir = await mkdtemp(join(tmpdir(), 'spt-am-live-'));
    await writeFile(join(dir, 'alertmanager.yml'), JSON.stringify(config, null, 2));
    const address = `${LOOPBACK}:${port}`;
    const child = spawn(
      ALERTMANAGER,
      [`--config.file=${join(dir, 'alertmanager.yml')}`, `--storage.path=${join(dir, 'data')}`, `--web.listen-address=${address}`, '--cluster.listen-address=', '--log.level=warn'],
      { stdio: ['ignore', 'ignore', 'pipe'] },
    );
    const alertmanager = new Alertmanager(child, dir, address);
    const deadline = Date.now() + 15_000;
    while (Date.now() < deadline) {
      if (child.exitCode !== null) break;
      if (await fetch(`${alertmanager.url}/-/ready`).then((r) => r.ok, () => false)) return alertmanager;
      await sleep(100);
    }
    await alertmanager.stop();
    throw new Error(`alertmanager did not start:\n${alertmanager.log.join('\n')}`);
  }

  /** Alerts as Prometheus would post them, for what Prometheus cannot produce at once. */
  async post(alerts: ReadonlyArray<Record<string, string>>): Promise<void> {
    const body = alerts.map((labels) => ({ labels, startsAt: new Date().toISOString() }));
    const response = await fetch(`${this.url}/api/v2/alerts`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    if (!response.ok) throw new Error(`POST /api/v2/alerts: ${response.status} ${await response.text()}`);
  }

  /** Names of the alerts Alertmanager holds in the given state (`active`, `suppressed`). */
  async alertsIn(state: 'active' | 'suppressed'): Promise<string[]> {
    const alerts = (await (await fetch(`${this.url}/api/v2/alerts`)).json()) as Array<{ labels: Record<string, string>; status: { state: string } }>;
    return alerts.filter((a) => a.status.state === state).map((a) => a.labels.alertname ?? '').sort();
  }

  async stop(): Promise<void> {
    if (this.child.exitCode === null && this.child.signalCode === null) {
      this.child.kill('SIGTERM');
      await this.exited;
    }
    await rm(this.dir, { recursive: true, force: true });
    process.removeListener('exit', this.killOnExit);
  }
}
