/**
 * The data preview: Grafana's query resolution, the scenario's labels, and the page in headless Chromium:
 * every panel of the dashboard drawn with data, thresholds where the dashboard puts them, no console error.
 * Without Chromium or Prometheus the browser part skips, except in CI.
 */
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import type * as GrafanaData from '@grafana/data';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { whenInstalled } from './helpers.js';
import { parseSelector } from '../lib/engine/selector.js';
import { sptMixin } from '../lib/spt/mixin.js';
import { chromiumInstalled, openPage, panelReports, screenshot } from '../scripts/preview/chromium.js';
import { goDuration, prometheusRequests } from '../scripts/preview/grafana-queries.js';
import type { PageData, PanelReport } from '../scripts/preview/page-data.js';
import { DASHBOARD_WIDTH, buildPreview } from '../scripts/preview/preview.js';
import { END, START, targetLabels } from '../scripts/preview/scenario.js';
import { prometheusInstalled } from './live/prometheus.js';

const root = fileURLToPath(new URL('..', import.meta.url));
const { createTheme } = createRequire(import.meta.url)('@grafana/data') as typeof GrafanaData;
const theme = createTheme();
const HOUR = 3_600_000;
const T = Date.UTC(2026, 2, 10, 18, 0, 0);

test('range queries: step from the panel width, $__rate_interval as max(interval + scrape, 4 × scrape), aligned start and end', () => {
  const expr = 'rate(x[$__rate_interval])';
  // 6 h over 512 px: 42 s a point, 30 s rounded; the rate window is 30 s + 15 s, but at least 1 m.
  assert.equal(prometheusRequests({ expr }, { from: T - 6 * HOUR, to: T + 7_000 }, 512), [
    { kind: 'range', expr: 'rate(x[1m0s])', start: (T - 6 * HOUR) / 1000, end: T / 1000 + 0, step: 30 },
  ]);
  // 1 h: the interval is the scrape interval, 15 s.
  assert.equal(prometheusRequests({ expr }, { from: T - HOUR, to: T }, 1000)[0], { kind: 'range', expr: 'rate(x[1m0s])', start: (T - HOUR) / 1000, end: T / 1000, step: 15 });
  // 7 d over 1000 px: 605 s a point, 10 m; the rate window is 10 m + 15 s.
  assert.equal(prometheusRequests({ expr }, { from: T - 168 * HOUR, to: T }, 1000)[0], {
    kind: 'range', expr: 'rate(x[10m15s])', start: (T - 168 * HOUR) / 1000, end: T / 1000, step: 600,
  });
  assert.is(goDuration(3_723_000), '1h2m3s');
});

test('instant queries run at the end of the range itself; $__range is the range in seconds; both ticked runs both', () => {
  const range = { from: T - 6 * HOUR + 1234, to: T + 1234 };
  assert.equal(prometheusRequests({ expr: 'increase(x[$__range])', instant: true, range: false }, range, 500), [
    { kind: 'instant', expr: 'increase(x[21600s])', time: (T + 1234) / 1000 },
  ]);
  const both = prometheusRequests({ expr: 'x', instant: true, range: true }, range, 500);
  assert.equal(both.map((r) => r.kind), ['range', 'instant']);
  assert.equal(prometheusRequests({ expr: 'x' }, range, 500).map((r) => r.kind), ['range'], 'neither ticked: a range query');
  assert.throws(() => prometheusRequests({ expr: 'up{job="$job"}' }, range, 500), /no value for \$job/);
});

test('the scenario carries the selector\'s equality labels; a regex selector is refused with a reason', () => {
  assert.equal(targetLabels(parseSelector('job="spt", env="prod", team!="x"')), { job: 'spt', instance: 'spt-0:8080', env: 'prod' });
  assert.throws(() => targetLabels(parseSelector('job=~"spt.*"')), /job=~"spt\.\*" names no single value/);
});

test('npm run preview refuses --config without --out, and an unknown flag', () => {
  const run = (args: string[]) => spawnSync(process.execPath, ['--import', 'tsx', 'scripts/preview/main.ts', ...args], { cwd: root, encoding: 'utf8' });
  const noOut = run(['--config', 'x.yaml']);
  assert.is(noOut.status, 2);
  assert.match(noOut.stderr, 'with --config, say where the picture goes with --out');
  const unknown = run(['--colour']);
  assert.is(unknown.status, 2);
  assert.match(unknown.stderr, "Unknown option '--colour'");
});

