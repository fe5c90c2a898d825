/**
 * Runs the query checks on every query Grafana would send, through the panel traversal the other dashboard checks
 * use: PromQL for Prometheus datasources, LogQL for Loki; queries of datasources the checks do not know are
 * noted (`info`), and panels that do not query are passed over.
 */
import type { Catalogue } from '../engine/catalogue.js';
import { templateVariables } from './dashboard/datasource.js';
import { dashboardPanels, isObject, isRow, type JsonObject, type PanelRef } from './dashboard/panels.js';
import { promqlPractice } from './dashboard/promql-practice.js';
import { fromView, isV2Resource, v2View } from './dashboard/v2.js';
import { finding, type Finding, type Location } from './finding.js';
import { checkLogql } from './logql.js';
import { checkExpr } from './promql.js';
import { environmentFilterFindings, variableQueryFindings } from './dashboard/variables.js';

export interface QueryCheckOptions {
  file: string;
  catalogue?: Catalogue;
  /**
   * Our own output: an empty query is an error. In foreign dashboards Grafana does not send an empty or hidden
   * query, so neither is reported.
   */
  strict?: boolean;
  /** Labels that tell environments apart; a query ignoring the variable of one is a finding. */
  environmentLabels?: readonly string[];
}

/** Panels that show something other than query results; a target they carry is never sent. */
const NON_QUERY_PANELS: ReadonlySet<string> = new Set([
  'alertlist', 'annolist', 'dashlist', 'gettingstarted', 'news', 'pluginlist', 'text', 'welcome',
]);

type Language = 'promql' | 'logql' | { skipped: string };

export function checkDashboardQueries(dashboard: unknown, options: QueryCheckOptions): Finding[] {
  if (!isObject(dashboard)) return [];
  const lenient = options.strict ? 'error' : 'warning';
  if (isV2Resource(dashboard)) {
    const spec = isObject(dashboard.spec) ? dashboard.spec : {};
    const base: Location = { file: options.file, ...(typeof spec.title === 'string' && spec.title !== '' ? { dashboard: spec.title } : {}) };
    const view = v2View(dashboard, base, lenient);
    return fromView(view, queriesOf(view.dashboard, base, options));
  }
  const base: Location = { file: options.file, ...(typeof dashboard.title === 'string' && dashboard.title !== '' ? { dashboard: dashboard.title } : {}) };
  return queriesOf(dashboard, base, options);
}

function queriesOf(dashboard: JsonObject, base: Location, options: QueryCheckOptions): Finding[] {
  const variables = datasourceTypes(dashboard);
  return [
    ...variableQueryFindings(dashboard, base, options.catalogue, options.strict ?? false),
    ...dashboardPanels(dashboard, base, options.strict ? 'error' : 'warning').all.flatMap((ref) => panelQueries(dashboard, ref, variables, options)),
  ];
}

function panelQueries(dashboard: JsonObject, ref: PanelRef, variables: ReadonlyMap<string, string>, options: QueryCheckOptions): Finding[] {
  const { panel } = ref;
  if (isRow(panel) || (typeof panel.type === 'string' && NON_QUERY_PANELS.has(panel.type)) || !Array.isArray(panel.targets)) return [];
  return panel.targets.flatMap((target: unknown, t: number) => {
    if (!isObject(target) || typeof target.expr !== 'string') return [];
    const location = { ...ref.location, path: `${ref.path}/targets/${t}/expr` };
    const language = languageOf(target.datasource ?? panel.datasource, variables);
    if (typeof language === 'object') {
      return [finding('query/skipped', 'info', `query of ${language.skipped} not checked: the checks know PromQL and LogQL`, location,
        'nothing to do; exclude query/skipped to silence this note')];
    }
    const hidden = target.hide === true;
    if (target.expr.trim() === '' && (hidden || !options.strict)) return [];
    const found = language === 'logql'
      ? checkLogql(target.expr, location)
      : [
          ...checkExpr(target.expr, location, options.catalogue),
          ...promqlPractice(target.expr, location, options.catalogue),
          ...environmentFilterFindings(dashboard, options.environmentLabels ?? [], target.expr, location),
        ];
    // Grafana does not run a hidden query: what would fail there fails only once someone shows it.
    return hidden ? found.map((f) => (f.severity === 'error' ? { ...f, severity: 'warning' as const, message: `${f.message} (hidden query)` } : f)) : found;
  });
}

/**
 * The language of a query from its datasource reference: a type names it; a variable (`${ds}`) stands for its
 * datasource variable's plugin type; no reference, or a name alone, means the dashboard's default datasource,
 * which in a dashboard of PromQL queries is Prometheus.
 */
function languageOf(datasource: unknown, variables: ReadonlyMap<string, string>): Language {
  const uid = typeof datasource === 'string' ? datasource : isObject(datasource) && typeof datasource.uid === 'string' ? datasource.uid : undefined;
  const declared = isObject(datasource) && typeof datasource.type === 'string' ? datasource.type : undefined;
  const variable = uid === undefined ? undefined : /^\$\{?(\w+)/.exec(uid)?.[1];
  const type = (variable !== undefined ? variables.get(variable) : undefined) ?? declared;
  if (type === undefined || type === 'prometheus' || type === 'datasource') return 'promql';
  if (type === 'loki') return 'logql';
  return { skipped: `datasource type "${type}"` };
}

/** Datasource variables and the plugin type each selects (`query: "loki"`). */
function datasourceTypes(dashboard: JsonObject): Map<string, string> {
  const types = new Map<string, string>();
  for (const variable of templateVariables(dashboard)) {
    if (isObject(variable) && variable.type === 'datasource' && typeof variable.name === 'string' && typeof variable.query === 'string') {
      types.set(variable.name, variable.query);
    }
  }
  return types;
}
