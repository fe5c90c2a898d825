/**
 * Command-line edge: the only place that prints, reads argv or sets exit codes.
 *   render    check the mixin, then write deploy/ (all files or none)
 *   validate  check the mixin, write nothing
 *   check     render in memory and compare with deploy/
 * Exit codes: 0 clean, 1 findings or stale output, 2 bad usage or bad input.
 */
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { hasErrors, type Finding } from './check/finding.js';
import { checkMixin } from './check/mixin.js';
import { formatJson, formatText } from './check/report.js';
import { DATASOURCE_VARIABLE } from './grafana/panel.js';
import { serializeAll } from './render/serialize.js';
import { staleFiles, writeAll } from './render/write.js';
import { catalogue } from './spt/catalogue.js';
import { ALERTS_FILE, RECORDING_RULES_FILE, artifacts } from './spt/deploy.js';
import { sptMixin } from './spt/mixin.js';

const DEFAULT_OUT = fileURLToPath(new URL('../deploy/', import.meta.url));

class UsageError extends Error {}

const USAGE = `usage: spt-mixin <render|validate|check> [--out DIR] [--format text|json]
  render    check the mixin and write every artifact into DIR (default: deploy/)
  validate  check the mixin and write nothing
  check     compare what render would write with DIR; exit 1 when stale`;

interface Options {
  command: 'render' | 'validate' | 'check';
  out: string;
  format: 'text' | 'json';
}

function readArgs(argv: string[]) {
  try {
    return parseArgs({
      args: argv,
      allowPositionals: true,
      options: { out: { type: 'string' }, format: { type: 'string', default: 'text' }, help: { type: 'boolean', short: 'h' } },
    });
  } catch (error) {
    throw new UsageError(error instanceof Error ? error.message : String(error));
  }
}

function parse(argv: string[]): Options {
  const { values, positionals } = readArgs(argv);
  const command = positionals[0];
  if (values.help) throw new UsageError('');
  if (command !== 'render' && command !== 'validate' && command !== 'check') {
    throw new UsageError(command === undefined ? 'no command given' : `unknown command "${command}"`);
  }
  if (positionals.length > 1) throw new UsageError(`unexpected argument "${positionals[1]}"`);
  if (values.format !== 'text' && values.format !== 'json') {
    throw new UsageError(`invalid value for --format (${values.format}); expected one of: text, json`);
  }
  return { command, out: values.out ?? DEFAULT_OUT, format: values.format };
}

function validate(): Finding[] {
  return checkMixin(sptMixin, {
    catalogue,
    datasourceUid: DATASOURCE_VARIABLE,
    files: { dashboards: (name) => `grafana/data/${name}`, rules: RECORDING_RULES_FILE, alerts: ALERTS_FILE },
  });
}

async function run(options: Options): Promise<number> {
  const findings = validate();
  const failed = hasErrors(findings);
  if (options.format === 'json') console.log(formatJson(findings));
  else if (findings.length > 0 || options.command === 'validate') (failed ? console.error : console.log)(formatText(findings));
  if (failed) {
    if (options.command !== 'validate') console.error('nothing written: fix the errors above first');
    return 1;
  }
  if (options.command === 'validate') return 0;

  const files = await serializeAll(artifacts(sptMixin));
  if (options.command === 'check') {
    const stale = await staleFiles(options.out, files);
    for (const { path, actual } of stale) console.error(`${actual === undefined ? 'missing' : 'stale'}: ${path}`);
    if (stale.length > 0) {
      console.error(`${stale.length} file(s) out of date in ${options.out}: run \`npm run render\` and commit the result`);
      return 1;
    }
    console.log(`${files.size} files in ${options.out} are up to date`);
    return 0;
  }
  const written = await writeAll(options.out, files);
  console.log(`wrote ${written.length} files to ${options.out}`);
  return 0;
}

export async function main(argv: string[]): Promise<number> {
  try {
    return await run(parse(argv));
  } catch (error) {
    if (error instanceof UsageError) {
      if (error.message) console.error(`error: ${error.message}`);
      console.error(USAGE);
      return 2;
    }
    const message = error instanceof Error ? error.message : String(error);
    const code = (error as NodeJS.ErrnoException)?.code;
    console.error(`error: ${message}`);
    if (code) console.error('hint: check that the output folder exists and is writable; nothing was written');
    return 2;
  }
}

process.exitCode = await main(process.argv.slice(2));
