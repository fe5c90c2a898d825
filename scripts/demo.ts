/**
 * `npm run demo`: the simulated SPT, a Prometheus loaded with the mixin's rules and an Alertmanager with its
 * routing and inhibition, all on 127.0.0.1, to watch the alerts, see what would be sent, and point a Grafana at.
 * Faults are switched by typing their names; Ctrl-C stops everything and removes the temporary folders.
 *
 *   npm run demo -- [--fast] [--prometheus-port 9090] [--exporter-port 9101] [--alertmanager-port 9093]
 *
 * Without --fast Prometheus loads the committed rules of deploy/, whose `for`s are minutes; --fast renders
 * them with every `for` at 3 s.
 */
import { createServer } from 'node:net';
import { createInterface } from 'node:readline';
import { parseArgs } from 'node:util';
import mixin from '../mixin.js';
import { FAULTS, SimulatedSpt, type Fault } from '../tests/live/exporter.js';
import { Alertmanager, Webhook, webhookConfig, type Notification } from '../tests/live/alertmanager.js';
import { LOOPBACK, Prometheus } from '../tests/live/prometheus.js';
import { deployedRuleFiles, renderedRuleFiles, scrapeJob, withShortFors } from '../tests/live/rules.js';

const USAGE = 'usage: npm run demo -- [--fast] [--prometheus-port PORT] [--exporter-port PORT] [--alertmanager-port PORT]';
const FAST_FOR = '3s';

function port(text: string): number {
  const n = Number(text);
  if (!Number.isInteger(n) || n < 1 || n > 65535) {
    console.error(`not a port: ${text}\n${USAGE}`);
    process.exit(2);
  }
  return n;
}

function options() {
  try {
    const { values } = parseArgs({
      options: {
        fast: { type: 'boolean', default: false },
        'prometheus-port': { type: 'string', default: '9090' },
        'exporter-port': { type: 'string', default: '9101' },
        'alertmanager-port': { type: 'string', default: '9093' },
        help: { type: 'boolean', short: 'h', default: false },
      },
    });
    if (values.help) {
      console.log(USAGE);
      process.exit(0);
    }
    return {
      fast: values.fast,
      prometheusPort: port(values['prometheus-port']),
      exporterPort: port(values['exporter-port']),
      alertmanagerPort: port(values['alertmanager-port']),
    };
  } catch (error) {
    console.error(`${(error as Error).message}\n${USAGE}`);
    process.exit(2);
  }
}

const HELP = [
  `faults: ${FAULTS.join(' ')}`,
  'type a fault to switch it on or off; `healthy` clears all, `all` sets all but down, `status`, `help`, `quit`',
].join('\n');

/** Exits naming the flag when something already listens on a port the demo needs. */
async function requireFree(ports: Record<string, number>): Promise<void> {
  for (const [flag, port] of Object.entries(ports)) {
    const server = createServer();
    const busy = await new Promise<boolean>((resolve) => {
      server.once('error', () => resolve(true));
      server.listen(port, LOOPBACK, () => server.close(() => resolve(false)));
    });
    if (busy) {
      console.error(`error: port ${port} on ${LOOPBACK} is in use; choose another with --${flag} PORT`);
      process.exit(2);
    }
  }
}

const describeNotification = (n: Notification): string =>
  `\n-> would send to ${n.receiver}: ${n.alerts.filter((a) => a.status === 'firing').map((a) => a.labels.alertname).join(', ')}`;

/** Each alert of the rules: inactive, pending, firing, or inhibited (firing, held back by Alertmanager). */
async function alertStates(prometheus: Prometheus, alertmanager: Alertmanager, names: readonly string[]): Promise<string> {
  const [alerts, inhibited] = await Promise.all([prometheus.alerts(), alertmanager.alertsIn('suppressed')]);
  return names
    .map((name) => {
      const states = alerts.filter((a) => a.labels.alertname === name).map((a) => (a.state === 'firing' && inhibited.includes(name) ? 'inhibited' : a.state));
      return `  ${name.padEnd(24)} ${[...new Set(states)].join(', ') || 'inactive'}`;
    })
    .join('\n');
}

