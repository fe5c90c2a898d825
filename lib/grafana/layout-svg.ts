/**
 * A picture of a classic dashboard's layout: rows and panel boxes where Grafana puts them, each with its title,
 * kind, unit and thresholds. It is drawn from the dashboard object alone, so a moved, resized or re-thresholded
 * panel shows up in the SVG's diff. The text is plain SVG text at fixed positions, clipped to its box: nothing
 * depends on font metrics, time, locale or the machine, so the file is byte-identical everywhere.
 */
import { GRID_COLUMNS } from './dashboard.js';

/** Grafana's grid: 30 px per height unit; columns are drawn 50 px wide, so the picture is 1200 px across. */
const CELL_W = 50;
const CELL_H = 30;
const GAP = 4;
const MARGIN = 8;
const HEADER = 28;
const LINE = 15;

/**
 * Grafana's dark-theme visualization colours for the names dashboards use in thresholds (tests compare them with
 * @grafana/data's theme); any other name is drawn grey, a CSS colour as it is.
 */
export const NAMED_COLORS: Readonly<Record<string, string>> = {
  green: '#73BF69',
  red: '#F2495C',
  yellow: '#FADE2A',
  orange: '#FF9830',
  blue: '#5794F2',
  purple: '#B877D9',
  'dark-green': '#37872D',
  'dark-red': '#C4162A',
  'dark-yellow': '#E0B400',
  'dark-orange': '#FA6400',
  'dark-blue': '#1F60C4',
  'dark-purple': '#8F3BB8',
};
const UNKNOWN_COLOR = '#8E8E8E';

type Json = Record<string, unknown>;

interface Box {
  x: number;
  y: number;
  w: number;
  h: number;
}

interface Placed extends Box {
  panel: Json;
}

export interface LayoutDashboard {
  title?: unknown;
  uid?: unknown;
  panels?: unknown;
}

