/**
 * The command line's grammar: flags, usage text, and the render command as the user would type it again.
 * Paths are the user's: relative ones resolve against the folder the command was typed in.
 */
import { isAbsolute, join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { closestName } from '../engine/closest.js';
import { PROJECT_ROOT } from '../paths.js';
import type { Part } from '../spt/deploy.js';
import { PARTS } from '../spt/render.js';

export class UsageError extends Error {}

/** How the user started the command, so paths and suggested commands are theirs. */
export interface Invocation {
  /** The folder the command was typed in (npm's INIT_CWD under `npm run`). */
  cwd: string;
  /** `npm`: through this repository's npm scripts (`npm run render -- ...`); `npx`: the installed `spt-mixin`. */
  via: 'npm' | 'npx';
}

export const DEFAULT_OUT = 'deploy';

export const USAGE = `usage: spt-mixin <render|validate|check> [--config FILE] [--out DIR] [--docs DIR] [--only dashboards|rules] [--format text|json]
       spt-mixin lint [FILE...] [--format text|json] [--max-warnings N] [--rule ID=off|info|warning|error]... [--exclusions FILE] [--quiet]
       spt-mixin --help | --version
  render    check the mixin and write every artifact into DIR (default: ./deploy), all files or none
  validate  check the mixin and write nothing
  check     compare what render would write with DIR; exit 1 and show a diff when stale or when DIR holds other files
  lint      check dashboards, ConfigMaps, rule files and PrometheusRules from anywhere (default: the files in ./deploy)
  --config FILE  YAML or JSON file of _config keys to override (see README, Configuration)
  --out DIR      the output folder (default: ./deploy)
  --docs DIR     also write each dashboard's layout picture (NAME.layout.svg) into DIR, or compare with it
                 (default: none; this repository's own render, with the default --out and no --config, uses docs/)
  --only PART    only dashboards, or only rules (default: both)
  --format FMT   text or json findings (default: text)
  --timings      print how long building, checking and writing took, on stderr
  --max-warnings N     lint fails on more than N warnings
  --rule ID=LEVEL      lint: change one rule's severity (off, info, warning, error); repeatable
  --exclusions FILE    lint: YAML list of {rule, reason, file|group|alert|dashboard|panel} findings to accept
  --quiet              lint: list errors only
Relative paths are taken from the folder the command is run in.
Exit codes: 0 clean, 1 findings or stale output, 2 bad usage, bad config or a failed write.`;

export interface Options {
  command: 'render' | 'validate' | 'check' | 'lint';
  /** lint's files, resolved. */
  files: string[];
  /** The output folder, resolved. */
  out: string;
  /** The output folder as the user gave it, for messages. */
  outAsTyped: string;
  /** Where the dashboards' layout pictures go, resolved and as typed; none unless asked (or this repository's render). */
  docs?: { dir: string; asTyped: string };
  format: 'text' | 'json';
  /** The config file, resolved. */
  config?: string;
  parts: Part[];
  /** Print each step's duration on stderr. */
  timings: boolean;
  /** The render command, as the user would type it, that writes what this run renders or compares with. */
  renderCommand: string;
  /**
   * With a config, what the generated headers name: the installed command with the arguments as typed, the same
   * whichever way it was run, so `check` through npm finds a render through npx current.
   */
  headerCommand?: string;
  lint: LintFlags;
}

export interface LintFlags {
  maxWarnings?: string;
  rules: string[];
  exclusions?: string;
  quiet: boolean;
}

/** What the user asked for before anything is run: help, the version, or a command. */
export type Request = { kind: 'help' } | { kind: 'version' } | { kind: 'command'; options: Options };

const COMMANDS = ['render', 'validate', 'check', 'lint'] as const;

const FLAGS = {
  out: { type: 'string' },
  docs: { type: 'string' },
  config: { type: 'string' },
  only: { type: 'string' },
  format: { type: 'string', default: 'text' },
  timings: { type: 'boolean', default: false },
  help: { type: 'boolean', short: 'h' },
  version: { type: 'boolean', short: 'v' },
  'max-warnings': { type: 'string' },
  rule: { type: 'string', multiple: true },
  exclusions: { type: 'string' },
  quiet: { type: 'boolean', default: false },
} as const;

const LINT_ONLY = ['max-warnings', 'rule', 'exclusions', 'quiet'] as const;

/** parseArgs says only that a flag is unknown; the user wants to know which one they meant. */
function assertKnownFlags(argv: readonly string[]): void {
  for (const arg of argv) {
    if (arg === '--') return;
    if (!arg.startsWith('--')) continue;
    const name = arg.slice(2).split('=')[0] as string;
    if (Object.hasOwn(FLAGS, name)) continue;
    const near = closestName(name, Object.keys(FLAGS));
    throw new UsageError(`unknown option --${name}${near ? `; did you mean --${near}?` : ''}`);
  }
}

function readArgs(argv: string[]) {
  assertKnownFlags(argv);
  try {
    return parseArgs({ args: argv, allowPositionals: true, options: FLAGS });
  } catch (error) {
    throw new UsageError(error instanceof Error ? error.message : String(error));
  }
}

export function parse(argv: string[], invocation: Invocation): Request {
  const { values, positionals } = readArgs(argv);
  if (values.help) return { kind: 'help' };
  if (values.version) return { kind: 'version' };
  const command = COMMANDS.find((c) => c === positionals[0]);
  if (!command) throw new UsageError(positionals[0] === undefined ? 'no command given' : `unknown command "${positionals[0]}"`);
  if (command !== 'lint' && positionals.length > 1) throw new UsageError(`unexpected argument "${positionals[1]}"`);
  const lintOnly = LINT_ONLY.find((flag) => values[flag] !== undefined && values[flag] !== false);
  if (command !== 'lint' && lintOnly) throw new UsageError(`--${lintOnly} is an option of lint only`);
  if (values.docs !== undefined && command !== 'render' && command !== 'check') throw new UsageError('--docs is an option of render and check only');
  if (values.format !== 'text' && values.format !== 'json') {
    throw new UsageError(`invalid value for --format (${values.format}); expected one of: text, json`);
  }
  const only = values.only;
  const part = PARTS.find((p) => p === only);
  if (only !== undefined && !part) throw new UsageError(`invalid value for --only (${only}); expected one of: ${PARTS.join(', ')}`);
  const renderArgs = [
    ...(values.config !== undefined ? ['--config', values.config] : []),
    ...(values.out !== undefined ? ['--out', values.out] : []),
    ...(values.docs !== undefined ? ['--docs', values.docs] : []),
    ...(part ? ['--only', part] : []),
  ];
  const path = (p: string): string => (isAbsolute(p) ? p : resolve(invocation.cwd, p));
  const out = path(values.out ?? DEFAULT_OUT);
  const docs = docsFolder(values.docs, path, out, values.config === undefined && part !== 'rules');
  return {
    kind: 'command',
    options: {
      command,
      files: positionals.slice(1).map(path),
      out,
      outAsTyped: values.out ?? DEFAULT_OUT,
      ...(docs ? { docs } : {}),
      format: values.format,
      ...(values.config !== undefined ? { config: path(values.config) } : {}),
      parts: part ? [part] : [...PARTS],
      timings: values.timings,
      renderCommand: commandLine(invocation, 'render', renderArgs),
      ...(values.config !== undefined ? { headerCommand: commandLine({ ...invocation, via: 'npx' }, 'render', renderArgs) } : {}),
      lint: {
        ...(values['max-warnings'] !== undefined ? { maxWarnings: values['max-warnings'] } : {}),
        rules: values.rule ?? [],
        ...(values.exclusions !== undefined ? { exclusions: values.exclusions } : {}),
        quiet: values.quiet,
      },
    },
  };
}

/**
 * Layout pictures are documentation, not deployment: a consumer's `render --out DIR` must not write into their
 * docs/ unasked. So only `--docs DIR`, or this repository rendering its own deploy/ with the defaults (where the
 * README shows docs/spt-overview.layout.svg), writes them.
 */
function docsFolder(typed: string | undefined, path: (p: string) => string, out: string, defaults: boolean): Options['docs'] {
  if (typed !== undefined) return { dir: path(typed), asTyped: typed };
  if (defaults && out === join(PROJECT_ROOT, DEFAULT_OUT)) return { dir: join(PROJECT_ROOT, 'docs'), asTyped: 'docs' };
  return undefined;
}

/** `npm run render -- --out x` or `npx spt-mixin render --out x`, with arguments quoted for a POSIX shell. */
export function commandLine(invocation: Invocation, command: string, args: readonly string[]): string {
  const quoted = args.map(shellQuote);
  const words =
    invocation.via === 'npm'
      ? ['npm run', command, ...(quoted.length > 0 ? ['--', ...quoted] : [])]
      : ['npx spt-mixin', command, ...quoted];
  return words.join(' ');
}

function shellQuote(word: string): string {
  return /^[\w@%+=:,./-]+$/.test(word) ? word : `'${word.replaceAll("'", `'\\''`)}'`;
}
