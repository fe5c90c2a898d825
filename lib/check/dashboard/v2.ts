/**
 * A v2 dashboard resource (`dashboard.grafana.app/v2`) seen as the classic model, so the layout, datasource,
 * content and query checks run on it through the one panel traversal: elements placed by the layout become
 * panels at absolute grid positions, rows become row panels, queries targets, variables template variables.
 * Every pointer into the view translates back to the resource, so findings name what the user edits.
 */
import { escapePointer } from '../../engine/schema-errors.js';
import { finding, type Finding, type Location, type Severity } from '../finding.js';
import { isObject, oncePer, type JsonObject } from './panels.js';

export const V2_API_GROUP = 'dashboard.grafana.app/';

/** A v2 resource of any of its versions (v2alpha1, v2beta1, v2); v0 and v1 resources hold the classic model. */
export function isV2Resource(value: unknown): boolean {
  return isObject(value) && typeof value.apiVersion === 'string' && value.apiVersion.startsWith(`${V2_API_GROUP}v2`);
}

export interface V2View {
  /** The classic-model view the checks read. */
  dashboard: JsonObject;
  /** The resource pointer of a view pointer. */
  pointer(viewPath: string): string;
  /** View paths of panels no grid places (tabs, auto grids): their position is not checked. */
  unplaced: ReadonlySet<string>;
  /** View paths of library panels: their description and queries live in the library. */
  library: ReadonlySet<string>;
  /** Where each element is shown, by element name, for findings of the schema on it. */
  elements: ReadonlyMap<string, Location>;
  /** Layout references to missing elements, and elements no layout shows. */
  shape: Finding[];
}

const views = new WeakMap<object, Map<string, V2View>>();

export function v2View(resource: JsonObject, base: Location, lenient: Severity): V2View {
  return oncePer(views, resource, base, lenient, () => new ViewBuilder(resource, base, lenient).build());
}

const ROW_WIDTH = 24;

class ViewBuilder {
  private readonly spec: JsonObject;
  private readonly elements: JsonObject;
  private readonly map = new Map<string, string>([['/panels', '/spec/layout'], ['/title', '/spec/title'], ['/templating/list', '/spec/variables']]);
  private readonly unplaced = new Set<string>();
  private readonly library = new Set<string>();
  private readonly shown = new Map<string, Location>();
  private readonly shape: Finding[] = [];
  private readonly panels: JsonObject[] = [];
  private nextRowId: number;

  constructor(resource: JsonObject, private readonly base: Location, private readonly lenient: Severity) {
    this.spec = isObject(resource.spec) ? resource.spec : {};
    this.elements = isObject(this.spec.elements) ? this.spec.elements : {};
    const ids = Object.values(this.elements).map((e) => (isObject(e) && isObject(e.spec) && typeof e.spec.id === 'number' ? e.spec.id : 0));
    // Rows have no id in v2; the view's row ids only have to stay clear of the elements'.
    this.nextRowId = Math.max(0, ...ids.filter(Number.isFinite)) + 1;
  }

  build(): V2View {
    const layout = this.spec.layout;
    if (isObject(layout) && layout.kind === 'RowsLayout') this.rows(layout, '/spec/layout');
    else if (isObject(layout) && layout.kind === 'GridLayout') this.grid(layout, '/spec/layout', 0, this.panels, () => `/panels/${this.panels.length}`);
    else this.loose(layout, '/spec/layout');
    for (const name of Object.keys(this.elements)) {
      if (this.shown.has(name)) continue;
      this.shape.push(finding('dashboard/shape', this.lenient, `element "${name}" is in no layout, so Grafana never shows it`,
        { ...this.base, path: `/spec/elements/${escapePointer(name)}` }, 'place it in spec.layout, or remove it'));
    }
    const map = this.map;
    const dashboard: JsonObject = { title: this.spec.title, panels: this.panels, templating: { list: this.variables() } };
    return {
      dashboard,
      pointer: (path) => translate(map, path),
      unplaced: this.unplaced,
      library: this.library,
      elements: this.shown,
      shape: this.shape,
    };
  }

