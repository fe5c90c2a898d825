/** The layout picture: where Grafana puts each box, what it says, byte-identical everywhere, and docs/ only when asked. */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createRequire } from 'node:module';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { main } from '../lib/cli/commands.js';
import { NAMED_COLORS, layoutSvg } from '../lib/grafana/layout-svg.js';
import { sptMixin } from '../lib/spt/mixin.js';
import { capture } from './helpers.js';

const root = fileURLToPath(new URL('..', import.meta.url));
const overview = () => structuredClone(sptMixin.grafanaDashboards['spt-overview.json']) as unknown as { panels: Array<Record<string, any>> };

/** The `<g>` of the panel titled `title`: its box and its lines. */
function panelGroup(svg: string, title: string): string {
  const group = svg.split('<g>\n').find((g) => g.includes(`font-weight="bold">${title}</text>`));
  if (!group) throw new Error(`no panel "${title}" in the picture`);
  return group;
}
const boxOf = (group: string) => /<rect x="(\d+)" y="(\d+)" width="(\d+)" height="(\d+)" rx/.exec(group)?.slice(1).map(Number);

test('docs/spt-overview.layout.svg is the picture of the rendered dashboard (npm run render writes it)', () => {
  assert.is(readFileSync(join(root, 'docs/spt-overview.layout.svg'), 'utf8'), layoutSvg(overview()));
});

test('every panel is a box at its gridPos: 50 px per column, 30 px per grid unit', () => {
  const dashboard = overview();
  const svg = layoutSvg(dashboard);
  for (const panel of dashboard.panels.filter((p) => p.type !== 'row')) {
    const { x, y, w, h } = panel.gridPos;
    // 8 px margin and 28 px heading, 2 px of the 4 px gap on each side.
    assert.equal(boxOf(panelGroup(svg, panel.title)), [8 + x * 50 + 2, 36 + y * 30 + 2, w * 50 - 4, h * 30 - 4], panel.title);
  }
});

test('a moved or resized panel changes the picture, at that panel only', () => {
  const before = layoutSvg(overview());
  const dashboard = overview();
  const latency = dashboard.panels.find((p) => p.title === 'Latency p50/p95/p99') as Record<string, any>;
  latency.gridPos.w = 7;
  const after = layoutSvg(dashboard);
  assert.equal(boxOf(panelGroup(after, 'Latency p50/p95/p99')), [410, 218, 346, 236]);
  const changed = after.split('\n').filter((line, i) => line !== before.split('\n')[i]);
  assert.equal(changed.length, 2, 'the clip and the box of that panel');
  assert.ok(changed.every((line) => line.includes('width="346"')));
});

test('titles, kinds, units, query counts and thresholds with Grafana colours are written out', () => {
  const svg = layoutSvg(overview());
  const gauge = panelGroup(svg, 'eBay Quota %');
  assert.match(gauge, '>gauge · unit percent · decimals 1 · min 0 · max 100 · 1 query<');
  assert.match(gauge, 'fill="#73BF69"/>\n<text x="634" y="116" fill="#9FA7B3">green base<');
  assert.match(gauge, 'fill="#FADE2A"/>');
  assert.match(gauge, '>yellow ≥ 80<');
  assert.match(gauge, '>red ≥ 100<');
  assert.match(panelGroup(svg, 'Latency p50/p95/p99'), '>timeseries · unit s · 3 queries<');
  assert.match(panelGroup(svg, 'Notification Failures'), '>stat · unit short · decimals 0 · 1 query<');
  assert.not.match(panelGroup(svg, 'Request Rate'), '≥', 'no thresholds, no steps');
  assert.match(svg, '▾ HTTP<');
});

test('the colour table is Grafana\'s own (dark theme)', () => {
  // @grafana/data's ESM build does not load in Node (moment-timezone); its CommonJS build does.
  const { createTheme } = createRequire(import.meta.url)('@grafana/data') as typeof import('@grafana/data');
  const theme = createTheme();
  for (const [name, hex] of Object.entries(NAMED_COLORS)) {
    assert.is(theme.visualization.getColorByName(name).toUpperCase(), hex.toUpperCase(), name);
  }
});

