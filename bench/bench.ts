/**
 * `npm run bench`: the figures the README quotes, measured side by side in one run.
 *
 *   start-up     `npm run -s render` against `npm run -s noop` (a script that only runs `node -e 0`), as a ratio;
 *                and the installed command, `node_modules/.bin/spt-mixin render` in a project that installed the
 *                packed tarball, against `node -e 0`
 *   validation   the checks of the SPT mixin alone, after start-up (`npm run -s validate -- --timings`)
 *   scale        `npm run -s scale` against `jsonnet -m` on ../shared/bench/scale.jsonnet: wall time, peak
 *                memory, the ratio of the two, and the growth from 10 to 100 dashboards
 *   distinct     the same with every expression distinct (`--distinct` against scale-distinct.jsonnet), where
 *                no cache of parsed or checked expressions helps
 *
 * Every figure is the median of several runs (one unmeasured warm-up first for ours, which also builds dist/
 * and its code cache when they are missing). Peak memory is the largest resident set of the process tree, from
 * GNU time (`/usr/bin/time -f %M`); without it, from /proc sampling (Linux); else not shown.
 *
 *   npm run bench                  about 8 minutes, most of it jsonnet at 100 dashboards
 *   npm run bench -- --full        also jsonnet at 200 dashboards (about 3 minutes more)
 *   npm run bench -- --quick       one jsonnet run per size and fewer of ours: for trying things, not for quoting
 *
 * Writes the figures to bench/results/<time>.json (git-ignored) and prints a Markdown table.
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, release, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { isDeepStrictEqual, parseArgs } from 'node:util';
import { PROJECT_ROOT } from '../lib/paths.js';

const { values: flags } = parseArgs({
  options: { full: { type: 'boolean', default: false }, quick: { type: 'boolean', default: false } },
});

const ROOT = PROJECT_ROOT;
const BENCH_SOURCES = join(ROOT, '..', 'shared', 'bench');

/** The two synthetic mixins: the engine's flags and the jsonnet file that renders the same files. */
interface Variant {
  name: 'repeated' | 'distinct';
  flags: readonly string[];
  jsonnet: string;
}

const REPEATED: Variant = { name: 'repeated', flags: [], jsonnet: join(BENCH_SOURCES, 'scale.jsonnet') };
const DISTINCT: Variant = { name: 'distinct', flags: ['--distinct'], jsonnet: join(BENCH_SOURCES, 'scale-distinct.jsonnet') };
const TIME = '/usr/bin/time';
const runs = {
  startup: flags.quick ? 5 : 15,
  validate: flags.quick ? 5 : 11,
  engine: flags.quick ? 3 : 5,
  jsonnet: flags.quick ? 1 : 3,
};

interface Sample {
  seconds: number;
  /** Peak resident set of the largest process in the tree, in MB. */
  peakMb: number | undefined;
  stderr: string;
}

// -------------------------------------------------------------------------------------------------------------
// Running and measuring one command.

const gnuTime = spawnSync(TIME, ['-f', '%M', 'true'], { encoding: 'utf8' }).status === 0;
const procfs = existsSync('/proc/self/status');
const memorySource = gnuTime ? 'GNU time %M' : procfs ? '/proc VmHWM sampling' : 'none';