  /** Rows stack from the top; a collapsed row keeps its panels at their opened positions, as the classic model does. */
  private rows(layout: JsonObject, at: string): void {
    const rows = isObject(layout.spec) && Array.isArray(layout.spec.rows) ? layout.spec.rows : [];
    let y = 0;
    for (const [r, row] of rows.entries()) {
      const rowAt = `${at}/spec/rows/${r}`;
      const spec = isObject(row) && isObject(row.spec) ? row.spec : {};
      const inner = isObject(spec.layout) ? spec.layout : undefined;
      const collapsed = spec.collapse === true;
      const headed = spec.hideHeader !== true;
      let children: JsonObject[] = this.panels;
      if (headed) {
        const viewPath = `/panels/${this.panels.length}`;
        const rowPanel: JsonObject = { type: 'row', id: this.nextRowId++, title: spec.title ?? '', collapsed, gridPos: { x: 0, y, w: ROW_WIDTH, h: 1 }, panels: [] };
        this.panels.push(rowPanel);
        for (const [from, to] of [['', ''], ['/title', '/spec/title'], ['/gridPos', ''], ['/id', ''], ['/panels', '/spec/layout']] as const) {
          this.map.set(`${viewPath}${from}`, `${rowAt}${to}`);
        }
        if (collapsed) children = rowPanel.panels as JsonObject[];
        y += 1;
      }
      const list = children;
      const pathOf = (): string => (list === this.panels ? `/panels/${this.panels.length}` : `/panels/${this.panels.length - 1}/panels/${list.length}`);
      if (inner?.kind !== 'GridLayout') {
        this.loose(inner, `${rowAt}/spec/layout`, list, pathOf);
        continue;
      }
      const bottom = this.grid(inner, `${rowAt}/spec/layout`, y, list, pathOf);
      if (!(headed && collapsed)) y = Math.max(y, bottom);
    }
  }

  /** Places a grid's items `top` rows down; returns the grid's bottom. */
  private grid(layout: JsonObject, at: string, top: number, list: JsonObject[], pathOf: () => string): number {
    const items = isObject(layout.spec) && Array.isArray(layout.spec.items) ? layout.spec.items : [];
    let bottom = top;
    for (const [k, item] of items.entries()) {
      const itemAt = `${at}/spec/items/${k}`;
      const spec = isObject(item) && isObject(item.spec) ? item.spec : {};
      const y = typeof spec.y === 'number' ? spec.y + top : spec.y;
      const gridPos = { x: spec.x, y, w: spec.width, h: spec.height };
      const path = pathOf();
      if (this.place(spec.element, `${itemAt}/spec/element`, path, list, gridPos)) {
        this.map.set(`${path}/gridPos`, `${itemAt}/spec`);
        if (typeof y === 'number' && typeof spec.height === 'number') bottom = Math.max(bottom, y + spec.height);
      }
    }
    return bottom;
  }

  /** Tabs and auto grids: the elements they show, found wherever they nest, without a position to check. */
  private loose(layout: unknown, at: string, list: JsonObject[] = this.panels, pathOf = (): string => `/panels/${this.panels.length}`): void {
    if (Array.isArray(layout)) {
      layout.forEach((value, i) => this.loose(value, `${at}/${i}`, list, pathOf));
      return;
    }
    if (!isObject(layout)) return;
    if (layout.kind === 'ElementReference') {
      const path = pathOf();
      if (this.place(layout, at, path, list, undefined)) this.unplaced.add(path);
      return;
    }
    for (const [key, value] of Object.entries(layout)) this.loose(value, `${at}/${escapePointer(key)}`, list, pathOf);
  }

  /** Adds the referenced element to `list` as a panel at `path`; false when the reference leads nowhere. */
  private place(reference: unknown, at: string, path: string, list: JsonObject[], gridPos: JsonObject | undefined): boolean {
    const name = isObject(reference) && typeof reference.name === 'string' ? reference.name : undefined;
    const element = name === undefined ? undefined : this.elements[name];
    if (name === undefined || !isObject(element)) {
      this.shape.push(finding('dashboard/shape', 'error',
        name === undefined ? 'a layout item names no element' : `a layout item refers to element "${name}", which spec.elements does not have`,
        { ...this.base, path: name === undefined ? at : `${at}/name` }, 'point it at a key of spec.elements, or remove the item'));
      return false;
    }
    const elementAt = `/spec/elements/${escapePointer(name)}`;
    const panel = elementPanel(element);
    if (gridPos) panel.gridPos = gridPos;
    list.push(panel);
    const location: Location = { ...this.base, path: elementAt };
    if (typeof panel.title === 'string' && panel.title !== '') location.panel = panel.title;
    if (Number.isInteger(panel.id)) location.panelId = panel.id as number;
    this.shown.set(name, location);
    if (element.kind === 'LibraryPanel') this.library.add(path);
    for (const [from, to] of [['', ''], ['/title', '/spec/title'], ['/description', '/spec/description'], ['/id', '/spec/id'],
      ['/type', '/spec/vizConfig/group'], ['/fieldConfig', '/spec/vizConfig/spec/fieldConfig'], ['/options', '/spec/vizConfig/spec/options'],
      ['/targets', '/spec/data/spec/queries']] as const) {
      this.map.set(`${path}${from}`, `${elementAt}${to}`);
    }
    const targets = Array.isArray(panel.targets) ? panel.targets : [];
    for (const k of targets.keys()) {
      const query = `${elementAt}/spec/data/spec/queries/${k}/spec`;
      this.map.set(`${path}/targets/${k}`, `${query}/query/spec`);
      this.map.set(`${path}/targets/${k}/datasource`, `${query}/query/datasource`);
      this.map.set(`${path}/targets/${k}/refId`, `${query}/refId`);
      this.map.set(`${path}/targets/${k}/hide`, `${query}/hidden`);
    }
    return true;
  }

