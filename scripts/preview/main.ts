/**
 * `npm run preview [-- --config FILE] [--out FILE]`: the dashboard drawn with six hours of scenario data, as a
 * PNG. Without a config it writes docs/spt-overview.png, the README's picture; a customised render's picture
 * goes where --out says. Exit codes: 0 written and every panel drawn with data; 1 written, but a panel showed
 * no data or an error, or the page logged one; 2 bad usage, bad config, a failed check or a missing tool.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, isAbsolute, join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { hasErrors } from '../../lib/check/finding.js';
import { formatText } from '../../lib/check/report.js';
import { PROJECT_ROOT } from '../../lib/paths.js';
import { loadConfigFile } from '../../lib/spt/config-file.js';
import { sptMixin } from '../../lib/spt/mixin.js';
import { checkSpt } from '../../lib/spt/render.js';
import { openPage, panelReports, screenshot } from './chromium.js';
import { DASHBOARD_WIDTH, buildPreview } from './preview.js';

const USAGE = `usage: npm run preview -- [--config FILE] [--out FILE]
  --config FILE  YAML or JSON file of _config keys, as for render (then --out is required)
  --out FILE     the PNG to write (default: docs/spt-overview.png of this repository)`;

async function main(argv: string[]): Promise<number> {
  let values: { config?: string; out?: string; help?: boolean };
  try {
    ({ values } = parseArgs({ args: argv, options: { config: { type: 'string' }, out: { type: 'string' }, help: { type: 'boolean', short: 'h' } } }));
  } catch (error) {
    console.error(`error: ${(error as Error).message}\n${USAGE}`);
    return 2;
  }
  if (values.help) {
    console.log(USAGE);
    return 0;
  }
  // npm runs scripts in the repository; the user's paths are from the folder they typed the command in.
  const cwd = process.env.INIT_CWD ?? process.cwd();
  const path = (p: string) => (isAbsolute(p) ? p : resolve(cwd, p));
  if (values.config !== undefined && values.out === undefined) {
    console.error(`error: with --config, say where the picture goes with --out (docs/spt-overview.png is the default render's)\n${USAGE}`);
    return 2;
  }
  try {
    const patch = values.config ? await loadConfigFile(path(values.config), (w) => console.error(`warning: ${w}`)) : {};
    const mixin = sptMixin.withConfig(patch);
    const findings = checkSpt(mixin);
    if (hasErrors(findings)) {
      console.error(`${formatText(findings)}\nnothing previewed: fix the errors above first`);
      return 2;
    }
    const started = Date.now();
    const preview = await buildPreview(mixin);
    const out = values.out ? path(values.out) : join(PROJECT_ROOT, 'docs', preview.file.replace(/\.json$/, '.png'));
    const opened = await openPage(preview.html, DASHBOARD_WIDTH);
    try {
      const png = await screenshot(opened.page);
      await mkdir(dirname(out), { recursive: true });
      await writeFile(out, png);
      const reports = await panelReports(opened.page);
      const bad = reports.filter((r) => r.state !== 'data');
      for (const r of bad) console.error(`panel "${r.title}" (id ${r.id}): ${r.state === 'nodata' ? 'no data' : 'error'}`);
      for (const e of opened.errors) console.error(`page error: ${e}`);
      console.log(`wrote ${values.out ?? join('docs', preview.file.replace(/\.json$/, '.png'))}: ${reports.length} panels in ${((Date.now() - started) / 1000).toFixed(1)} s`);
      return bad.length > 0 || opened.errors.length > 0 ? 1 : 0;
    } finally {
      await opened.close();
    }
  } catch (error) {
    console.error(`error: ${error instanceof Error ? error.message : String(error)}`);
    return 2;
  }
}

process.exitCode = await main(process.argv.slice(2));