/** Runs `command` and measures wall time and peak memory; a non-zero exit stops the bench. */
async function measure(command: string, args: readonly string[], cwd = ROOT): Promise<Sample> {
  const marker = '@@peak-kb ';
  const [file, argv] = gnuTime ? [TIME, ['-f', `${marker}%M`, command, ...args]] : [command, [...args]];
  const started = performance.now();
  const child = spawn(file, argv, { cwd, stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  let sampledKb = 0;
  const sampler = !gnuTime && procfs ? setInterval(() => (sampledKb = Math.max(sampledKb, treePeakKb(child.pid))), 10) : undefined;
  const code: number = await new Promise((resolve) => child.on('close', (c) => resolve(c ?? 1)));
  const seconds = (performance.now() - started) / 1000;
  if (sampler) clearInterval(sampler);
  const marked = stderr.match(new RegExp(`${marker}(\\d+)\\s*$`));
  if (code !== 0) throw new Error(`${command} ${args.join(' ')} exited with ${code}:\n${stderr}`);
  const peakKb = marked ? Number(marked[1]) : sampledKb || undefined;
  return { seconds, peakMb: peakKb === undefined ? undefined : peakKb / 1024, stderr: marked ? stderr.slice(0, marked.index) : stderr };
}

/** The largest VmHWM (peak resident set) among a process and its descendants, from /proc. */
function treePeakKb(pid: number | undefined): number {
  if (pid === undefined) return 0;
  const children = new Map<number, number[]>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      children.set(ppid, [...(children.get(ppid) ?? []), Number(entry)]);
    } catch {
      // gone already
    }
  }
  let peak = 0;
  const visit = (p: number): void => {
    try {
      const hwm = readFileSync(`/proc/${p}/status`, 'utf8').match(/VmHWM:\s+(\d+)/);
      if (hwm) peak = Math.max(peak, Number(hwm[1]));
    } catch {
      // gone already
    }
    for (const c of children.get(p) ?? []) visit(c);
  };
  visit(pid);
  return peak;
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? (sorted[mid] as number) : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
}

function medianOrUndefined(values: ReadonlyArray<number | undefined>): number | undefined {
  const known = values.filter((v): v is number => v !== undefined);
  return known.length === values.length && known.length > 0 ? median(known) : undefined;
}

function progress(text: string): void {
  process.stderr.write(`${text}\n`);
}

// -------------------------------------------------------------------------------------------------------------
// Start-up and validation.

async function startup() {
  progress(`start-up: npm run -s render and npm run -s noop, ${runs.startup} runs each, alternating`);
  // Into a scratch folder: a bench must never rewrite the committed deploy/.
  const out = mkdtempSync(join(tmpdir(), 'spt-bench-render-'));
  const render = ['run', '-s', 'render', '--', '--out', out];
  await measure('npm', render);
  await measure('npm', ['run', '-s', 'noop']);
  const renderTimes: number[] = [];
  const noop: number[] = [];
  for (let i = 0; i < runs.startup; i++) {
    renderTimes.push((await measure('npm', render)).seconds);
    noop.push((await measure('npm', ['run', '-s', 'noop'])).seconds);
  }
  rmSync(out, { recursive: true, force: true });
  const renderS = median(renderTimes);
  const noopS = median(noop);
  return { runs: runs.startup, renderS, noopS, ratio: renderS / noopS };
}

