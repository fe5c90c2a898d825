/**
 * grafana-operator resources (grafana.integreatly.org/v1beta1) for clusters that run the operator instead of
 * Grafana's sidecar. `GrafanaDashboard` takes the classic model inline; the operator takes v2 resources only
 * through `GrafanaManifest`, which applies the resource as it is.
 */
import type { Dashboard } from '@grafana/schema';
import type { DashboardV2Resource } from './v2.js';

const API_VERSION = 'grafana.integreatly.org/v1beta1';

interface InstanceSelector {
  matchLabels: Record<string, string>;
}

export interface GrafanaDashboardResource {
  apiVersion: typeof API_VERSION;
  kind: 'GrafanaDashboard';
  metadata: { name: string };
  spec: { instanceSelector: InstanceSelector; json: string };
}

export interface GrafanaManifestResource {
  apiVersion: typeof API_VERSION;
  kind: 'GrafanaManifest';
  metadata: { name: string };
  spec: { instanceSelector: InstanceSelector; template: DashboardV2Resource };
}

/** A Kubernetes object name from a dashboard uid, which may hold capitals and underscores that names may not. */
export const resourceName = (uid: string): string => uid.toLowerCase().replace(/[^a-z0-9-]+/g, '-').replace(/^-+|-+$/g, '') || 'dashboard';

export function grafanaDashboard(dashboard: Dashboard, instanceLabels: Record<string, string>): GrafanaDashboardResource {
  return {
    apiVersion: API_VERSION,
    kind: 'GrafanaDashboard',
    metadata: { name: resourceName(dashboard.uid ?? dashboard.title ?? '') },
    spec: { instanceSelector: { matchLabels: instanceLabels }, json: `${JSON.stringify(dashboard, null, 2)}\n` },
  };
}

export function grafanaManifest(resource: DashboardV2Resource, instanceLabels: Record<string, string>): GrafanaManifestResource {
  return {
    apiVersion: API_VERSION,
    kind: 'GrafanaManifest',
    metadata: { name: resourceName(resource.metadata.name) },
    spec: { instanceSelector: { matchLabels: instanceLabels }, template: resource },
  };
}
