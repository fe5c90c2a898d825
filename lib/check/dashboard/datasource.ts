/**
 * Datasource references: our own dashboards put every query on the one datasource the caller names (a variable);
 * in any dashboard that declares a datasource variable, a panel or query that names a datasource outright stops
 * following that variable, which is what Grafana's dashboard-linter calls panel-datasource-rule.
 */
import { finding, type Finding, type Location, type Severity } from '../finding.js';
import { describePanel, describeType, isObject, isRow, type JsonObject, type PanelRef } from './panels.js';

/** Built-in references that are not a datasource one could put behind a variable. */
const BUILT_IN = new Set(['-- Mixed --', '-- Grafana --', '-- Dashboard --', 'grafana', '__expr__']);

/** Every datasource reference of the dashboard: panels, their queries and query variables. */
interface Reference {
  datasource: unknown;
  owner: string;
  location: Location;
}

/** `queriesOnly`: v2 dashboards, whose panels have no datasource of their own, only their queries. */
export function datasourceFindings(
  dashboard: JsonObject, all: readonly PanelRef[], base: Location, required: string | undefined, lenient: Severity, queriesOnly = false,
): Finding[] {
  const references = [
    ...all.filter((ref) => !isRow(ref.panel)).flatMap((ref) => panelReferences(ref, queriesOnly)),
    ...variableReferences(dashboard, base),
  ];
  if (required !== undefined) return references.flatMap((ref) => requiredFinding(ref, required));
  const variable = datasourceVariable(dashboard);
  return variable === undefined ? [] : references.flatMap((ref) => hardCodedFinding(ref, variable, lenient));
}

/** A panel without queries (text, news) needs no datasource, but if it names one, that one counts too. */
function panelReferences(ref: PanelRef, queriesOnly: boolean): Reference[] {
  const targets = Array.isArray(ref.panel.targets) ? ref.panel.targets : [];
  const references: Reference[] = [];
  if (!queriesOnly && (targets.length > 0 || ref.panel.datasource !== undefined)) {
    references.push({ datasource: ref.panel.datasource, owner: describePanel(ref), location: { ...ref.location, path: `${ref.path}/datasource` } });
  }
  for (const [i, target] of targets.entries()) {
    const refId = isObject(target) && typeof target.refId === 'string' ? ` ${target.refId}` : '';
    references.push({
      datasource: isObject(target) ? target.datasource : undefined,
      owner: `query${refId} of ${describePanel(ref)}`,
      location: { ...ref.location, path: `${ref.path}/targets/${i}/datasource` },
    });
  }
  return references;
}

/** Query variables run queries too; other variable kinds (datasource, custom, interval) have no datasource. */
function variableReferences(dashboard: JsonObject, base: Location): Reference[] {
  return templateVariables(dashboard).flatMap((variable, i) => {
    if (!isObject(variable) || variable.type !== 'query') return [];
    const owner = `variable ${typeof variable.name === 'string' ? `"${variable.name}"` : `#${i}`}`;
    return [{ datasource: variable.datasource, owner, location: { ...base, path: `/templating/list/${i}/datasource` } }];
  });
}

export function templateVariables(dashboard: JsonObject): unknown[] {
  return isObject(dashboard.templating) && Array.isArray(dashboard.templating.list) ? dashboard.templating.list : [];
}

/** The name of the dashboard's first datasource variable, if it declares one. */
function datasourceVariable(dashboard: JsonObject): string | undefined {
  const variable = templateVariables(dashboard).find((v) => isObject(v) && v.type === 'datasource');
  return isObject(variable) && typeof variable.name === 'string' ? variable.name : undefined;
}

function requiredFinding(ref: Reference, uid: string): Finding[] {
  const problem = requiredProblem(ref.datasource, uid);
  if (problem === undefined) return [];
  return [finding('dashboard/datasource', 'error', `${ref.owner} ${problem}`, ref.location,
    `set "datasource" to {"type": "prometheus", "uid": ${JSON.stringify(uid)}} so every query follows it`)];
}

function requiredProblem(datasource: unknown, uid: string): string | undefined {
  if (datasource === undefined || datasource === null) return 'has no datasource';
  if (typeof datasource === 'string') return `names its datasource by the string ${JSON.stringify(datasource)}`;
  if (!isObject(datasource)) return `has datasource ${describeType(datasource)}`;
  if (datasource.type === 'prometheus' && datasource.uid === uid) return undefined;
  return `uses datasource type ${JSON.stringify(datasource.type)} uid ${JSON.stringify(datasource.uid)}`;
}

function hardCodedFinding(ref: Reference, variable: string, lenient: Severity): Finding[] {
  const named = hardCoded(ref.datasource);
  if (named === undefined) return [];
  return [finding('dashboard/datasource', lenient,
    `${ref.owner} names datasource ${JSON.stringify(named)} outright although the dashboard declares the datasource variable "${variable}"`,
    ref.location, `set its uid to "\${${variable}}" so it follows the variable, or leave "datasource" out to use the panel's`)];
}

/** The uid or name a reference fixes, when it is neither a variable, nor the default, nor a built-in. */
function hardCoded(datasource: unknown): string | undefined {
  const name = typeof datasource === 'string' ? datasource : isObject(datasource) && typeof datasource.uid === 'string' ? datasource.uid : undefined;
  if (name === undefined || name === '' || name.includes('$') || BUILT_IN.has(name)) return undefined;
  return name;
}