/** The installed command's start-up: `npm pack`, installed into a scratch consumer project, against bare `node`. */
async function installedStartup() {
  progress(`start-up, installed: node_modules/.bin/spt-mixin render and node -e 0, ${runs.startup} runs each, alternating`);
  const dir = mkdtempSync(join(tmpdir(), 'spt-bench-installed-'));
  try {
    const npm = (args: string[], cwd: string): string => {
      const run = spawnSync('npm', args, { cwd, encoding: 'utf8' });
      if (run.status !== 0) throw new Error(`npm ${args.join(' ')} failed: ${run.stderr}`);
      return run.stdout;
    };
    npm(['pack', '--silent', '--pack-destination', dir], ROOT);
    const tarball = readdirSync(dir).find((name) => name.endsWith('.tgz'));
    if (!tarball) throw new Error('npm pack wrote no tarball');
    const consumer = join(dir, 'consumer');
    mkdirSync(consumer);
    writeFileSync(join(consumer, 'package.json'), JSON.stringify({ name: 'bench-consumer', private: true }));
    npm(['install', '--prefer-offline', '--no-audit', '--no-fund', join(dir, tarball)], consumer);
    const command = [join(consumer, 'node_modules', '.bin', 'spt-mixin'), 'render', '--out', join(dir, 'out')] as const;
    // The first run writes the code cache next to the installed bundle, as a user's first run does.
    await measure(command[0], command.slice(1), consumer);
    const ours: number[] = [];
    const bare: number[] = [];
    for (let i = 0; i < runs.startup; i++) {
      ours.push((await measure(command[0], command.slice(1), consumer)).seconds);
      bare.push((await measure(process.execPath, ['-e', '0'], consumer)).seconds);
    }
    const renderS = median(ours);
    const nodeS = median(bare);
    return { runs: runs.startup, renderS, nodeS, ratio: renderS / nodeS };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

async function validation() {
  progress(`validation: npm run -s validate -- --timings, ${runs.validate} runs`);
  await measure('npm', ['run', '-s', 'validate', '--', '--timings']);
  const check: number[] = [];
  const wall: number[] = [];
  for (let i = 0; i < runs.validate; i++) {
    const sample = await measure('npm', ['run', '-s', 'validate', '--', '--timings']);
    check.push(checkMs(sample));
    wall.push(sample.seconds);
  }
  return { runs: runs.validate, checkMs: median(check), commandS: median(wall) };
}

// -------------------------------------------------------------------------------------------------------------
// Scale.

interface Size {
  dashboards: number;
  panels: number;
  rules: number;
}

interface Measured {
  runs: number;
  wallS: number;
  peakMb: number | undefined;
}

async function repeat(count: number, run: (out: string) => Promise<Sample>, keep?: (out: string) => void): Promise<Measured> {
  const samples: Sample[] = [];
  for (let i = 0; i < count; i++) {
    const out = mkdtempSync(join(tmpdir(), 'spt-bench-'));
    try {
      samples.push(await run(out));
      if (i === 0) keep?.(out);
    } finally {
      rmSync(out, { recursive: true, force: true });
    }
  }
  return { runs: count, wallS: median(samples.map((s) => s.seconds)), peakMb: medianOrUndefined(samples.map((s) => s.peakMb)) };
}

const engineArgs = (size: Size, variant: Variant, out: string): string[] => [
  'run', '-s', 'scale', '--',
  '--dashboards', String(size.dashboards), '--panels', String(size.panels), '--rules', String(size.rules), ...variant.flags, '--out', out,
];

function jsonnetRun(size: Size, variant: Variant) {
  return (out: string): Promise<Sample> => {
    mkdirSync(join(out, 'dashboards'), { recursive: true });
    const ext = (name: string, value: number): string[] => ['--ext-str', `${name}=${value}`];
    return measure('jsonnet', ['-m', out, ...ext('dashboards', size.dashboards), ...ext('panels', size.panels), ...ext('rules', size.rules), variant.jsonnet]);
  };
}

/** Every file of one output folder, parsed. */
function readOutputs(dir: string): Map<string, unknown> {
  const files = new Map<string, unknown>();
  const walk = (sub: string): void => {
    for (const entry of readdirSync(join(dir, sub), { withFileTypes: true })) {
      const rel = sub ? `${sub}/${entry.name}` : entry.name;
      if (entry.isDirectory()) walk(rel);
      else files.set(rel, JSON.parse(readFileSync(join(dir, rel), 'utf8')));
    }
  };
  walk('');
  return files;
}

/** The check step's duration of one run, from `--timings`. */
function checkMs(sample: Sample): number {
  const ms = sample.stderr.match(/check ([\d.]+) ms/);
  if (!ms) throw new Error(`no check timing in: ${sample.stderr}`);
  return Number(ms[1]);
}

async function scale(size: Size, withJsonnet: boolean, variant: Variant = REPEATED) {
  const label = `${variant.name} (${size.dashboards}, ${size.panels}, ${size.rules})`;
  progress(`scale ${label}: engine ${runs.engine} runs${withJsonnet ? `, jsonnet ${runs.jsonnet} runs` : ''}`);
  const args = (out: string): string[] => [...engineArgs(size, variant, out), '--timings'];
  await repeat(1, (out) => measure('npm', args(out)));
  let ours: Map<string, unknown> | undefined;
  const checks: number[] = [];
  const engine = await repeat(
    runs.engine,
    async (out) => {
      const sample = await measure('npm', args(out));
      checks.push(checkMs(sample));
      return sample;
    },
    (out) => (ours = readOutputs(out)),
  );
  const checkStep = { checkMs: median(checks) };
  if (!withJsonnet) return { size, variant: variant.name, engine: { ...engine, ...checkStep } };
  let theirs: Map<string, unknown> | undefined;
  const jsonnet = await repeat(runs.jsonnet, jsonnetRun(size, variant), (out) => (theirs = readOutputs(out)));
  const equal =
    ours !== undefined && theirs !== undefined && ours.size === theirs.size &&
    [...ours].every(([path, value]) => isDeepStrictEqual(value, theirs?.get(path)));
  if (!equal) throw new Error(`scale ${label}: the engine's files are not JSON-equal to jsonnet's`);
  return { size, variant: variant.name, engine: { ...engine, ...checkStep }, jsonnet, jsonEqual: equal, ratio: jsonnet.wallS / engine.wallS };
}

// -------------------------------------------------------------------------------------------------------------
// Report.

const versionOf = (command: string, args: string[]): string | undefined => {
  const run = spawnSync(command, args, { encoding: 'utf8' });
  return run.status === 0 ? (run.stdout || run.stderr).trim().split('\n')[0] : undefined;
};

const seconds = (s: number): string => (s < 10 ? s.toFixed(2) : s.toFixed(1)) + ' s';
const mb = (m: number | undefined): string => (m === undefined ? 'n/a' : `${Math.round(m)} MB`);
const verdict = (ok: boolean): string => (ok ? 'met' : '**not met**');

async function main(): Promise<void> {
  const jsonnetVersion = versionOf('jsonnet', ['--version']);
  const haveJsonnet = jsonnetVersion !== undefined && existsSync(REPEATED.jsonnet) && existsSync(DISTINCT.jsonnet);
  if (!haveJsonnet) progress(`jsonnet, ${REPEATED.jsonnet} or ${DISTINCT.jsonnet} missing: scale figures without jsonnet`);
  const machine = {
    cpu: cpus()[0]?.model ?? 'unknown',
    cpus: cpus().length,
    memoryGb: Math.round(totalmem() / 2 ** 30),
    os: `${process.platform} ${release()}`,
    node: process.version,
    npm: versionOf('npm', ['--version']),
    jsonnet: jsonnetVersion,
    memorySource,
  };
  // Other work on the machine slows both sides of every ratio, but not equally: say how busy it was.
  const loadAtStart = loadavg()[0] ?? 0;
  const started = performance.now();
  const start = await startup();
  const installed = await installedStartup();
  const validate = await validation();
  const small = await scale({ dashboards: 10, panels: 40, rules: 500 }, haveJsonnet);
  const medium = await scale({ dashboards: 100, panels: 40, rules: 5000 }, haveJsonnet);
  const large = await scale({ dashboards: 200, panels: 40, rules: 5000 }, haveJsonnet && flags.full);
  const distinctSmall = await scale({ dashboards: 10, panels: 40, rules: 500 }, haveJsonnet, DISTINCT);
  const distinct = await scale({ dashboards: 100, panels: 40, rules: 5000 }, haveJsonnet, DISTINCT);
  const growth = {
    engine: medium.engine.wallS / small.engine.wallS,
    jsonnet: 'jsonnet' in medium && 'jsonnet' in small && medium.jsonnet && small.jsonnet ? medium.jsonnet.wallS / small.jsonnet.wallS : undefined,
  };
  const totalS = (performance.now() - started) / 1000;
  const load = { start: loadAtStart, end: loadavg()[0] ?? 0 };

  const targets = {
    startupRatio: { target: '<= 2.0', met: start.ratio <= 2.0 },
    installedStartupRatio: { target: '<= 3.0', met: installed.ratio <= 3.0 },
    scale100VsJsonnet: { target: '<= 1/15 of jsonnet', met: 'ratio' in medium && medium.ratio !== undefined ? medium.ratio >= 15 : undefined },
    scale100PeakMemory: { target: '< 500 MB', met: medium.engine.peakMb === undefined ? undefined : medium.engine.peakMb < 500 },
    distinct100VsJsonnet: { target: '<= 1/40 of jsonnet', met: 'ratio' in distinct && distinct.ratio !== undefined ? distinct.ratio >= 40 : undefined },
    growth10to100: { target: '<= 11x', met: growth.engine <= 11 },
    validationMs: { target: '< 20 ms', met: validate.checkMs < 20 },
  };
  const rows = [small, medium, large, distinctSmall, distinct];
  const results = { date: new Date().toISOString(), machine, load, runs, totalS, startup: start, installedStartup: installed, validation: validate, scale: rows, growth, targets };
  const dir = join(ROOT, 'bench', 'results');
  mkdirSync(dir, { recursive: true });
  const file = join(dir, `${results.date.replace(/[:.]/g, '-')}.json`);
  writeFileSync(file, JSON.stringify(results, null, 2) + '\n');

  const met = (m: boolean | undefined): string => (m === undefined ? 'n/a' : verdict(m));
  const lines = [
    `Machine: ${machine.cpu}, ${machine.cpus} CPUs, ${machine.memoryGb} GB, ${machine.os}; Node ${machine.node}, npm ${machine.npm}, ${machine.jsonnet ?? 'no jsonnet'}. Peak memory: ${memorySource}. Load average (1 min): ${load.start.toFixed(1)} at the start, ${load.end.toFixed(1)} at the end.`,
    '',
    '| measure | ours | reference | ratio | target |',
    '| --- | --- | --- | --- | --- |',
    `| start-up: \`npm run -s render\` vs \`npm run -s noop\` (median of ${start.runs}) | ${seconds(start.renderS)} | ${seconds(start.noopS)} | ${start.ratio.toFixed(2)} | <= 2.0: ${met(targets.startupRatio.met)} |`,
    `| start-up, installed: \`node_modules/.bin/spt-mixin render\` vs \`node -e 0\` (median of ${installed.runs}) | ${seconds(installed.renderS)} | ${seconds(installed.nodeS)} | ${installed.ratio.toFixed(2)} | <= 3.0: ${met(targets.installedStartupRatio.met)} |`,
    `| validating the SPT mixin after start-up (median of ${validate.runs}) | ${validate.checkMs.toFixed(1)} ms | | | < 20 ms: ${met(targets.validationMs.met)} |`,
    ...rows.map((row) => {
      const { dashboards, panels, rules } = row.size;
      const theirs = 'jsonnet' in row && row.jsonnet ? row.jsonnet : undefined;
      const ratio = 'ratio' in row && row.ratio !== undefined ? `1/${row.ratio.toFixed(0)}` : '';
      const target =
        dashboards !== 100
          ? ''
          : row.variant === 'distinct'
            ? `<= 1/40: ${met(targets.distinct100VsJsonnet.met)}`
            : `<= 1/15: ${met(targets.scale100VsJsonnet.met)}; < 500 MB: ${met(targets.scale100PeakMemory.met)}`;
      const runsText = `${row.engine.runs}${theirs ? `/${theirs.runs}` : ''}`;
      const what = row.variant === 'distinct' ? 'scale, every expression distinct' : 'scale';
      return `| ${what} (${dashboards}, ${panels}, ${rules}), median of ${runsText} | ${seconds(row.engine.wallS)} (checks ${Math.round(row.engine.checkMs)} ms), ${mb(row.engine.peakMb)} | ${theirs ? `jsonnet ${seconds(theirs.wallS)}, ${mb(theirs.peakMb)}` : 'jsonnet not run'} | ${ratio} | ${target} |`;
    }),
    `| growth from 10 to 100 dashboards | ${growth.engine.toFixed(1)}x | ${growth.jsonnet === undefined ? '' : `jsonnet ${growth.jsonnet.toFixed(1)}x`} | | <= 11x: ${met(targets.growth10to100.met)} |`,
    '',
    `Bench took ${Math.round(totalS)} s; figures in ${file.slice(ROOT.length + 1)}.`,
  ];
  console.log(lines.join('\n'));
}

await main();
