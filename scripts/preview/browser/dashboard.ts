/**
 * The preview page's script: lays the panels out on Grafana's grid and draws each with ECharts, formatting
 * values, units, thresholds, value mappings and legend calculations with Grafana's own @grafana/data, so a
 * number reads as Grafana would print it. Bundled by esbuild into the page; the data comes with it.
 */
import * as echarts from 'echarts';
import {
  FieldType,
  createTheme,
  formattedValueToString,
  getDisplayProcessor,
  reduceField,
  type Field,
  type FieldConfig,
} from '@grafana/data';
import type { PagePanel, PageData, PanelReport, Frame } from '../page-data.js';

declare global {
  interface Window {
    PREVIEW: PageData;
    /** What each panel drew, for the browser test. */
    previewReport: PanelReport[];
    echarts: typeof echarts;
  }
}

const GRID_CELL_HEIGHT = 30;
const GRID_MARGIN = 8;
const theme = createTheme();
const text = theme.colors.text.primary;
const weak = theme.colors.text.secondary;
const gridLines = theme.colors.border.weak;

function main(): void {
  const data = window.PREVIEW;
  window.echarts = echarts;
  window.previewReport = [];
  const root = document.getElementById('dashboard') as HTMLElement;
  const columnWidth = (data.width - GRID_MARGIN * 23) / 24;
  let bottom = 0;
  for (const panel of data.panels) {
    const { x, y, w, h } = panel.gridPos;
    const box = document.createElement('div');
    box.className = panel.type === 'row' ? 'row' : 'panel';
    box.style.left = `${x * (columnWidth + GRID_MARGIN)}px`;
    box.style.top = `${y * (GRID_CELL_HEIGHT + GRID_MARGIN)}px`;
    box.style.width = `${w * columnWidth + (w - 1) * GRID_MARGIN}px`;
    box.style.height = `${h * GRID_CELL_HEIGHT + (h - 1) * GRID_MARGIN}px`;
    bottom = Math.max(bottom, (y + h) * (GRID_CELL_HEIGHT + GRID_MARGIN));
    root.appendChild(box);
    if (panel.type === 'row') {
      box.textContent = `${panel.collapsed ? '▸' : '▾'} ${panel.title}`;
      continue;
    }
    box.dataset.panelId = String(panel.id);
    const title = document.createElement('div');
    title.className = 'title';
    title.textContent = panel.title;
    box.appendChild(title);
    const body = document.createElement('div');
    body.className = 'body';
    box.appendChild(body);
    window.previewReport.push(drawPanel(panel, box, body));
  }
  root.style.height = `${bottom}px`;
  document.body.dataset.ready = 'true';
}

function drawPanel(panel: PagePanel, box: HTMLElement, body: HTMLElement): PanelReport {
  const report: PanelReport = { id: panel.id, title: panel.title, type: panel.type, state: 'data', values: 0, thresholds: [], shown: [] };
  const values = panel.frames.reduce((n, f) => n + f.values.filter((v) => v !== null).length, 0);
  report.values = values;
  if (panel.error) {
    report.state = 'error';
    body.appendChild(message(`Error: ${panel.error}`, 'error'));
  } else if (values === 0) {
    report.state = 'nodata';
    body.appendChild(message('No data', 'nodata'));
  } else if (panel.type === 'timeseries') timeseries(panel, body, report);
  else if (panel.type === 'stat') stat(panel, box, body, report);
  else if (panel.type === 'gauge') gauge(panel, body, report);
  else if (panel.type === 'bargauge') barGauge(panel, body, report);
  else {
    report.state = 'error';
    body.appendChild(message(`The preview does not draw ${panel.type} panels`, 'error'));
  }
  box.dataset.state = report.state;
  return report;
}

function message(textContent: string, kind: string): HTMLElement {
  const el = document.createElement('div');
  el.className = `message ${kind}`;
  el.textContent = textContent;
  return el;
}

function field(panel: PagePanel, frame: Frame): Field {
  const f: Field = { name: frame.name, type: FieldType.number, values: frame.values, config: panel.fieldConfig as FieldConfig };
  f.display = getDisplayProcessor({ field: f, theme, timeZone: 'utc' });
  return f;
}

function display(f: Field, value: number | null): { text: string; color: string } {
  const shown = (f.display as NonNullable<Field['display']>)(value);
  return { text: formattedValueToString(shown), color: shown.color ?? text };
}

