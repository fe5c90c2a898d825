/**
 * Lints files this project did not generate: dashboards (JSON, or inside ConfigMaps and ConfigMapLists),
 * Prometheus rule files and PrometheusRule resources, in single- or multi-document YAML. Without a catalogue
 * for foreign metrics the catalogue checks are skipped; conventions and Grafana's legacy shapes are warnings.
 */
import { readdir, readFile, stat } from 'node:fs/promises';
import { extname, join } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { checkDashboard } from './check/dashboard.js';
import type { Finding, Location } from './check/finding.js';
import { checkDashboardQueries } from './check/queries.js';
import { checkRuleFile } from './check/rules.js';

type Doc = Record<string, unknown>;

const isObject = (value: unknown): value is Doc => typeof value === 'object' && value !== null && !Array.isArray(value);

function problem(file: string, rule: string, message: string, hint: string, extra: Partial<Location> = {}): Finding {
  return { severity: 'error', rule, message, hint, location: { file, ...extra } };
}

const EXPECTED =
  'a Grafana dashboard (JSON with panels), a ConfigMap or ConfigMapList holding dashboards, a Prometheus rule file (groups) or a PrometheusRule resource';

/**
 * Lints files together: a recording rule defined in one of them counts as defined for all, as when they are
 * loaded into one Prometheus. A folder stands for its JSON and YAML files; in those, Kubernetes objects of other
 * kinds (a Kustomization, a ConfigMap without dashboards) are passed over, while a file named on its own must be
 * one of the kinds lint reads.
 */
export async function lintFiles(paths: readonly string[]): Promise<Finding[]> {
  const found = new Set<string>();
  const files = (await Promise.all(paths.map((path) => expand(path, found)))).flat();
  const loaded = await Promise.all(files.map(load));
  const recorded = loaded.flatMap(({ docs }) => docs.flatMap(recordedNames));
  return loaded.flatMap(({ file, docs, findings }) => [
    ...findings,
    ...docs
      .map((doc, index) => ({ doc, path: docs.length > 1 ? `/${index}` : '' }))
      .filter(({ doc }) => !(found.has(file) && isOtherKind(doc)))
      .flatMap(({ doc, path }) => lintDocument(doc, file, path, recorded)),
  ]);
}

/** A Kubernetes object lint has nothing to say about. */
function isOtherKind(doc: unknown): boolean {
  if (!isObject(doc) || typeof doc.kind !== 'string') return false;
  if (doc.kind === 'ConfigMap') return !Object.keys(isObject(doc.data) ? doc.data : {}).some((key) => key.endsWith('.json'));
  return !['PrometheusRule', 'ConfigMapList', 'List'].includes(doc.kind);
}

const LINTABLE = /\.(?:json|ya?ml)$/i;
/** jsonnet-bundler's manifests (deploy/ is a jb package): JSON, but no monitoring content. */
const JSONNET_BUNDLER = /^jsonnetfile(?:\.lock)?\.json$/;

/** A folder stands for the JSON and YAML files under it (noted in `found`), in a stable order. */
async function expand(path: string, found: Set<string>, inFolder = false): Promise<string[]> {
  const info = await stat(path).catch(() => undefined);
  if (!info?.isDirectory()) {
    if (inFolder) found.add(path);
    return [path];
  }
  const entries = await readdir(path, { withFileTypes: true });
  const nested = await Promise.all(
    entries
      .filter((e) => e.isDirectory() || (LINTABLE.test(e.name) && !JSONNET_BUNDLER.test(e.name)))
      .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))
      .map((e) => expand(join(path, e.name), found, true)),
  );
  return nested.flat();
}

async function load(file: string): Promise<{ file: string; docs: unknown[]; findings: Finding[] }> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? String(error);
    return { file, docs: [], findings: [problem(file, 'lint/read', `cannot read the file (${code})`, 'check the path')] };
  }
  if (text.trim() === '') return { file, docs: [], findings: [problem(file, 'lint/empty', 'the file is empty', `give ${EXPECTED}`)] };
  const docs = parseDocuments(file, text);
  return Array.isArray(docs) ? { file, docs, findings: [] } : { file, docs: [], findings: [docs] };
}

/** Names recorded by the rule groups a document holds, whatever its shape. */
function recordedNames(doc: unknown): string[] {
  if (!isObject(doc)) return [];
  if (Array.isArray(doc.items)) return doc.items.flatMap(recordedNames);
  const groups = doc.kind === 'PrometheusRule' && isObject(doc.spec) ? doc.spec.groups : doc.groups;
  if (!Array.isArray(groups)) return [];
  return groups.flatMap((g) => (isObject(g) && Array.isArray(g.rules) ? g.rules : []))
    .flatMap((r) => (isObject(r) && typeof r.record === 'string' ? [r.record] : []));
}

