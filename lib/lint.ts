/**
 * Lints files: dashboards (JSON, or inside ConfigMaps and ConfigMapLists), Prometheus rule files and
 * PrometheusRule resources, in single- or multi-document YAML. Each file is checked with its profile: foreign
 * files without a catalogue, conventions and Grafana's legacy shapes as warnings; files a mixin knows as its own
 * output with every check its validation applies.
 */
import { readdir, readFile, stat } from 'node:fs/promises';
import { extname, join } from 'node:path';
import { LineCounter, parseAllDocuments, type Document } from 'yaml';
import type { Catalogue } from './engine/catalogue.js';
import { checkDashboard } from './check/dashboard.js';
import { isV2Resource } from './check/dashboard/v2.js';
import { finding, type Finding, type Location, type RuleId } from './check/finding.js';
import { checkDashboardQueries } from './check/queries.js';
import { checkRuleFile } from './check/rules.js';
import { jsonLocator, locator, type Locator } from './lint/positions.js';

type Doc = Record<string, unknown>;

/** How one file is checked. */
export interface LintProfile {
  /** Every finding Grafana or Prometheus would tolerate is an error too: the file is a mixin's own output. */
  strict: boolean;
  catalogue?: Catalogue;
  /** Alert names must start with it. */
  alertPrefix?: string;
  /** Every panel and query must use this datasource uid. */
  datasourceUid?: string;
  /** Recording rules loaded beside this file even when not linted with it, e.g. the mixin's own. */
  recorded?: readonly string[];
}

const FOREIGN: LintProfile = { strict: false };

export interface LintOptions {
  /** The profile of a file; undefined for a foreign one. */
  profile?: (file: string) => LintProfile | undefined;
}

/** One file as read: its documents, with what maps a pointer to a line. */
export interface LintedFile {
  file: string;
  /** Documents that were dashboards or rule files, which the checks ran on. */
  checked: number;
  findings: Finding[];
  /** The YAML text, for in-file exclusion comments; undefined for JSON and unreadable files. */
  yaml?: { text: string; docs: Document.Parsed[]; lines: LineCounter };
}

const isObject = (value: unknown): value is Doc => typeof value === 'object' && value !== null && !Array.isArray(value);

function problem(file: string, rule: RuleId, message: string, hint: string, extra: Partial<Location> = {}): Finding {
  return finding(rule, 'error', message, { file, ...extra }, hint);
}

const EXPECTED =
  'a Grafana dashboard (JSON with panels, or a dashboard.grafana.app/v2 resource), a ConfigMap or ConfigMapList holding dashboards, a grafana-operator GrafanaDashboard or GrafanaManifest holding one, a Prometheus rule file (groups) or a PrometheusRule resource';

export async function lintFiles(paths: readonly string[], options: LintOptions = {}): Promise<Finding[]> {
  return (await lintEach(paths, options)).flatMap((f) => f.findings);
}

/**
 * Lints files together: a recording rule defined in one of them counts as defined for all, as when they are
 * loaded into one Prometheus. A folder stands for its JSON and YAML files; in those, Kubernetes objects of other
 * kinds (a Kustomization, a ConfigMap without dashboards) and Alertmanager config files are passed over, while a file named on its own must be
 * one of the kinds lint reads.
 */
export async function lintEach(paths: readonly string[], options: LintOptions = {}): Promise<LintedFile[]> {
  const found = new Set<string>();
  const files = (await Promise.all(paths.map((path) => expand(path, found)))).flat();
  const loaded = await Promise.all(files.map(load));
  const recorded = loaded.flatMap(({ docs }) => docs.flatMap(recordedNames));
  return loaded.map((file) => lintLoaded(file, found.has(file.file), recorded, options.profile?.(file.file) ?? FOREIGN));
}

interface Loaded {
  file: string;
  docs: unknown[];
  findings: Finding[];
  /** Where each document's pointers sit in the text. */
  locate: (index: number) => Locator | undefined;
  yaml?: LintedFile['yaml'];
}

function lintLoaded(loaded: Loaded, inFolder: boolean, recorded: readonly string[], profile: LintProfile): LintedFile {
  const { file, docs } = loaded;
  let checked = 0;
  const findings = docs.flatMap((doc, index) => {
    if (inFolder && isOtherKind(doc)) return [];
    const locate = loaded.locate(index);
    const result = lintDocument(doc, { file, recorded, profile, locate });
    checked += result.checked;
    const prefix = docs.length > 1 ? `/${index}` : '';
    return result.findings.map((f) => {
      if (f.location.file !== file) return f;
      const at = f.location.line === undefined && locate ? locate(f.location.path ?? '', f.location.position) : undefined;
      const path = f.location.path === undefined ? undefined : `${prefix}${f.location.path}`;
      return { ...f, location: { ...f.location, ...(path === undefined ? {} : { path }), ...(at ? { line: at.line, column: at.column } : {}) } };
    });
  });
  return { file, checked, findings: [...loaded.findings, ...findings], ...(loaded.yaml ? { yaml: loaded.yaml } : {}) };
}