const tools = chromiumInstalled() && prometheusInstalled();
whenInstalled(tools, 'the browser test', 'chromium and prometheus', () => {
  type Step = { value?: number | null; color: string };
  const dashboard = sptMixin.grafanaDashboards['spt-overview.json'] as unknown as { panels: Array<Record<string, any>> };
  const shownPanels = dashboard.panels.filter((p) => p.type !== 'row');
  const colorOf = (name: string) => theme.visualization.getColorByName(name);
  let data: PageData;
  let reports: PanelReport[];
  let errors: string[];
  let markLines: Record<string, Array<{ value: number; color: string }>>;
  let gaugeStops: Array<[number, string]>;
  let png: Uint8Array;

  test.before(async () => {
    const started = Date.now();
    const preview = await buildPreview(sptMixin);
    data = preview.data;
    const opened = await openPage(preview.html, DASHBOARD_WIDTH);
    try {
      reports = await panelReports(opened.page);
      errors = opened.errors;
      // Read back from the charts themselves, not from what the page says it drew.
      ({ markLines, gaugeStops } = await opened.page.evaluate(() => {
        const w = globalThis as unknown as { echarts: { getInstanceByDom(el: unknown): { getOption(): any } | undefined }; document: any };
        const lines: Record<string, Array<{ value: number; color: string }>> = {};
        let stops: Array<[number, string]> = [];
        for (const el of w.document.querySelectorAll('.panel')) {
          const chart = el.querySelector('.chart');
          const option = chart ? w.echarts.getInstanceByDom(chart)?.getOption() : undefined;
          const title = el.querySelector('.title').textContent as string;
          const series = option?.series?.[0];
          if (series?.type === 'line') lines[title] = (series.markLine?.data ?? []).map((d: any) => ({ value: d.yAxis, color: d.lineStyle.color }));
          if (series?.type === 'gauge') stops = series.axisLine.lineStyle.color;
        }
        return { markLines: lines, gaugeStops: stops };
      }));
      png = await screenshot(opened.page);
    } finally {
      await opened.close();
    }
    console.log(`preview built and drawn in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  });

  test('every panel of the dashboard is on the page, drawn with data, without an error', () => {
    assert.equal(reports.map((r) => r.id), shownPanels.map((p) => p.id));
    for (const r of reports) {
      assert.is(r.state, 'data', `${r.title}: ${data.panels.find((p) => p.id === r.id)?.error ?? 'no data'}`);
      assert.ok(r.values > 0, r.title);
    }
    for (const p of data.panels) if (p.type === 'timeseries') assert.ok(p.frames.every((f) => f.values.some((v) => v !== null)), `${p.title}: an empty series`);
  });

  test('no console error on the page, and the screenshot is a PNG', () => {
    assert.equal(errors, []);
    assert.equal([...png.slice(0, 4)], [0x89, 0x50, 0x4e, 0x47]);
  });

  test('threshold lines sit at the dashboard\'s values in its colours, where the panel shows them', () => {
    for (const panel of shownPanels.filter((p) => p.type === 'timeseries')) {
      const mode = panel.fieldConfig.defaults.custom?.thresholdsStyle?.mode ?? 'off';
      const steps = (panel.fieldConfig.defaults.thresholds?.steps ?? []) as Step[];
      const expected = mode === 'off' ? [] : steps.filter((s) => typeof s.value === 'number').map((s) => ({ value: s.value, color: colorOf(s.color) }));
      assert.equal(markLines[panel.title], expected, panel.title);
    }
    assert.equal(markLines['Error Rate %'], [{ value: 5, color: colorOf('red') }], 'the plan\'s 5 % line, at least');
  });

  test('the gauge\'s ring changes colour at its thresholds, and single values take the colour of their step or mapping', () => {
    const gauge = shownPanels.find((p) => p.type === 'gauge') as Record<string, any>;
    const { min, max, thresholds } = gauge.fieldConfig.defaults;
    const steps = thresholds.steps as Step[];
    assert.equal(
      gaugeStops,
      steps.map((s, i) => [((steps[i + 1]?.value ?? max) - min) / (max - min), colorOf(s.color)]),
    );
    for (const panel of shownPanels.filter((p) => p.type === 'stat' || p.type === 'gauge')) {
      const frame = data.panels.find((p) => p.id === panel.id)?.frames[0];
      const value = frame?.values.at(-1) as number;
      const mapping = panel.fieldConfig.defaults.mappings?.[0]?.options?.[String(value)];
      const step = [...(panel.fieldConfig.defaults.thresholds.steps as Step[])].reverse().find((s) => s.value == null || value >= s.value) as Step;
      const shown = reports.find((r) => r.id === panel.id)?.shown[0];
      assert.is(shown?.color, colorOf(mapping?.color ?? step.color), panel.title);
      if (mapping) assert.is(shown?.text, mapping.text, panel.title);
    }
  });

  test('the scenario is visible: the 5xx burst crosses the error line, the quota ends at the limit, the restart resets uptime', () => {
    const frame = (title: string) => data.panels.find((p) => p.title === title)?.frames[0];
    const errorRate = frame('Error Rate %')?.values.filter((v): v is number => v !== null) ?? [];
    assert.ok(Math.max(...errorRate) > 5 && (errorRate.at(-1) as number) < 5);
    assert.is(frame('eBay Quota %')?.values[0], 100);
    const uptime = frame('Uptime')?.values[0] as number;
    assert.ok(uptime > 2 * 3600 && uptime < 2.5 * 3600, `uptime ${uptime}`);
    const buckets = data.panels.find((p) => p.title === 'Score Distribution')?.frames ?? [];
    assert.equal(buckets.map((f) => f.name).slice(-2), ['100', '+Inf']);
    assert.ok((buckets.at(-1)?.values[0] as number) < (buckets[6]?.values[0] as number), 'buckets are counted per band, not cumulatively');
  });

  test('a customised render previews too: its selector\'s labels are on the data its queries ask for', async () => {
    const custom = await buildPreview(sptMixin.withConfig({ sptSelector: 'job="spt", env="prod"' }));
    for (const p of custom.data.panels.filter((p) => p.type !== 'row')) {
      assert.ok(p.frames.length > 0 && !p.error, `${p.title}: ${p.error ?? 'no data'}`);
      for (const r of p.requests) if (r.expr.includes('spt_')) assert.match(r.expr, 'env="prod"');
    }
    assert.is(custom.data.range.to, END * 1000);
    assert.is(custom.data.range.from, START * 1000);
  });
});

test.run();
