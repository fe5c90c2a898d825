/**
 * What the command line does, as functions that return exit codes and write through an `Io`, so tests run
 * them in-process. Exit codes: 0 clean, 1 findings or stale output, 2 bad usage, bad config or a failed write.
 */
import { readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { hasErrors, type Finding } from '../check/finding.js';
import { formatJson, formatText } from '../check/report.js';
import { ConfigError } from '../engine/config.js';
import type { Mixin } from '../engine/mixin.js';
import { consoleIo, type Io } from '../io.js';
import { lintGate } from '../lint/gate.js';
import { PROJECT_ROOT } from '../paths.js';
import { serializeAll } from '../render/serialize.js';
import { assertWritable, extraFiles, staleFiles, writeAll } from '../render/write.js';
import { loadConfigFile } from '../spt/config-file.js';
import type { SptConfig } from '../spt/config.js';
import { artifacts, docsArtifacts } from '../spt/deploy.js';
import { ownFiles, sptLintProfile } from '../spt/lint-profile.js';
import { sptMixin } from '../spt/mixin.js';
import { checkSpt } from '../spt/render.js';
import { stopwatch, type Stopwatch } from '../stopwatch.js';
import { USAGE, UsageError, parse, type Invocation, type Options } from './args.js';

export { consoleIo, type Io };

function report(findings: readonly Finding[], options: Options, io: Io): void {
  if (options.format === 'json') io.out(formatJson(findings));
  else if (findings.length > 0 || options.command === 'validate' || options.command === 'lint') {
    (hasErrors(findings) ? io.err : io.out)(formatText(findings));
  }
}

const configPatch = async (options: Options, io: Io) =>
  options.config ? await loadConfigFile(options.config, (warning) => io.err(`warning: ${warning}`)) : {};

/** Without files, lints what render wrote; the project's own files get every check `validate` applies. */
async function lint(options: Options, io: Io): Promise<number> {
  const mixin = sptMixin.withConfig(await configPatch(options, io));
  const files = options.files.length > 0 ? options.files : ownFiles(options.out, mixin._config.grafanaDashboardFormat);
  return lintGate({ ...options.lint, files, format: options.format, profile: sptLintProfile(mixin, options.out) }, io);
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
  const files = await serializeAll([...artifacts(mixin, options.parts, options.headerCommand), ...docsFiles(mixin, options)]);
  timer.lap('format');
  if (options.command === 'check') {
    const code = await compare(options, files, io, status);
    timer.lap('compare');
    return code;
  }
  const written = await writeAll(options.out, files);
  timer.lap('write');
  status(`wrote ${written.length} files to ${options.outAsTyped}${options.docs ? ` and ${options.docs.asTyped}` : ''}`);
  return 0;
}

/**
 * The layout pictures and runbooks, with paths from the output folder (`../docs/spt-overview.layout.svg`), so they are written
 * in the same all-or-nothing step as deploy/ and compared by the same `check`.
 */
function docsFiles(mixin: Mixin<SptConfig>, options: Options) {
  const docs = options.docs;
  if (!docs) return [];
  return docsArtifacts(mixin, options.parts).map((artifact) => ({ ...artifact, path: relative(options.out, join(docs.dir, artifact.path)) }));
}

/** Diffs go to stdout (they are what `check` produces, `npm run check > stale.diff` keeps them); the verdict to stderr. */
async function compare(options: Options, files: ReadonlyMap<string, string>, io: Io, status: (text: string) => void): Promise<number> {
  const out = options.outAsTyped;
  const stale = await staleFiles(options.out, files);
  if (stale.length === files.size && stale.every((s) => s.actual === undefined)) {
    io.err(`error: ${out} holds none of the rendered files; run \`${options.renderCommand}\` first`);
    return 1;
  }
  // Files of the other part belong to a full render; only a full render says what does not belong.
  const extra = options.parts.length === 1 ? [] : await extraFiles(options.out, files);
  if (stale.length === 0 && extra.length === 0) {
    status(`${files.size} files in ${out}${options.docs ? ` and ${options.docs.asTyped}` : ''} are up to date`);
    return 0;
  }
  if (stale.length > 0) {
    // Loaded only when there is something to show: a clean check never pays for it.
    const { createTwoFilesPatch } = await import('diff');
    for (const { path, actual, expected } of stale) {
      status(createTwoFilesPatch(`a/${path}`, `b/${path}`, actual ?? '', expected, actual === undefined ? 'missing' : 'on disk', 'rendered').trimEnd());
    }
    io.err(`${stale.length} file(s) out of date in ${out}: run \`${options.renderCommand}\` and commit the result`);
  }
  for (const path of extra) io.err(`${join(out, path)}: not written by render (left from an older render?); delete it, or keep it outside ${out}`);
  return 1;
}

function version(): string {
  return (JSON.parse(readFileSync(join(PROJECT_ROOT, 'package.json'), 'utf8')) as { version: string }).version;
}

/** The npm scripts of this repository, as the default: tests call it without saying how it was invoked. */
const NPM_HERE: Invocation = { cwd: process.cwd(), via: 'npm' };

export async function main(argv: string[], io: Io = consoleIo, invocation: Invocation = NPM_HERE): Promise<number> {
  try {
    const request = parse(argv, invocation);
    if (request.kind === 'help') {
      io.out(USAGE);
      return 0;
    }
    if (request.kind === 'version') {
      io.out(version());
      return 0;
    }
    const { options } = request;
    if (options.command === 'lint') return await lint(options, io);
    if (options.command === 'render') await assertWritable(options.out);
    const timer = stopwatch();
    const mixin = sptMixin.withConfig(await configPatch(options, io));
    timer.lap('build');
    return await runCommand(mixin, options, io, timer);
  } catch (error) {
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