/** JSON files as JSON, so the error names JSON; everything else as (possibly multi-document) YAML. */
function parseDocuments(file: string, text: string): unknown[] | Finding {
  if (extname(file).toLowerCase() === '.json') {
    try {
      return [JSON.parse(text)];
    } catch (error) {
      return problem(file, 'lint/parse', `not valid JSON: ${(error as Error).message}`, 'fix the JSON syntax');
    }
  }
  const documents = parseAllDocuments(text);
  const list = Array.isArray(documents) ? documents : [documents];
  for (const doc of list) {
    const error = doc.errors[0];
    if (error) {
      const line = error.linePos?.[0];
      return problem(file, 'lint/parse', `not valid YAML${line ? ` (line ${line.line}, column ${line.col})` : ''}: ${error.message.split('\n')[0]?.replace(/:$/, '')}`, 'fix the YAML syntax');
    }
  }
  try {
    return list.map((doc) => doc.toJS({ maxAliasCount: 1000 })).filter((doc) => doc !== null && doc !== undefined);
  } catch (error) {
    // An alias bomb, for one: this file is unreadable, the others still get linted.
    return problem(file, 'lint/parse', `cannot read the YAML: ${(error as Error).message.split('\n')[0]}`, 'remove the excessive aliases');
  }
}

function lintDocument(doc: unknown, file: string, path: string, recorded: readonly string[]): Finding[] {
  if (!isObject(doc)) {
    return [problem(file, 'lint/shape', `expected ${EXPECTED}, found ${Array.isArray(doc) ? 'a list' : typeof doc}`, 'lint one of those kinds of file', { path: path || '/' })];
  }
  const kind = doc.kind;
  if (kind === 'PrometheusRule') return lintRules(isObject(doc.spec) ? doc.spec.groups : undefined, file, `${path}/spec/groups`, recorded);
  if (kind === 'ConfigMap') return lintConfigMap(doc, file, path);
  if (kind === 'ConfigMapList' || kind === 'List') {
    if (!Array.isArray(doc.items)) return [problem(file, 'lint/shape', `${kind} without an items list`, 'give the ConfigMaps under items', { path })];
    return doc.items.flatMap((item, i) => lintDocument(item, file, `${path}/items/${i}`, recorded));
  }
  if ('groups' in doc) return lintRules(doc.groups, file, `${path}/groups`, recorded);
  if (looksLikeDashboard(doc)) return lintDashboard(doc, file);
  const found = typeof kind === 'string' ? `a ${kind}` : `an object with keys ${Object.keys(doc).slice(0, 5).join(', ') || '(none)'}`;
  return [problem(file, 'lint/shape', `expected ${EXPECTED}, found ${found}`, 'lint one of those kinds of file', { path: path || '/' })];
}

function looksLikeDashboard(doc: Doc): boolean {
  return Array.isArray(doc.panels) || Array.isArray(doc.rows) || ('schemaVersion' in doc && 'title' in doc);
}

function lintRules(groups: unknown, file: string, groupsPath: string, recordedElsewhere: readonly string[]): Finding[] {
  return checkRuleFile(groups, { file, groupsPath, conventionSeverity: 'warning', checkExpressions: true, recordedElsewhere });
}

function lintDashboard(dashboard: Doc, file: string): Finding[] {
  return [...checkDashboard(dashboard, { file, schemaSeverity: 'warning', strict: false }), ...checkDashboardQueries(dashboard, file)];
}

/** A dashboard ConfigMap holds each dashboard as a JSON string under a `*.json` key. */
function lintConfigMap(doc: Doc, file: string, path: string): Finding[] {
  const data = isObject(doc.data) ? doc.data : {};
  const keys = Object.keys(data).filter((key) => key.endsWith('.json'));
  if (keys.length === 0) {
    return [problem(file, 'lint/shape', 'ConfigMap holds no *.json dashboard', 'put each dashboard under a data key ending in .json', { path })];
  }
  return keys.flatMap((key) => {
    const where = `${file} (${key})`;
    const value = data[key];
    let dashboard: unknown;
    try {
      dashboard = typeof value === 'string' ? JSON.parse(value) : value;
    } catch (error) {
      return [problem(where, 'lint/parse', `data.${key} is not valid JSON: ${(error as Error).message}`, 'fix the dashboard JSON', { path: `${path}/data/${key}` })];
    }
    return isObject(dashboard) ? lintDashboard(dashboard, where) : [problem(where, 'lint/shape', `data.${key} is not a dashboard object`, 'store the dashboard JSON object', { path })];
  });
}