test('a collapsed row is one bar naming its hidden panels, and the rows below rise into place', () => {
  const svg = layoutSvg({
    title: 'T',
    panels: [
      { type: 'row', title: 'Folded', collapsed: true, gridPos: { x: 0, y: 0, w: 24, h: 1 }, panels: [{ type: 'stat', title: 'Hidden', gridPos: { x: 0, y: 1, w: 6, h: 4 } }] },
      // Left at y 9 as if the row were open: Grafana's grid lets it rise to y 1.
      { type: 'timeseries', title: 'Below', id: 3, gridPos: { x: 0, y: 9, w: 12, h: 8 } },
      { type: 'stat', title: 'Beside', id: 4, gridPos: { x: 12, y: 9, w: 12, h: 4 } },
      { type: 'stat', title: 'Under', id: 5, gridPos: { x: 12, y: 20, w: 12, h: 4 } },
    ],
  });
  assert.match(svg, '▸ Folded (collapsed, 1 panel)<');
  assert.not.match(svg, 'Hidden');
  assert.equal(boxOf(panelGroup(svg, 'Below')), [10, 68, 596, 236]);
  assert.equal(boxOf(panelGroup(svg, 'Beside')), [610, 68, 596, 116]);
  assert.equal(boxOf(panelGroup(svg, 'Under')), [610, 188, 596, 116]);
  assert.match(svg, 'height="314"', 'the picture ends under the lowest box: 9 units, heading and margins');
});

test('text is escaped, odd panels are drawn rather than refused', () => {
  const svg = layoutSvg({ title: 'A <b> & "c"', panels: [{ type: 'text', title: '<script>&' }, 'not a panel', { gridPos: { x: 30, w: 40, h: -2 } }] });
  assert.match(svg, 'A &lt;b&gt; &amp; &quot;c&quot;');
  assert.match(svg, '&lt;script&gt;&amp;');
  assert.not.match(svg, '<script');
  assert.match(svg, '>(untitled)<');
  assert.match(svg, '>(no type)<');
});

test('byte-identical under another time zone and locale', () => {
  const code = `import { layoutSvg } from './lib/grafana/layout-svg.ts'; import { sptMixin } from './lib/spt/mixin.ts';
    process.stdout.write(layoutSvg(sptMixin.grafanaDashboards['spt-overview.json']));`;
  const run = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', code], {
    cwd: root,
    encoding: 'utf8',
    env: { ...process.env, TZ: 'Pacific/Chatham', LANG: 'tr_TR.UTF-8', LC_ALL: 'tr_TR.UTF-8' },
  });
  assert.is(run.status, 0, run.stderr);
  assert.is(run.stdout, layoutSvg(overview()));
});

test('render writes docs/ only when asked: --docs DIR, or this repository\'s own default render', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'spt-docs-'));
  try {
    const io = capture();
    assert.is(await main(['render', '--out', join(dir, 'deploy')], io), 0, io.text());
    assert.not.ok(existsSync(join(dir, 'docs')), 'a render into another folder leaves docs alone');
    assert.is(await main(['render', '--out', join(dir, 'deploy'), '--docs', join(dir, 'pictures')], io), 0, io.text());
    const svg = join(dir, 'pictures/spt-overview.layout.svg');
    assert.is(readFileSync(svg, 'utf8'), layoutSvg(overview()));
    assert.is(await main(['check', '--out', join(dir, 'deploy'), '--docs', join(dir, 'pictures')], io), 0, io.text());
    writeFileSync(svg, readFileSync(svg, 'utf8').replace('width="296"', 'width="300"'));
    const stale = capture();
    assert.is(await main(['check', '--out', join(dir, 'deploy'), '--docs', join(dir, 'pictures')], stale), 1);
    assert.match(stale.text(), '-<clipPath id="panel-2"><rect x="10" y="68" width="300"');
    assert.match(stale.text(), '1 file(s) out of date');
    assert.is(await main(['render', '--out', join(dir, 'deploy'), '--docs', join(dir, 'pictures'), '--only', 'rules'], io), 0);
    const usage = capture();
    assert.is(await main(['validate', '--docs', join(dir, 'pictures')], usage), 2);
    assert.match(usage.text(), '--docs is an option of render and check only');
    const here = capture();
    assert.is(await main(['check'], here, { cwd: root, via: 'npm' }), 0, here.text());
    assert.match(here.text(), 'in deploy and docs are up to date');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test.run();
