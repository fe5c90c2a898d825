/** Where panels sit: ids unique across the dashboard, every panel on the 24-column grid, no overlaps. */
import { finding, type Finding, type Severity } from '../finding.js';
import { describePanel, describeType, isObject, type DashboardPanels, type JsonObject, type PanelRef } from './panels.js';

interface Rect {
  x: number;
  y: number;
  w: number;
  h: number;
}

const GRID_COLUMNS = 24;

export function layoutFindings(panels: DashboardPanels, lenient: Severity): Finding[] {
  const gridded = panels.all.filter((ref) => !ref.legacy);
  return [
    ...idFindings(panels.all, lenient),
    ...gridded.flatMap((ref) => gridFindings(ref, lenient)),
    ...overlapFindings(panels.topLevel, lenient, ''),
    ...panels.collapsedRows.flatMap(({ row, children }) =>
      overlapFindings([row, ...children], lenient, ` inside collapsed ${describePanel(row)}`),
    ),
  ];
}

function idFindings(all: readonly PanelRef[], lenient: Severity): Finding[] {
  const findings: Finding[] = [];
  const seen = new Map<number, PanelRef>();
  for (const ref of all) {
    const id = ref.panel.id;
    const location = { ...ref.location, path: `${ref.path}/id` };
    if (!Number.isInteger(id)) {
      const what = id === undefined ? 'has no id' : `has id ${JSON.stringify(id) ?? String(id)}, not an integer`;
      findings.push(finding('dashboard/missing-panel-id', lenient, `${describePanel(ref)} ${what}`, location,
        'give every panel (rows included) an integer id that is unique within the dashboard'));
      continue;
    }
    const first = seen.get(id as number);
    if (first) {
      findings.push(finding('dashboard/duplicate-panel-id', lenient,
        `${describePanel(ref)} reuses id ${String(id)} of ${describePanel(first)} at ${first.path}`, location,
        'renumber the panels: links, repeats and panel-scoped annotations find a panel by its id'));
    } else {
      seen.set(id as number, ref);
    }
  }
  return findings;
}

function gridFindings(ref: PanelRef, lenient: Severity): Finding[] {
  const location = { ...ref.location, path: `${ref.path}/gridPos` };
  const hint = `place it on the grid: whole numbers with x >= 0, w >= 1, x + w <= ${GRID_COLUMNS}, y >= 0 and h >= 1`;
  return gridProblems(ref.panel.gridPos).map((problem) =>
    finding('dashboard/grid-bounds', lenient, `${describePanel(ref)} ${problem}`, location, hint),
  );
}

function gridProblems(gridPos: unknown): string[] {
  if (!isObject(gridPos)) return [gridPos === undefined ? 'has no gridPos' : `has gridPos ${describeType(gridPos)}`];
  const problems = (['x', 'y', 'w', 'h'] as const).flatMap((key) => {
    const value = gridPos[key];
    if (value === undefined) return [`has no gridPos.${key}`];
    return Number.isInteger(value) ? [] : [`has gridPos.${key} ${JSON.stringify(value)}, not an integer`];
  });
  // Bounds are checked on whatever numbers there are: NaN fails every comparison.
  const { x, y, w, h } = toRect(gridPos);
  if (x < 0) problems.push(`starts left of the grid (x = ${x})`);
  if (y < 0) problems.push(`starts above the grid (y = ${y})`);
  if (w < 1) problems.push(`has width ${w}`);
  if (h < 1) problems.push(`has height ${h}`);
  if (x + w > GRID_COLUMNS) problems.push(`ends past column ${GRID_COLUMNS} (x + w = ${x + w})`);
  return problems;
}

/** Pairs of panels whose rectangles share area; each pair is reported once, at the later panel. */
function overlapFindings(group: readonly PanelRef[], lenient: Severity, scope: string): Finding[] {
  const placed = group.flatMap((ref) => {
    const rect = readRect(ref.panel.gridPos);
    return rect ? [{ ref, rect }] : [];
  });
  const findings: Finding[] = [];
  for (const [j, b] of placed.entries()) {
    for (const a of placed.slice(0, j)) {
      if (!intersects(a.rect, b.rect)) continue;
      findings.push(finding('dashboard/overlap', lenient,
        `${describePanel(b.ref)} at ${formatRect(b.rect)} overlaps ${describePanel(a.ref)} at ${formatRect(a.rect)}${scope}`,
        { ...b.ref.location, path: `${b.ref.path}/gridPos` },
        'move or resize one of them; Grafana would push panels around on load instead of showing this layout'));
    }
  }
  return findings;
}

function readRect(gridPos: unknown): Rect | undefined {
  if (!isObject(gridPos)) return undefined;
  const rect = toRect(gridPos);
  return Object.values(rect).every(Number.isFinite) && rect.w > 0 && rect.h > 0 ? rect : undefined;
}

/** NaN stands for whatever is not a number. */
function toRect(gridPos: JsonObject): Rect {
  const n = (value: unknown): number => (typeof value === 'number' ? value : NaN);
  return { x: n(gridPos.x), y: n(gridPos.y), w: n(gridPos.w), h: n(gridPos.h) };
}

function intersects(a: Rect, b: Rect): boolean {
  return a.x < b.x + b.w && b.x < a.x + a.w && a.y < b.y + b.h && b.y < a.y + a.h;
}

function formatRect({ x, y, w, h }: Rect): string {
  return `x=${x} y=${y} w=${w} h=${h}`;
}
