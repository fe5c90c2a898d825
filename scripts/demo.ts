/**
 * `npm run demo`: the simulated SPT and a Prometheus loaded with the mixin's rules, both on 127.0.0.1, to watch
 * the alerts and point a Grafana at. Faults are switched by typing their names; Ctrl-C stops both and removes
 * Prometheus's temporary folder.
 *
 *   npm run demo -- [--fast] [--prometheus-port 9090] [--exporter-port 9101]
 *
 * Without --fast Prometheus loads the committed rules of deploy/, whose `for`s are minutes; --fast renders
 * them with every `for` at 3 s.
 */
import { createInterface } from 'node:readline';
import { parseArgs } from 'node:util';
import mixin from '../mixin.js';
import { FAULTS, SimulatedSpt, type Fault } from '../tests/live/exporter.js';
import { Prometheus } from '../tests/live/prometheus.js';
import { deployedRuleFiles, renderedRuleFiles, scrapeJob, withShortFors } from '../tests/live/rules.js';

const USAGE = 'usage: npm run demo -- [--fast] [--prometheus-port PORT] [--exporter-port PORT]';
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
        help: { type: 'boolean', short: 'h', default: false },
      },
    });
    if (values.help) {
      console.log(USAGE);
      process.exit(0);
    }
    return { fast: values.fast, prometheusPort: port(values['prometheus-port']), exporterPort: port(values['exporter-port']) };
  } catch (error) {
    console.error(`${(error as Error).message}\n${USAGE}`);
    process.exit(2);
  }
}

const HELP = [
  `faults: ${FAULTS.join(' ')}`,
  'type a fault to switch it on or off; `healthy` clears all, `all` sets all but down, `status`, `help`, `quit`',
].join('\n');

async function main(): Promise<void> {
  const { fast, prometheusPort, exporterPort } = options();
  const rules = fast ? await renderedRuleFiles(withShortFors(mixin, FAST_FOR)) : await deployedRuleFiles();
  const exporter = await SimulatedSpt.start(exporterPort);
  let prometheus: Prometheus;
  try {
    prometheus = await Prometheus.start({ port: prometheusPort, job: scrapeJob(mixin._config), target: exporter.target, rules });
  } catch (error) {
    await exporter.close();
    throw error;
  }

  const input = createInterface({ input: process.stdin, output: process.stdout, prompt: '> ' });
  let stopping: Promise<void> | undefined;
  const stop = () => {
    if (!stopping) {
      stopping = Promise.all([exporter.close(), prometheus.stop()]).then(() => {
        console.log('\nstopped: exporter and Prometheus are down, the temporary folder is removed');
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
    input.prompt();
  });
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exitCode = 1;
});
