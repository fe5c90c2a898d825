/**
 * The Grafana part of a render: the dashboard files in the formats `grafanaDashboardFormat` names, each format
 * with its Kustomize entry point (a sidecar ConfigMap, and the grafana-operator resources when
 * `grafanaOperator` is set).
 */
import type { Dashboard } from '@grafana/schema';
import { grafanaDashboard, grafanaManifest } from '../grafana/operator.js';
import { toV2 } from '../grafana/v2.js';
import { dashboardsKustomization } from '../render/kustomize.js';
import type { Artifact } from '../render/serialize.js';
import type { SptConfig } from './config.js';

/** Where a dashboard of `grafanaDashboards` lands; the ConfigMap's generator reads it from there. */
export const dashboardPath = (file: string): string => `grafana/data/${file}`;
/** Where its v2 resource lands: beside the classic file with `both`, so each format keeps one path. */
export const dashboardV2Path = (file: string): string => `grafana/v2/${file}`;

/**
 * The same ConfigMap name in every entry point: with `both`, applying one format's entry point replaces the
 * other's dashboards instead of loading the same uid twice.
 */
const CONFIG_MAP = 'spt-grafana-dashboards';
const OPERATOR_FILE = 'grafana-operator.yaml';

export function grafanaArtifacts(dashboards: Readonly<Record<string, Dashboard>>, config: SptConfig, header: string): Artifact[] {
  const format = config.grafanaDashboardFormat ?? 'classic';
  const selector = config.grafanaOperator?.instanceSelector;
  const files = Object.keys(dashboards).sort();
  const out: Artifact[] = [];
  const entry = (dir: string, members: string[], operator: unknown[]): void => {
    if (operator.length > 0) out.push({ path: `${dir}/${OPERATOR_FILE}`, format: 'yaml', header, data: operator });
    out.push({
      path: `${dir}/kustomization.yaml`,
      format: 'yaml',
      header,
      data: dashboardsKustomization(CONFIG_MAP, members, config.grafanaDashboardLabels, operator.length > 0 ? [OPERATOR_FILE] : []),
    });
  };
  const dashboardOf = (file: string): Dashboard => dashboards[file] as Dashboard;
  if (format !== 'v2') {
    for (const file of files) out.push({ path: dashboardPath(file), format: 'json', data: dashboardOf(file) });
    entry('grafana', files.map((f) => `data/${f}`), selector ? files.map((f) => grafanaDashboard(dashboardOf(f), selector)) : []);
  }
  if (format !== 'classic') {
    const resources = files.map((f) => toV2(dashboardOf(f)));
    files.forEach((file, i) => out.push({ path: dashboardV2Path(file), format: 'json', data: resources[i] }));
    const own = format === 'both';
    entry(own ? 'grafana/v2' : 'grafana', files.map((f) => (own ? f : `v2/${f}`)), selector ? resources.map((r) => grafanaManifest(r, selector)) : []);
  }
  return out;
}
