/** Where the SPT mixin's outputs land under deploy/, and the Kustomize entry points that ship them. */
import { configDifference } from '../engine/merge.js';
import type { Mixin } from '../engine/mixin.js';
import { layoutSvg } from '../grafana/layout-svg.js';
import { alertmanagerConfigResource, alertmanagerYaml } from '../prometheus/alertmanager.js';
import { prometheusRule } from '../prometheus/rules.js';
import { resourcesKustomization } from '../render/kustomize.js';
import type { Artifact } from '../render/serialize.js';
import { sptInhibitRules, sptRouting } from './alertmanager.js';
import { defaultConfig, type SptConfig } from './config.js';
import { renderText } from './context.js';
import { grafanaArtifacts } from './deploy-grafana.js';
import { RUNBOOKS_FILE, runbooksMarkdown } from './runbooks.js';

export const RECORDING_RULES_FILE = 'prometheus/spt-recording-rules.yaml';
export const ALERTS_FILE = 'prometheus/spt-alerts.yaml';
export const ALERTMANAGER_FILE = 'alertmanager/alertmanager.yml';
export { dashboardPath, dashboardV2Path } from './deploy-grafana.js';

export type Part = 'dashboards' | 'rules';

/** Where the content comes from, for the generated-file headers. */
const SOURCE = 'lib/spt and templates/';

/**
 * Every file of a render. `command` is the command line that made it, for a customised render: its headers name
 * it, so whoever finds the files knows how to make them again.
 */
export function artifacts(mixin: Mixin<SptConfig>, parts: readonly Part[] = ['dashboards', 'rules'], command?: string): Artifact[] {
  const config = mixin._config;
  const header = renderText('header', { comment: '#', source: SOURCE, command });
  const out: Artifact[] = [];
  if (parts.includes('dashboards')) out.push(...grafanaArtifacts(mixin.grafanaDashboards, config, header));
  if (parts.includes('rules')) {
    out.push(
      { path: RECORDING_RULES_FILE, format: 'yaml', header, data: prometheusRule('spt-recording-rules', config.ruleLabels, mixin.prometheusRules) },
      { path: ALERTS_FILE, format: 'yaml', header, data: prometheusRule('spt-alerts', config.ruleLabels, mixin.prometheusAlerts) },
      {
        path: 'prometheus/kustomization.yaml',
        format: 'yaml',
        header,
        data: resourcesKustomization(['spt-recording-rules.yaml', 'spt-alerts.yaml']),
      },
      ...alertmanagerArtifacts(config, header),
    );
  }
  if (parts.includes('dashboards') && parts.includes('rules')) {
    out.push(
      {
        path: 'mixin.libsonnet',
        format: 'jsonnet',
        code: renderText('mixin.libsonnet', { header: renderText('header', { comment: '//', source: SOURCE, command }) }),
        data: {
          configFile: configDifference(defaultConfig, config) ?? {},
          resourceKeys: RESOURCE_KEYS,
          _config: config,
          grafanaDashboards: mixin.grafanaDashboards,
          prometheusRules: mixin.prometheusRules,
          prometheusAlerts: mixin.prometheusAlerts,
        },
      },
      // Makes the folder a jsonnet-bundler package (`jb install github.com/donaldgifford/spt-mixin/deploy@main`).
      { path: 'jsonnetfile.json', format: 'json', data: JSONNETFILE },
    );
  }
  return out;
}

/** Routing and inhibition twice: the operator's resource behind a Kustomize entry point, and a plain fragment. */
function alertmanagerArtifacts(config: SptConfig, header: string): Artifact[] {
  const routing = sptRouting(config);
  const inhibitRules = sptInhibitRules(config);
  return [
    { path: ALERTMANAGER_FILE, format: 'yaml', header, data: alertmanagerYaml(routing, inhibitRules) },
    { path: 'alertmanager/spt-alertmanager-config.yaml', format: 'yaml', header, data: alertmanagerConfigResource('spt', routing, inhibitRules) },
    { path: 'alertmanager/kustomization.yaml', format: 'yaml', header, data: resourcesKustomization(['spt-alertmanager-config.yaml']) },
  ];
}

/**
 * Config keys that only the Kubernetes resources of the YAML render read (the PrometheusRules' and the dashboard
 * ConfigMap's labels): mixin.libsonnet's outputs do not depend on them, so it lets an aggregator override them.
 */
export const RESOURCE_KEYS: readonly (keyof SptConfig)[] = ['ruleLabels', 'grafanaDashboardLabels'];

/** jsonnet-bundler's v1 format; the rendered mixin needs no other Jsonnet package. */
const JSONNETFILE = { version: 1, dependencies: [], legacyImports: true };

/**
 * The layout picture of each dashboard (`spt-overview.layout.svg`) with the dashboards, the runbooks
 * (`runbooks.md`) with the rules. Not part of `deploy/`: they are documentation, written into a docs folder only
 * when one is asked for (or by this repository's own render).
 */
export function docsArtifacts(mixin: Mixin<SptConfig>, parts: readonly Part[] = ['dashboards', 'rules']): Artifact[] {
  const out: Artifact[] = [];
  if (parts.includes('dashboards')) {
    out.push(
      ...Object.keys(mixin.grafanaDashboards)
        .sort()
        .map((file): Artifact => ({ path: file.replace(/\.json$/, '.layout.svg'), format: 'text', text: layoutSvg(mixin.grafanaDashboards[file] ?? {}) })),
    );
  }
  if (parts.includes('rules')) out.push({ path: RUNBOOKS_FILE, format: 'text', text: runbooksMarkdown(mixin) });
  return out;
}
