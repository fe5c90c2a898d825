/**
 * `npm run scale`: renders the synthetic mixin of ../shared/bench/scale.jsonnet (or, with --distinct, of
 * scale-distinct.jsonnet) through the engine, checks it
 * as the SPT mixin is checked, and writes it in the jsonnet's layout: DIR/dashboards/synthetic-<i>.json and
 * DIR/rules.json. Exit codes as for render: 0 written, 1 checks failed (nothing written), 2 bad usage.
 */
import { parseArgs } from 'node:util';
import { hasErrors } from '../check/finding.js';
import { checkMixin } from '../check/mixin.js';
import { formatText } from '../check/report.js';
import type { Mixin } from '../engine/mixin.js';
import { consoleIo, type Io } from '../io.js';
import { serializeAll, type Artifact } from '../render/serialize.js';
import { writeAll } from '../render/write.js';
import { stopwatch } from '../stopwatch.js';
import { RULES_FILE, SCALE_WAIVED, dashboardPath, scaleCheckOptions, scaleMixin, withPlantedFault, type ScaleConfig } from './mixin.js';

export const SCALE_USAGE = `usage: npm run scale -- [--dashboards N] [--panels P] [--rules R] [--distinct] --out DIR [--fault] [--timings]
  renders the synthetic mixin of ../shared/bench/scale.jsonnet (N dashboards of P panels, R alerts in groups
  of 50; defaults 10, 40, 500), checks it, and writes DIR/dashboards/synthetic-<i>.json and DIR/rules.json
  --distinct every expression distinct, as in ../shared/bench/scale-distinct.jsonnet: no cache helps
  --fault    plant a misspelt metric in the first panel: the checks must fail and nothing is written
  --timings  print how long each step took, on stderr`;

class UsageError extends Error {}

interface ScaleOptions {
  config: ScaleConfig;
  out: string;
  fault: boolean;
  timings: boolean;
}

function count(value: string | undefined, name: string, fallback: number): number {
  if (value === undefined) return fallback;
  if (!/^\d+$/.test(value)) throw new UsageError(`--${name} takes a whole number, not "${value}"`);
  return Number(value);
}

function parse(argv: string[]): ScaleOptions {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      options: {
        dashboards: { type: 'string' },
        panels: { type: 'string' },
        rules: { type: 'string' },
        out: { type: 'string' },
        distinct: { type: 'boolean', default: false },
        fault: { type: 'boolean', default: false },
        timings: { type: 'boolean', default: false },
        help: { type: 'boolean', short: 'h' },
      },
    });
  } catch (error) {
    throw new UsageError(error instanceof Error ? error.message : String(error));
  }
  const { values } = parsed;
  if (values.help) throw new UsageError('');
  if (values.out === undefined) throw new UsageError('--out DIR is required');
  const defaults = scaleMixin._config;
  return {
    config: {
      ...defaults,
      dashboards: count(values.dashboards, 'dashboards', defaults.dashboards),
      panels: count(values.panels, 'panels', defaults.panels),
      rules: count(values.rules, 'rules', defaults.rules),
      distinct: values.distinct ?? defaults.distinct,
    },
    out: values.out,
    fault: values.fault ?? false,
    timings: values.timings ?? false,
  };
}

/** The files of the jsonnet's `-m` layout. */
export function scaleArtifacts(mixin: Mixin<ScaleConfig>): Artifact[] {
  return [
    ...Object.entries(mixin.grafanaDashboards).map(([name, data]): Artifact => ({ path: dashboardPath(name), format: 'json', data })),
    { path: RULES_FILE, format: 'json', data: mixin.prometheusAlerts },
  ];
}

export async function main(argv: string[], io: Io = consoleIo): Promise<number> {
  try {
    return await run(parse(argv), io);
  } catch (error) {
    if (error instanceof UsageError) {
      if (error.message) io.err(`error: ${error.message}`);
      io.err(SCALE_USAGE);
      return 2;
    }
    io.err(`error: ${error instanceof Error ? error.message : String(error)}`);
    if ((error as NodeJS.ErrnoException)?.code) io.err('hint: check that the output folder is writable; nothing was written');
    return 2;
  }
}

async function run(options: ScaleOptions, io: Io): Promise<number> {
  const { config } = options;
  if (options.fault && config.panels * config.dashboards === 0) throw new UsageError('--fault needs at least one dashboard with one panel');
  const timer = stopwatch();
  const built = scaleMixin.withConfig(config);
  const mixin = options.fault ? withPlantedFault(built) : built;
  timer.lap('build');
  const findings = checkMixin(mixin, scaleCheckOptions(config));
  timer.lap('check');
  const alerts = mixin.prometheusAlerts.groups.reduce((n, g) => n + g.rules.length, 0);
  const size = `${config.dashboards} dashboards x ${config.panels} panels, ${alerts} alerts${config.distinct ? ', every expression distinct' : ''}`;
  if (hasErrors(findings)) {
    io.err(formatText(findings));
    io.err(`${size}: nothing written: fix the errors above first`);
    if (options.timings) io.err(timer.text());
    return 1;
  }
  const files = await serializeAll(scaleArtifacts(mixin));
  timer.lap('format');
  const written = await writeAll(options.out, files);
  timer.lap('write');
  const waived = [...SCALE_WAIVED].map(([rule, reason]) => `${rule}: ${reason}`).join('; ');
  io.out(`${size}: checked (${findings.length} warning(s); waived: ${waived}); wrote ${written.length} files to ${options.out}`);
  if (options.timings) io.err(timer.text());
  return 0;
}
