/**
 * What the command line does, as functions that return exit codes and write through an `Io`, so tests run
 * them in-process. Exit codes: 0 clean, 1 findings or stale output, 2 bad usage, bad config or a failed write.
 */
import { existsSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { hasErrors, type Finding } from './check/finding.js';
import { checkMixin } from './check/mixin.js';
import { formatJson, formatText } from './check/report.js';
import { ConfigError } from './engine/config.js';
import { loadConfigFile } from './spt/config-file.js';
import { parseSelector } from './engine/selector.js';
import type { Mixin } from './engine/mixin.js';
import { DATASOURCE_VARIABLE } from './grafana/panel.js';
import { serializeAll } from './render/serialize.js';
import { staleFiles, writeAll } from './render/write.js';
import { sptCatalogue } from './spt/catalogue.js';
import type { SptConfig } from './spt/config.js';
import { ALERTS_FILE, RECORDING_RULES_FILE, artifacts, dashboardPath, renderCommandLine, type Part } from './spt/deploy.js';
import { sptMixin } from './spt/mixin.js';
import { consoleIo, type Io } from './io.js';
import { lintGate } from './lint/gate.js';
import { ownFiles, sptLintProfile } from './spt/lint-profile.js';
import { projectDir } from './paths.js';
import { stopwatch, type Stopwatch } from './stopwatch.js';

export const DEFAULT_OUT = projectDir('deploy');

export { consoleIo, type Io };

class UsageError extends Error {}
class HelpRequested extends Error {}

export const USAGE = `usage: spt-mixin <render|validate|check> [--config FILE] [--out DIR] [--only dashboards|rules] [--format text|json]
       spt-mixin lint [FILE...] [--format text|json] [--max-warnings N] [--rule ID=off|info|warning|error]... [--exclusions FILE] [--quiet] [--out DIR] [--config FILE]
  render    check the mixin and write every artifact into DIR (default: deploy/), all files or none
  validate  check the mixin and write nothing
  check     compare what render would write with DIR; exit 1 and show a diff when stale
  lint      check dashboards, ConfigMaps, rule files and PrometheusRules from anywhere (default: deploy/)
  --config FILE  YAML or JSON file of _config keys to override (see README, Configuration)
  --only PART    only dashboards, or only rules (default: both)
  --max-warnings N     lint fails on more than N warnings
  --rule ID=LEVEL      change one rule's severity (off, info, warning, error); repeatable
  --exclusions FILE    YAML list of {rule, reason, file|group|alert|dashboard|panel} findings to accept
  --quiet              list errors only
  --timings      print how long building, checking and writing took, on stderr`;

interface Options {
  command: 'render' | 'validate' | 'check' | 'lint';
  files: string[];
  out: string;
  format: 'text' | 'json';
  config?: string;
  parts: Part[];
  /** Print each step's duration on stderr. */
  timings?: boolean;
  lint: { maxWarnings?: string; rules: string[]; exclusions?: string; quiet: boolean };
}

const COMMANDS = ['render', 'validate', 'check', 'lint'] as const;
const PARTS: readonly Part[] = ['dashboards', 'rules'];

function readArgs(argv: string[]) {
  try {
    return parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        out: { type: 'string' },
        config: { type: 'string' },
        only: { type: 'string' },
        format: { type: 'string', default: 'text' },
        timings: { type: 'boolean', default: false },
        help: { type: 'boolean', short: 'h' },
        'max-warnings': { type: 'string' },
        rule: { type: 'string', multiple: true },
        exclusions: { type: 'string' },
        quiet: { type: 'boolean', default: false },
      },
    });
  } catch (error) {
    throw new UsageError(error instanceof Error ? error.message : String(error));
  }
}

function parse(argv: string[]): Options {
  const { values, positionals } = readArgs(argv);
  if (values.help) throw new HelpRequested();
  const command = COMMANDS.find((c) => c === positionals[0]);
  if (!command) throw new UsageError(positionals[0] === undefined ? 'no command given' : `unknown command "${positionals[0]}"`);
  if (command !== 'lint' && positionals.length > 1) throw new UsageError(`unexpected argument "${positionals[1]}"`);
  const lintOnly = (['max-warnings', 'rule', 'exclusions', 'quiet'] as const).find((flag) => values[flag] !== undefined && values[flag] !== false);
  if (command !== 'lint' && lintOnly) throw new UsageError(`--${lintOnly} is an option of lint only`);
  if (values.format !== 'text' && values.format !== 'json') {
    throw new UsageError(`invalid value for --format (${values.format}); expected one of: text, json`);
  }
  const only = values.only;
  const part = PARTS.find((p) => p === only);
  if (only !== undefined && !part) throw new UsageError(`invalid value for --only (${only}); expected one of: ${PARTS.join(', ')}`);
  return {
    command,
    files: positionals.slice(1),
    out: values.out ?? DEFAULT_OUT,
    format: values.format,
    ...(values.config !== undefined ? { config: values.config } : {}),
    parts: part ? [part] : [...PARTS],
    timings: values.timings ?? false,
    lint: {
      ...(values['max-warnings'] !== undefined ? { maxWarnings: values['max-warnings'] } : {}),
      rules: values.rule ?? [],
      ...(values.exclusions !== undefined ? { exclusions: values.exclusions } : {}),
      quiet: values.quiet ?? false,
    },
  };
}

export function checkSpt(mixin: Mixin<SptConfig>): Finding[] {
  return checkMixin(mixin, {
    catalogue: sptCatalogue(parseSelector(mixin._config.sptSelector).map((m) => m.label)),
    datasourceUid: DATASOURCE_VARIABLE,
    alertPrefix: 'Spt',
    files: { dashboards: dashboardPath, rules: RECORDING_RULES_FILE, alerts: ALERTS_FILE },
  });
}