export function layoutSvg(dashboard: LayoutDashboard): string {
  const panels = (Array.isArray(dashboard.panels) ? dashboard.panels : []).filter(isObject);
  const placed = compactVertically(panels.map((panel) => ({ panel, ...gridBox(panel) })));
  const rows = placed.reduce((max, p) => Math.max(max, p.y + p.h), 0);
  const width = MARGIN * 2 + GRID_COLUMNS * CELL_W;
  const height = HEADER + MARGIN * 2 + rows * CELL_H;
  const heading = `${text(dashboard.title) || '(untitled dashboard)'}${text(dashboard.uid) ? ` · uid ${text(dashboard.uid)}` : ''} · layout`;
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="sans-serif" font-size="12">`,
    `<rect width="${width}" height="${height}" fill="#111217"/>`,
    `<text x="${MARGIN}" y="${MARGIN + 14}" fill="#D8D9DA" font-size="15" font-weight="bold">${escape(heading)}</text>`,
    ...placed.map((p, i) => (p.panel.type === 'row' ? rowBar(p) : panelBox(p, i))),
    '</svg>',
    '',
  ].join('\n');
}

function gridBox(panel: Json): Box {
  const grid = isObject(panel.gridPos) ? panel.gridPos : {};
  const int = (value: unknown, fallback: number) => (typeof value === 'number' && Number.isFinite(value) ? Math.max(0, Math.round(value)) : fallback);
  const w = Math.min(GRID_COLUMNS, Math.max(1, int(grid.w, GRID_COLUMNS)));
  return { x: Math.min(int(grid.x, 0), GRID_COLUMNS - w), y: int(grid.y, 0), w, h: Math.max(1, int(grid.h, 1)) };
}

/**
 * Grafana's grid (react-grid-layout with vertical compaction) lets every panel rise until it touches the one
 * above, in the order of their positions; a gap left in `gridPos` is not shown.
 */
function compactVertically(items: Placed[]): Placed[] {
  const order = [...items].sort((a, b) => a.y - b.y || a.x - b.x);
  const done: Placed[] = [];
  for (const item of order) {
    let y = item.y;
    while (y > 0 && !done.some((d) => overlaps(d, { ...item, y: y - 1 }))) y--;
    while (done.some((d) => overlaps(d, { ...item, y }))) y++;
    done.push({ ...item, y });
  }
  return done;
}

const overlaps = (a: Box, b: Box): boolean => a.x < b.x + b.w && b.x < a.x + a.w && a.y < b.y + b.h && b.y < a.y + a.h;

function pixels(box: Box): Box {
  return {
    x: MARGIN + box.x * CELL_W + GAP / 2,
    y: HEADER + MARGIN + box.y * CELL_H + GAP / 2,
    w: box.w * CELL_W - GAP,
    h: box.h * CELL_H - GAP,
  };
}

function rowBar(p: Placed): string {
  const { x, y, w, h } = pixels(p);
  const children = Array.isArray(p.panel.panels) ? p.panel.panels.length : 0;
  const collapsed = p.panel.collapsed === true;
  const label = collapsed
    ? `▸ ${text(p.panel.title)} (collapsed, ${children} panel${children === 1 ? '' : 's'})`
    : `▾ ${text(p.panel.title)}`;
  return [
    `<g>`,
    `<rect x="${x}" y="${y}" width="${w}" height="${h}" fill="${collapsed ? '#22252b' : 'none'}" stroke="#2f3239"/>`,
    `<text x="${x + 6}" y="${y + h / 2 + 5}" fill="#D8D9DA" font-size="14" font-weight="bold">${escape(label)}</text>`,
    `</g>`,
  ].join('\n');
}

function panelBox(p: Placed, index: number): string {
  const { x, y, w, h } = pixels(p);
  // By id where there is one, so moving a panel changes its own lines of the file, not its neighbours'.
  const clip = typeof p.panel.id === 'number' ? `panel-${p.panel.id}` : `panel-at-${index}`;
  const lines = [
    { text: text(p.panel.title) || '(untitled)', attrs: 'fill="#D8D9DA" font-weight="bold"' },
    { text: panelKind(p.panel), attrs: 'fill="#9FA7B3"' },
  ];
  const steps = thresholdSteps(p.panel);
  return [
    `<g>`,
    `<clipPath id="${clip}"><rect x="${x}" y="${y}" width="${w}" height="${h}"/></clipPath>`,
    `<rect x="${x}" y="${y}" width="${w}" height="${h}" rx="3" fill="#181b1f" stroke="#2f3239"/>`,
    `<g clip-path="url(#${clip})">`,
    ...lines.map((line, i) => `<text x="${x + 8}" y="${y + 18 + i * LINE}" ${line.attrs}>${escape(line.text)}</text>`),
    ...steps.map((step, i) => {
      const top = y + 18 + (lines.length + i) * LINE;
      return [
        `<rect x="${x + 8}" y="${top - 9}" width="10" height="10" fill="${step.color}"/>`,
        `<text x="${x + 24}" y="${top}" fill="#9FA7B3">${escape(step.label)}</text>`,
      ].join('\n');
    }),
    `</g>`,
    `</g>`,
  ].join('\n');
}

/** `timeseries · unit reqps · 3 queries`: what a reviewer checks first after the title. */
function panelKind(panel: Json): string {
  const defaults = fieldDefaults(panel);
  const targets = Array.isArray(panel.targets) ? panel.targets.length : 0;
  return [
    text(panel.type) || '(no type)',
    text(defaults.unit) ? `unit ${text(defaults.unit)}` : undefined,
    typeof defaults.decimals === 'number' ? `decimals ${defaults.decimals}` : undefined,
    typeof defaults.min === 'number' ? `min ${defaults.min}` : undefined,
    typeof defaults.max === 'number' ? `max ${defaults.max}` : undefined,
    targets > 0 ? `${targets} quer${targets === 1 ? 'y' : 'ies'}` : undefined,
  ]
    .filter((part) => part !== undefined)
    .join(' · ');
}

/** The threshold steps, base first: `base`, then `≥ 80` (or `≥ 80 %` in percentage mode). */
function thresholdSteps(panel: Json): Array<{ color: string; label: string }> {
  const thresholds = fieldDefaults(panel).thresholds;
  if (!isObject(thresholds) || !Array.isArray(thresholds.steps)) return [];
  const percent = thresholds.mode === 'percentage' ? ' %' : '';
  return thresholds.steps.filter(isObject).map((step) => {
    const name = text(step.color);
    const value = typeof step.value === 'number' ? `≥ ${step.value}${percent}` : 'base';
    return { color: colorOf(name), label: `${name || '(no colour)'} ${value}` };
  });
}

function colorOf(name: string): string {
  if (Object.hasOwn(NAMED_COLORS, name)) return NAMED_COLORS[name] as string;
  return /^(#[0-9a-fA-F]{3,8}|rgba?\([\d\s.,%]+\))$/.test(name) ? name : UNKNOWN_COLOR;
}

function fieldDefaults(panel: Json): Json {
  const config = isObject(panel.fieldConfig) ? panel.fieldConfig : {};
  return isObject(config.defaults) ? config.defaults : {};
}

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

const text = (value: unknown): string => (typeof value === 'string' ? value : typeof value === 'number' ? String(value) : '');

function escape(value: string): string {
  return value.replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c] as string);
}