async function main(): Promise<void> {
  const { fast, prometheusPort, exporterPort, alertmanagerPort } = options();
  await requireFree({ 'prometheus-port': prometheusPort, 'exporter-port': exporterPort, 'alertmanager-port': alertmanagerPort });
  const shown = fast ? withShortFors(mixin, FAST_FOR) : mixin;
  const rules = fast ? await renderedRuleFiles(shown) : await deployedRuleFiles();
  const alertNames = Object.values(rules).flatMap((file) => file.groups.flatMap((g) => g.rules.flatMap((r) => (r.alert ? [r.alert] : []))));
  const exporter = await SimulatedSpt.start(exporterPort);
  const webhook = await Webhook.start();
  let alertmanager: Alertmanager | undefined;
  let prometheus: Prometheus;
  try {
    alertmanager = await Alertmanager.start(alertmanagerPort, await webhookConfig(shown, webhook.url));
    prometheus = await Prometheus.start({ port: prometheusPort, job: scrapeJob(mixin._config), target: exporter.target, rules, alertmanager: alertmanager.address });
  } catch (error) {
    await Promise.all([exporter.close(), webhook.close(), alertmanager?.stop()]);
    throw error;
  }
  const am = alertmanager;

  const input = createInterface({ input: process.stdin, output: process.stdout, prompt: '> ' });
  let stopping: Promise<void> | undefined;
  const stop = () => {
    if (!stopping) {
      stopping = Promise.all([exporter.close(), webhook.close(), am.stop(), prometheus.stop()]).then(() => {
        console.log('\nstopped: exporter, Prometheus and Alertmanager are down, the temporary folders are removed');
      });
      // Closing emits 'close', which calls stop() again: `stopping` is already set by then.
      input.close();
    }
    return stopping;
  };
  // On a terminal readline takes Ctrl-C itself; elsewhere it arrives as a signal.
  process.on('SIGINT', stop).on('SIGTERM', stop);
  input.on('SIGINT', stop).on('close', stop);

  const url = prometheus.url;
  console.log(
    [
      `SPT demo: ${fast ? `rules rendered with every alert \`for\` at ${FAST_FOR}` : 'rules of deploy/ as shipped (alert `for`s are minutes; --fast shortens them)'}`,
      `  exporter    http://${exporter.target}/metrics`,
      `  Prometheus  ${url}`,
      `  rules       ${url}/rules`,
      `  alerts      ${url}/alerts`,
      `  Alertmanager ${am.url} (routing and inhibition of deploy/alertmanager/; every receiver is a webhook printed here)`,
      `  Grafana     a Prometheus data source at ${url} (scrape interval 1s), then import deploy/grafana/data/spt-overview.json`,
      'Recorded [5m] rates grow towards the traffic\'s true rates over the first 5 minutes.',
      HELP,
      'scenario: healthy',
    ].join('\n'),
  );
  input.prompt();
  input.on('line', (line) => {
    const word = line.trim();
    const faults = new Set(exporter.scenario);
    if (word === 'quit' || word === 'exit') return void stop();
    if (word === 'help') console.log(HELP);
    else if (word === 'healthy') exporter.scenario = 'healthy';
    else if (word === 'all') exporter.scenario = FAULTS.filter((f) => f !== 'down');
    else if ((FAULTS as readonly string[]).includes(word)) {
      const fault = word as Fault;
      if (!faults.delete(fault)) faults.add(fault);
      exporter.scenario = faults;
    } else if (word !== '' && word !== 'status') console.log(`unknown command: ${word}\n${HELP}`);
    console.log(`scenario: ${[...exporter.scenario].join(', ') || 'healthy'}`);
    if (word !== 'status') return void input.prompt();
    alertStates(prometheus, am, alertNames)
      .then(
        (text) => console.log(text),
        (error: unknown) => console.log(`status unavailable: ${String(error)}`),
      )
      .finally(() => input.prompt());
  });
  webhook.onNotification = (notification) => {
    console.log(describeNotification(notification));
    input.prompt(true);
  };
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exitCode = 1;
});
