/**
 * The library API for writing any mixin: check it, serialize its artifacts, write them all or none. Nothing
 * here knows a particular mixin; lib/spt/render.ts wires SPT's checks and layout to it.
 */
import { hasErrors, type Finding } from '../check/finding.js';
import { checkMixin, type MixinCheckOptions } from '../check/mixin.js';
import { formatText } from '../check/report.js';
import type { Catalogue } from '../engine/catalogue.js';
import type { MixinOutputs } from '../engine/mixin.js';
import { DATASOURCE_VARIABLE } from '../grafana/panel.js';
import { serializeAll, type Artifact } from './serialize.js';
import { writeAll } from './write.js';

export class ChecksFailed extends Error {
  constructor(readonly findings: Finding[]) {
    super(`the mixin has errors; nothing written\n${formatText(findings)}`);
    this.name = 'ChecksFailed';
  }
}

/** Throws ChecksFailed when a finding is an error; otherwise writes every artifact into `out`, all or none. */
export async function writeChecked(out: string, findings: Finding[], artifacts: () => readonly Artifact[]): Promise<string[]> {
  if (hasErrors(findings)) throw new ChecksFailed(findings);
  return writeAll(out, await serializeAll(artifacts()));
}

/** Where `renderTo` puts a mixin's outputs: mixtool's layout, which Jsonnet mixin users know. */
export const MIXIN_LAYOUT = {
  dashboards: (file: string): string => `dashboards_out/${file}`,
  rules: 'prometheus_rules.yaml',
  alerts: 'prometheus_alerts.yaml',
} as const;

/** Every output as a plain file: dashboards as JSON, rules and alerts as Prometheus rule files. */
export function mixinArtifacts(mixin: MixinOutputs): Artifact[] {
  const dashboards = Object.keys(mixin.grafanaDashboards)
    .sort()
    .map((file): Artifact => ({ path: MIXIN_LAYOUT.dashboards(file), format: 'json', data: mixin.grafanaDashboards[file] }));
  return [
    ...dashboards,
    { path: MIXIN_LAYOUT.rules, format: 'yaml', data: mixin.prometheusRules },
    { path: MIXIN_LAYOUT.alerts, format: 'yaml', data: mixin.prometheusAlerts },
  ];
}

export interface RenderOptions {
  /** Every series the mixin's queries may use. */
  catalogue: Catalogue;
  /** Every alert name starts with it, e.g. `Spt`. */
  alertPrefix: string;
  /** The datasource every panel and query must use (default: the `${datasource}` variable). */
  datasourceUid?: string;
}

/** The findings `renderTo` would refuse on, with the same options. */
export function checkOutputs(mixin: MixinOutputs, options: RenderOptions): Finding[] {
  return checkMixin(mixin, {
    catalogue: options.catalogue,
    alertPrefix: options.alertPrefix,
    datasourceUid: options.datasourceUid ?? DATASOURCE_VARIABLE,
    files: MIXIN_LAYOUT,
    groupsPath: '/groups',
  } satisfies MixinCheckOptions);
}

/**
 * Checks a mixin and writes its outputs into `out` in mixtool's layout (`dashboards_out/*.json`,
 * `prometheus_rules.yaml`, `prometheus_alerts.yaml`), all files or none. Throws ChecksFailed on any error.
 */
export async function renderTo(mixin: MixinOutputs, out: string, options: RenderOptions): Promise<string[]> {
  return writeChecked(out, checkOutputs(mixin, options), () => mixinArtifacts(mixin));
}