/** A Kubernetes object lint has nothing to say about. */
function isOtherKind(doc: unknown): boolean {
  // An Alertmanager config file (deploy/alertmanager/alertmanager.yml) has no kind: its root route tells it.
  if (isObject(doc) && doc.kind === undefined && isObject(doc.route) && !('groups' in doc) && !('panels' in doc)) return true;
  if (!isObject(doc) || typeof doc.kind !== 'string') return false;
  if (isV2Resource(doc)) return false;
  if (doc.kind === 'GrafanaDashboard' || doc.kind === 'GrafanaManifest') return operatorDashboard(doc) === undefined;
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

const unreadable = (file: string, findings: Finding[]): Loaded => ({ file, docs: [], findings, locate: () => undefined });

async function load(file: string): Promise<Loaded> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? String(error);
    return unreadable(file, [problem(file, 'lint/read', `cannot read the file (${code})`, 'check the path')]);
  }
  if (text.trim() === '') return unreadable(file, [problem(file, 'lint/empty', 'the file is empty', `give ${EXPECTED}`)]);
  return extname(file).toLowerCase() === '.json' ? loadJson(file, text) : loadYaml(file, text);
}

/** JSON files as JSON, so the error names JSON; positions are read through `yaml` only when a finding needs one. */
function loadJson(file: string, text: string): Loaded {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (error) {
    return unreadable(file, [problem(file, 'lint/parse', `not valid JSON: ${(error as Error).message}`, 'fix the JSON syntax')]);
  }
  let locate: Locator | undefined;
  const lazy: Locator = (pointer, within) => {
    locate ??= jsonLocator(text);
    return locate(pointer, within);
  };
  return { file, docs: [doc], findings: [], locate: () => lazy };
}