  private variables(): unknown[] {
    const variables = Array.isArray(this.spec.variables) ? this.spec.variables : [];
    return variables.map((v, i) => {
      const spec = isObject(v) && isObject(v.spec) ? v.spec : {};
      const kind = isObject(v) ? v.kind : undefined;
      if (kind === 'DatasourceVariable') return { type: 'datasource', name: spec.name, query: spec.pluginId };
      if (kind === 'QueryVariable') {
        this.map.set(`/templating/list/${i}/datasource`, `/spec/variables/${i}/spec/query/datasource`);
        return { type: 'query', name: spec.name, datasource: datasourceOf(spec.query) };
      }
      return { type: typeof kind === 'string' ? kind : 'unknown', name: spec.name };
    });
  }
}

/** A query's datasource in the classic form: the plugin type from `group`, the uid (or variable) from `name`. */
function datasourceOf(query: unknown): JsonObject | undefined {
  if (!isObject(query)) return undefined;
  const name = isObject(query.datasource) ? query.datasource.name : undefined;
  return { ...(query.group !== undefined ? { type: query.group } : {}), ...(name !== undefined ? { uid: name } : {}) };
}

function elementPanel(element: JsonObject): JsonObject {
  const spec = isObject(element.spec) ? element.spec : {};
  if (element.kind === 'LibraryPanel') return { id: spec.id, title: spec.title, libraryPanel: spec.libraryPanel };
  const viz = isObject(spec.vizConfig) ? spec.vizConfig : {};
  const vizSpec = isObject(viz.spec) ? viz.spec : {};
  const data = isObject(spec.data) && isObject(spec.data.spec) ? spec.data.spec : {};
  const queries = Array.isArray(data.queries) ? data.queries : [];
  return {
    id: spec.id,
    title: spec.title,
    ...(spec.description !== undefined ? { description: spec.description } : {}),
    type: viz.group,
    targets: queries.map((q) => {
      const query = isObject(q) && isObject(q.spec) ? q.spec : {};
      const dataQuery = isObject(query.query) ? query.query : {};
      return { ...(isObject(dataQuery.spec) ? dataQuery.spec : {}), refId: query.refId, hide: query.hidden === true, datasource: datasourceOf(dataQuery) };
    }),
    ...(vizSpec.fieldConfig !== undefined ? { fieldConfig: vizSpec.fieldConfig } : {}),
    ...(vizSpec.options !== undefined ? { options: vizSpec.options } : {}),
  };
}

/** The longest mapped prefix wins; what follows it carries over (`/targets/0/expr` into the query's spec). */
function translate(map: ReadonlyMap<string, string>, path: string): string {
  const segments = path.split('/');
  for (let n = segments.length; n > 0; n--) {
    const prefix = segments.slice(0, n).join('/');
    const target = map.get(prefix);
    if (target !== undefined) return target + segments.slice(n).map((s) => `/${s}`).join('');
  }
  return `/spec${path}`;
}

/**
 * Findings on the view, pointed back into the resource. Dropped: the position of panels no grid places, and the
 * description of library panels, which lives in the library.
 */
export function fromView(view: V2View, findings: readonly Finding[]): Finding[] {
  return findings.flatMap((f) => {
    const path = f.location.path ?? '';
    const panelPath = /^\/panels\/\d+(?:\/panels\/\d+)?/.exec(path)?.[0] ?? '';
    if (f.rule === 'dashboard/grid-bounds' && view.unplaced.has(panelPath)) return [];
    if (f.rule === 'dashboard/description' && view.library.has(panelPath)) return [];
    return [{ ...f, location: { ...f.location, path: view.pointer(path) } }];
  });
}
