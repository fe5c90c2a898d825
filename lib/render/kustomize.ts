/** Kustomize entry points for generated artifacts. */

export interface Kustomization {
  apiVersion: 'kustomize.config.k8s.io/v1beta1';
  kind: 'Kustomization';
  resources?: string[];
  generatorOptions?: { disableNameSuffixHash: boolean; labels?: Record<string, string> };
  configMapGenerator?: Array<{ name: string; files: string[] }>;
}

export const resourcesKustomization = (resources: string[]): Kustomization => ({
  apiVersion: 'kustomize.config.k8s.io/v1beta1',
  kind: 'Kustomization',
  resources,
});

/**
 * One ConfigMap holding the dashboard files. The name carries no hash suffix because Grafana's sidecar
 * watches labels, not names, and a stable name lets other manifests refer to it. Labels sit in
 * `generatorOptions`, which every kustomize reads; a generator's own `options` is newer (Debian's kubectl 1.20
 * refuses it).
 */
export const dashboardsKustomization = (name: string, files: string[], labels: Record<string, string>, resources: string[] = []): Kustomization => ({
  apiVersion: 'kustomize.config.k8s.io/v1beta1',
  kind: 'Kustomization',
  ...(resources.length > 0 ? { resources } : {}),
  generatorOptions: { disableNameSuffixHash: true, labels },
  configMapGenerator: [{ name, files }],
});