function loadYaml(file: string, text: string): Loaded {
  const lines = new LineCounter();
  const parsed = parseAllDocuments(text, { lineCounter: lines });
  const list = Array.isArray(parsed) ? parsed : [];
  for (const doc of list) {
    const error = doc.errors[0];
    if (error) {
      const line = error.linePos?.[0];
      return unreadable(file, [problem(file, 'lint/parse', `not valid YAML: ${error.message.split('\n')[0]?.replace(/:$/, '')}`, 'fix the YAML syntax',
        line ? { line: line.line, column: line.col } : {})]);
    }
  }
  try {
    const kept = list.flatMap((doc) => {
      const value: unknown = doc.toJS({ maxAliasCount: 1000 });
      return value === null || value === undefined ? [] : [{ value, doc }];
    });
    return {
      file,
      docs: kept.map((k) => k.value),
      findings: [],
      locate: (index) => {
        const doc = kept[index]?.doc;
        return doc && locator(doc, lines, text);
      },
      yaml: { text, docs: kept.map((k) => k.doc), lines },
    };
  } catch (error) {
    // An alias bomb, for one: this file is unreadable, the others still get linted.
    return unreadable(file, [problem(file, 'lint/parse', `cannot read the YAML: ${(error as Error).message.split('\n')[0]}`, 'remove the excessive aliases')]);
  }
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

interface DocumentContext {
  file: string;
  recorded: readonly string[];
  profile: LintProfile;
  locate: Locator | undefined;
}

interface DocumentResult {
  findings: Finding[];
  checked: number;
}

const none = (findings: Finding[]): DocumentResult => ({ findings, checked: 0 });

/** Paths are relative to the document; the caller adds the document's index in a multi-document file. */
function lintDocument(doc: unknown, ctx: DocumentContext, path = ''): DocumentResult {
  const { file } = ctx;
  if (!isObject(doc)) {
    return none([problem(file, 'lint/shape', `expected ${EXPECTED}, found ${Array.isArray(doc) ? 'a list' : typeof doc}`, 'lint one of those kinds of file', { path: path || '/' })]);
  }
  const kind = doc.kind;
  if (isV2Resource(doc)) return { findings: lintDashboard(doc, file, ctx.profile), checked: 1 };
  if (kind === 'PrometheusRule') return lintRules(isObject(doc.spec) ? doc.spec.groups : undefined, `${path}/spec/groups`, ctx);
  if (kind === 'ConfigMap') return lintConfigMap(doc, path, ctx);
  if (kind === 'GrafanaDashboard' || kind === 'GrafanaManifest') return lintOperatorResource(doc, path, ctx);
  if (kind === 'ConfigMapList' || kind === 'List') {
    if (!Array.isArray(doc.items)) return none([problem(file, 'lint/shape', `${kind} without an items list`, 'give the ConfigMaps under items', { path })]);
    const results = doc.items.map((item, i) => lintDocument(item, ctx, `${path}/items/${i}`));
    return { findings: results.flatMap((r) => r.findings), checked: results.reduce((n, r) => n + r.checked, 0) };
  }
  if ('groups' in doc) return lintRules(doc.groups, `${path}/groups`, ctx);
  if (looksLikeDashboard(doc)) return { findings: lintDashboard(doc, file, ctx.profile), checked: 1 };
  const found = typeof kind === 'string' ? `a ${kind}` : `an object with keys ${Object.keys(doc).slice(0, 5).join(', ') || '(none)'}`;
  return none([problem(file, 'lint/shape', `expected ${EXPECTED}, found ${found}`, 'lint one of those kinds of file', { path: path || '/' })]);
}

function looksLikeDashboard(doc: Doc): boolean {
  return Array.isArray(doc.panels) || Array.isArray(doc.rows) || ('schemaVersion' in doc && 'title' in doc);
}

function lintRules(groups: unknown, groupsPath: string, ctx: DocumentContext): DocumentResult {
  const { profile } = ctx;
  const findings = checkRuleFile(groups, {
    file: ctx.file,
    groupsPath,
    conventionSeverity: profile.strict ? 'error' : 'warning',
    checkExpressions: true,
    recordedElsewhere: [...ctx.recorded, ...(profile.recorded ?? [])],
    ...(profile.catalogue ? { catalogue: profile.catalogue } : {}),
    ...(profile.alertPrefix ? { alertPrefix: profile.alertPrefix } : {}),
  });
  return { findings, checked: 1 };
}

function lintDashboard(dashboard: Doc, file: string, profile: LintProfile): Finding[] {
  return [
    ...checkDashboard(dashboard, {
      file,
      schemaSeverity: profile.strict ? 'error' : 'warning',
      strict: profile.strict,
      ...(profile.datasourceUid ? { datasourceUid: profile.datasourceUid } : {}),
    }),
    ...checkDashboardQueries(dashboard, { file, strict: profile.strict, ...(profile.catalogue ? { catalogue: profile.catalogue } : {}) }),
  ];
}

/**
 * A dashboard ConfigMap holds each dashboard as a JSON string under a `*.json` key; its findings point at that
 * key's line, with paths inside the dashboard.
 */
function lintConfigMap(doc: Doc, path: string, ctx: DocumentContext): DocumentResult {
  const { file } = ctx;
  const data = isObject(doc.data) ? doc.data : {};
  const keys = Object.keys(data).filter((key) => key.endsWith('.json'));
  if (keys.length === 0) {
    return none([problem(file, 'lint/shape', 'ConfigMap holds no *.json dashboard', 'put each dashboard under a data key ending in .json', { path })]);
  }
  const results = keys.map((key) => lintEmbedded(data[key], `${file} (${key})`, `${path}/data/${key}`, `data.${key}`, ctx));
  return { findings: results.flatMap((r) => r.findings), checked: results.reduce((n, r) => n + r.checked, 0) };
}

/**
 * A dashboard kept as a JSON string in a Kubernetes object (a ConfigMap's data key, a GrafanaDashboard's
 * `spec.json`): findings name the key beside the file and point at its line, with paths inside the dashboard.
 */
function lintEmbedded(value: unknown, where: string, at: string, name: string, ctx: DocumentContext): DocumentResult {
  const position = ctx.locate?.(at);
  const placed = (findings: Finding[]): Finding[] =>
    position ? findings.map((f) => ({ ...f, location: { ...f.location, line: position.line, column: position.column } })) : findings;
  let dashboard: unknown;
  try {
    dashboard = typeof value === 'string' ? JSON.parse(value) : value;
  } catch (error) {
    return none(placed([problem(where, 'lint/parse', `${name} is not valid JSON: ${(error as Error).message}`, 'fix the dashboard JSON', { path: at })]));
  }
  if (!isObject(dashboard)) return none(placed([problem(where, 'lint/shape', `${name} is not a dashboard object`, 'store the dashboard JSON object', { path: at })]));
  return { findings: placed(lintDashboard(dashboard, where, ctx.profile)), checked: 1 };
}

/** The dashboard a grafana-operator resource carries inline: a GrafanaDashboard's `spec.json`, a GrafanaManifest's v2 `spec.template`. */
function operatorDashboard(doc: Doc): unknown {
  const spec = isObject(doc.spec) ? doc.spec : {};
  if (doc.kind === 'GrafanaDashboard') return typeof spec.json === 'string' ? spec.json : undefined;
  return isV2Resource(spec.template) ? spec.template : undefined;
}

function lintOperatorResource(doc: Doc, path: string, ctx: DocumentContext): DocumentResult {
  const dashboard = operatorDashboard(doc);
  if (dashboard === undefined) {
    const expected = doc.kind === 'GrafanaDashboard' ? 'an inline spec.json' : 'a dashboard.grafana.app/v2 resource under spec.template';
    return none([problem(ctx.file, 'lint/shape', `${String(doc.kind)} without ${expected}; lint reads inline dashboards only`,
      'lint the dashboard file it refers to instead', { path: path || '/' })]);
  }
  if (typeof dashboard === 'string') return lintEmbedded(dashboard, `${ctx.file} (spec.json)`, `${path}/spec/json`, 'spec.json', ctx);
  const result = lintDocument(dashboard, ctx);
  return { ...result, findings: result.findings.map((f) => (f.location.path === undefined ? f : { ...f, location: { ...f.location, path: `/spec/template${f.location.path}` } })) };
}
