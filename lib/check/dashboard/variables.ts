/**
 * Template variables that query Prometheus, checked as Grafana runs them: `label_values(selector, label)`,
 * `label_values(label)`, `query_result(expr)` (the PromQL inside, against the grammar and catalogue), and, for
 * dashboards with environment variables, every panel query reading a series filtered by each of them.
 */
import type { Catalogue } from '../../engine/catalogue.js';
import { isLabelName } from '../../engine/promql.js';
import { finding, type Finding, type Location } from '../finding.js';
import { parsePromql, selectorsOf } from '../promql-parse.js';
import { checkExpr } from '../promql.js';
import { templateVariables } from './datasource.js';
import { isObject, type JsonObject } from './panels.js';

/** Grafana's Prometheus variable query forms; the others (`label_names()`, `metrics(re)`) carry no PromQL. */
const LABEL_VALUES = /^\s*label_values\(\s*(?:(.*),\s*)?([^,()]*?)\s*\)\s*$/s;
const QUERY_RESULT = /^\s*query_result\((.*)\)\s*$/s;

export function variableQueryFindings(dashboard: JsonObject, base: Location, catalogue: Catalogue | undefined, strict: boolean): Finding[] {
  return templateVariables(dashboard).flatMap((variable, i) => {
    if (!isObject(variable) || variable.type !== 'query') return [];
    const query = isObject(variable.query) ? variable.query.query : variable.query;
    if (typeof query !== 'string') return [];
    const location: Location = { ...base, path: `/templating/list/${i}/query` };
    const result = QUERY_RESULT.exec(query);
    if (result) return checkExpr(result[1]!, location, catalogue);
    const values = LABEL_VALUES.exec(query);
    if (!values) return [];
    const [, selector, label = ''] = values;
    if (!isLabelName(label) && !/^\$\w+$/.test(label)) {
      return [finding('dashboard/variable-query', strict ? 'error' : 'warning', `variable query ${JSON.stringify(query)} asks for the values of ${JSON.stringify(label)}, which is not a label name`, location,
        'write label_values(<selector>, <label name>)')];
    }
    if (selector === undefined) return [];
    const found = checkExpr(selector, location, catalogue);
    if (found.length > 0) return found;
    const series = catalogue?.series.get(selectorsOf(parsePromql(selector))[0]?.metric?.name ?? '');
    if (!series || series.labels.includes(label)) return [];
    return [finding('dashboard/variable-query', strict ? 'error' : 'warning', `variable query ${JSON.stringify(query)} asks for label "${label}", which ${series.name} never carries: the variable would list nothing`, location,
      `use one of ${series.name}'s labels (${series.labels.join(', ')}), or a series that carries "${label}"`)];
  });
}

/** Each environment label with a variable of its name: a panel query reading a series must use the variable. */
export function environmentFilterFindings(dashboard: JsonObject, environmentLabels: readonly string[], expr: string, location: Location): Finding[] {
  const declared = new Set(templateVariables(dashboard).flatMap((v) => (isObject(v) && typeof v.name === 'string' ? [v.name] : [])));
  const parsed = parsePromql(expr);
  if (parsed.syntaxErrors.length > 0 || selectorsOf(parsed).length === 0) return [];
  return environmentLabels
    .filter((label) => declared.has(label) && !usesVariable(expr, label))
    .map((label) => finding('dashboard/environment-variable', 'error', `the query ignores the environment variable $${label}: it shows every ${label} whatever is selected`, location,
      `add ${label}=~"$${label}" to each selector of the query, and keep ${label} in its aggregations`));
}

/** Grafana's three spellings of a variable, `$x`, `${x...}`, `[[x...]]`, anywhere in the text, strings included. */
const usesVariable = (expr: string, name: string): boolean =>
  new RegExp(`\\$${name}(?!\\w)|\\$\\{${name}[}:.]|\\[\\[${name}[\\]:]`).test(expr);