function report(findings: readonly Finding[], options: Options, io: Io): void {
  if (options.format === 'json') io.out(formatJson(findings));
  else if (findings.length > 0 || options.command === 'validate' || options.command === 'lint') {
    (hasErrors(findings) ? io.err : io.out)(formatText(findings));
  }
}

/** Without files, lints what render wrote; the project's own files get every check `validate` applies. */
async function lint(options: Options, io: Io): Promise<number> {
  const mixin = sptMixin.withConfig(options.config ? await loadConfigFile(options.config, (warning) => io.err(`warning: ${warning}`)) : {});
  const files = options.files.length > 0 ? options.files : ownFiles(options.out);
  return lintGate({ ...options.lint, files, format: options.format, profile: sptLintProfile(mixin, options.out) }, io);
}

export class ChecksFailed extends Error {
  constructor(readonly findings: Finding[]) {
    super(`the mixin has errors; nothing written\n${formatText(findings)}`);
    this.name = 'ChecksFailed';
  }
}

/** For code that customizes the mixin: check it, then write its files into `out`, all or none. */
export async function renderTo(mixin: Mixin<SptConfig>, out: string, parts: readonly Part[] = PARTS): Promise<string[]> {
  const findings = checkSpt(mixin);
  if (hasErrors(findings)) throw new ChecksFailed(findings);
  return writeAll(out, await serializeAll(artifacts(mixin, parts)));
}

/** Checks, then renders, then writes or compares: the pipeline every command shares up to its last step. */
export async function runCommand(mixin: Mixin<SptConfig>, options: Options, io: Io, timer: Stopwatch = stopwatch()): Promise<number> {
  try {
    return await runSteps(mixin, options, io, timer);
  } finally {
    if (options.timings) io.err(timer.text());
  }
}

async function runSteps(mixin: Mixin<SptConfig>, options: Options, io: Io, timer: Stopwatch): Promise<number> {
  const findings = checkSpt(mixin);
  timer.lap('check');
  report(findings, options, io);
  if (hasErrors(findings)) {
    if (options.command !== 'validate') io.err('nothing written: fix the errors above first');
    return 1;
  }
  if (options.command === 'validate') return 0;

  // With --format json, stdout carries the findings document alone.
  const status = options.format === 'json' ? io.err : io.out;
  // A customised render's headers name the command that makes it; `check` compares with exactly that.
  const command = options.config
    ? renderCommandLine({ config: options.config, ...(options.out !== DEFAULT_OUT ? { out: options.out } : {}), parts: options.parts })
    : undefined;
  const files = await serializeAll(artifacts(mixin, options.parts, command));
  timer.lap('format');
  if (options.command === 'check') {
    const code = await compare(options, files, io, status);
    timer.lap('compare');
    return code;
  }
  const written = await writeAll(options.out, files);
  timer.lap('write');
  status(`wrote ${written.length} files to ${options.out}`);
  return 0;
}

/** The render command that brings `out` up to date, with the options this check ran with. */
function renderCommand(options: Options): string {
  const args = [
    ...(options.config ? ['--config', options.config] : []),
    ...(options.out !== DEFAULT_OUT ? ['--out', options.out] : []),
    ...(options.parts.length === 1 ? ['--only', ...options.parts] : []),
  ];
  return ['npm run render', ...(args.length > 0 ? ['--', ...args] : [])].join(' ');
}

/** Diffs go to stdout (they are what `check` produces, `npm run check > stale.diff` keeps them); the verdict to stderr. */
async function compare(options: Options, files: ReadonlyMap<string, string>, io: Io, status: (text: string) => void): Promise<number> {
  const { out } = options;
  if (!existsSync(out)) {
    io.err(`error: ${out} does not exist; run \`${renderCommand(options)}\` first`);
    return 1;
  }
  const stale = await staleFiles(out, files);
  if (stale.length === 0) {
    status(`${files.size} files in ${out} are up to date`);
    return 0;
  }
  // Loaded only when there is something to show: a clean check never pays for it.
  const { createTwoFilesPatch } = await import('diff');
  for (const { path, actual, expected } of stale) {
    status(createTwoFilesPatch(`a/${path}`, `b/${path}`, actual ?? '', expected, actual === undefined ? 'missing' : 'on disk', 'rendered').trimEnd());
  }
  io.err(`${stale.length} file(s) out of date in ${out}: run \`${renderCommand(options)}\` and commit the result`);
  return 1;
}

export async function main(argv: string[], io: Io = consoleIo): Promise<number> {
  try {
    const options = parse(argv);
    if (options.command === 'lint') return await lint(options, io);
    const timer = stopwatch();
    const patch = options.config ? await loadConfigFile(options.config, (warning) => io.err(`warning: ${warning}`)) : {};
    const mixin = sptMixin.withConfig(patch);
    timer.lap('build');
    return await runCommand(mixin, options, io, timer);
  } catch (error) {
    if (error instanceof HelpRequested) {
      io.out(USAGE);
      return 0;
    }
    if (error instanceof UsageError) {
      io.err(`error: ${error.message}`);
      io.err(USAGE);
      return 2;
    }
    if (error instanceof ConfigError) {
      io.err(`error: ${error.message}`);
      return 2;
    }
    const message = error instanceof Error ? error.message : String(error);
    io.err(`error: ${message}`);
    if ((error as NodeJS.ErrnoException)?.code) io.err('hint: check that the output folder is writable; nothing was written');
    return 2;
  }
}