function steps(panel: PagePanel): Array<{ value: number | null; color: string }> {
  return (panel.fieldConfig.thresholds?.steps ?? []).map((s) => ({ value: s.value ?? null, color: theme.visualization.getColorByName(s.color) }));
}

/** The value a single-value panel shows: `lastNotNull` (the panels' reducer), of each frame. */
function lastNotNull(f: Field): number | null {
  return (reduceField({ field: f, reducers: ['lastNotNull'] }).lastNotNull as number | null | undefined) ?? null;
}

function timeseries(panel: PagePanel, body: HTMLElement, report: PanelReport): void {
  const custom = (panel.fieldConfig.custom ?? {}) as Record<string, any>;
  const legend = (panel.options.legend ?? {}) as { displayMode?: string; calcs?: string[]; showLegend?: boolean };
  const fields = panel.frames.map((frame) => field(panel, frame));
  const chartEl = document.createElement('div');
  chartEl.className = 'chart';
  body.appendChild(chartEl);
  const legendEl = legend.showLegend === false ? undefined : legendTable(fields, legend.calcs ?? [], legend.displayMode === 'table');
  if (legendEl) body.appendChild(legendEl);
  const thresholdLines =
    custom.thresholdsStyle?.mode && custom.thresholdsStyle.mode !== 'off' ? steps(panel).filter((s) => s.value !== null) : [];
  report.thresholds = thresholdLines.map((s) => ({ value: s.value as number, color: s.color }));
  const unitFormat = (v: number) => display(fields[0] as Field, v).text;
  const chart = echarts.init(chartEl, undefined, { renderer: 'svg' });
  chart.setOption({
    animation: false,
    grid: { left: 8, right: 16, top: 10, bottom: 4, containLabel: true },
    xAxis: {
      type: 'time',
      min: window.PREVIEW.range.from,
      max: window.PREVIEW.range.to,
      axisLabel: { color: weak, formatter: '{HH}:{mm}', hideOverlap: true },
      axisLine: { lineStyle: { color: gridLines } },
      splitLine: { show: true, lineStyle: { color: gridLines } },
    },
    yAxis: {
      type: 'value',
      ...(typeof panel.fieldConfig.min === 'number' ? { min: panel.fieldConfig.min } : {}),
      ...(typeof panel.fieldConfig.max === 'number' ? { max: panel.fieldConfig.max } : {}),
      axisLabel: { color: weak, formatter: unitFormat },
      splitLine: { lineStyle: { color: gridLines } },
    },
    series: panel.frames.map((frame, i) => ({
      name: frame.name,
      type: 'line',
      showSymbol: false,
      connectNulls: false,
      ...(custom.stacking?.mode === 'normal' ? { stack: custom.stacking.group ?? 'A' } : {}),
      lineStyle: { width: custom.lineWidth ?? 1 },
      color: seriesColor(i),
      areaStyle: { opacity: (custom.fillOpacity ?? 0) / 100 },
      data: frame.values.map((v, j) => [(frame.times as number[])[j], v]),
      ...(i === 0 && thresholdLines.length > 0
        ? {
            markLine: {
              silent: true,
              symbol: 'none',
              label: { show: false },
              lineStyle: { type: custom.thresholdsStyle.mode === 'dashed' ? 'dashed' : 'solid', width: 1 },
              data: thresholdLines.map((s) => ({ yAxis: s.value, lineStyle: { color: s.color } })),
            },
          }
        : {}),
    })),
  });
}

/** Grafana's classic palette, the timeseries default: one colour per series in order. */
function seriesColor(i: number): string {
  const palette = theme.visualization.palette;
  return theme.visualization.getColorByName(palette[i % palette.length] as string);
}

function legendTable(fields: Field[], calcs: string[], table: boolean): HTMLElement {
  const el = document.createElement('table');
  el.className = 'legend';
  const names: Record<string, string> = { mean: 'Mean', max: 'Max', min: 'Min', lastNotNull: 'Last *', last: 'Last', sum: 'Total' };
  if (table && calcs.length > 0) {
    const head = el.insertRow();
    head.insertCell().textContent = 'Name';
    for (const c of calcs) head.insertCell().textContent = names[c] ?? c;
  }
  fields.forEach((f, i) => {
    const row = el.insertRow();
    const name = row.insertCell();
    name.innerHTML = `<span class="swatch" style="background:${seriesColor(i)}"></span>`;
    name.appendChild(document.createTextNode(f.name));
    if (table) {
      const reduced = reduceField({ field: f, reducers: calcs }) as Record<string, number | null>;
      for (const c of calcs) row.insertCell().textContent = display(f, reduced[c] ?? null).text;
    }
  });
  return el;
}

function stat(panel: PagePanel, box: HTMLElement, body: HTMLElement, report: PanelReport): void {
  const f = field(panel, panel.frames[0] as Frame);
  const shown = display(f, lastNotNull(f));
  const value = document.createElement('div');
  value.className = 'stat';
  value.textContent = shown.text;
  body.appendChild(value);
  if ((panel.options.colorMode ?? 'value') === 'background') box.style.background = shown.color;
  else value.style.color = shown.color;
  report.shown = [shown];
}

function gauge(panel: PagePanel, body: HTMLElement, report: PanelReport): void {
  const f = field(panel, panel.frames[0] as Frame);
  const value = lastNotNull(f) ?? 0;
  const min = panel.fieldConfig.min ?? 0;
  const max = panel.fieldConfig.max ?? 100;
  const shown = display(f, value);
  const bands = steps(panel);
  // The outer ring: each threshold's colour from its value to the next, as Grafana's threshold markers.
  const stops = bands.map((s, i) => {
    const upTo = bands[i + 1]?.value ?? max;
    return [Math.min(1, Math.max(0, (upTo - min) / (max - min))), s.color] as [number, string];
  });
  report.thresholds = bands.filter((s) => s.value !== null).map((s) => ({ value: s.value as number, color: s.color }));
  report.shown = [shown];
  const chartEl = document.createElement('div');
  chartEl.className = 'chart';
  body.appendChild(chartEl);
  echarts.init(chartEl, undefined, { renderer: 'svg' }).setOption({
    animation: false,
    series: [
      {
        type: 'gauge',
        min,
        max,
        startAngle: 215,
        endAngle: -35,
        radius: '95%',
        center: ['50%', '62%'],
        progress: { show: true, width: 14, itemStyle: { color: shown.color } },
        axisLine: { lineStyle: { width: 4, color: stops } },
        pointer: { show: false },
        axisTick: { show: false },
        splitLine: { show: false },
        axisLabel: { show: false },
        detail: { valueAnimation: false, offsetCenter: [0, '10%'], fontSize: 22, color: shown.color, formatter: () => shown.text },
        data: [{ value }],
      },
    ],
  });
}

function barGauge(panel: PagePanel, body: HTMLElement, report: PanelReport): void {
  const fields = panel.frames.map((frame) => field(panel, frame));
  const bars = fields.map((f) => ({ name: f.name, value: lastNotNull(f) ?? 0 }));
  const shown = fields.map((f, i) => display(f, bars[i]?.value ?? null));
  report.shown = shown;
  const chartEl = document.createElement('div');
  chartEl.className = 'chart';
  body.appendChild(chartEl);
  const horizontal = panel.options.orientation !== 'vertical';
  const categories = { type: 'category', data: bars.map((b) => b.name), inverse: horizontal, axisLabel: { color: text }, axisLine: { show: false }, axisTick: { show: false } };
  const values = { type: 'value', show: false, min: panel.fieldConfig.min ?? 0, max: Math.max(...bars.map((b) => b.value)) };
  echarts.init(chartEl, undefined, { renderer: 'svg' }).setOption({
    animation: false,
    grid: { left: 8, right: 70, top: 4, bottom: 4, containLabel: true },
    xAxis: horizontal ? values : categories,
    yAxis: horizontal ? categories : values,
    series: [
      {
        type: 'bar',
        barCategoryGap: '25%',
        showBackground: panel.options.showUnfilled !== false,
        backgroundStyle: { color: 'rgba(204, 204, 220, 0.07)' },
        label: { show: true, position: horizontal ? 'right' : 'top', color: text, formatter: (p: { dataIndex: number }) => shown[p.dataIndex]?.text ?? '' },
        data: bars.map((b, i) => ({ value: b.value, itemStyle: { color: shown[i]?.color } })),
      },
    ],
  });
}

main();
