/**
 * A mixin is a function of its `_config`, evaluated to plain data, plus patches merged on top: the Jsonnet
 * pattern of `mixin { _config+:: {...} } + { prometheusAlerts+: {...} }`, with late binding kept by
 * re-evaluating the content whenever the config changes.
 */
import type { Dashboard } from '@grafana/schema';
import { merge, mergeConfig, type ConfigPatch, type Patch } from './merge.js';

export interface Rule {
  record?: string;
  alert?: string;
  expr: string;
  for?: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
}

export interface RuleGroup {
  name: string;
  interval?: string;
  rules: Rule[];
}

/** The Prometheus rule-file shape. */
export interface RuleFile {
  groups: RuleGroup[];
}

/** What every monitoring mixin exposes. Dashboards are keyed by file name. */
export interface MixinOutputs {
  grafanaDashboards: Record<string, Dashboard>;
  prometheusRules: RuleFile;
  prometheusAlerts: RuleFile;
}

export interface Mixin<C> extends Readonly<MixinOutputs> {
  readonly _config: Readonly<C>;
  /**
   * A new mixin with the config patched (`null` removes a key); all content is rebuilt from it, earlier `extend`
   * patches re-applied.
   */
  withConfig(patch: ConfigPatch<C>): Mixin<C>;
  /**
   * A new mixin with a patch merged into its outputs, Jsonnet `+:` style. A function receives the outputs as
   * they stand (Jsonnet's `super`) and the config (`self._config`), and returns the patch: for edits that depend
   * on them, e.g. every alert, or a panel whose query follows the selector.
   */
  extend(patch: OutputPatch<C>): Mixin<C>;
}

export type OutputPatch<C = unknown> = Patch<MixinOutputs> | ((current: MixinOutputs, config: C) => Patch<MixinOutputs>);

export interface MixinDefinition<C> {
  defaults: C;
  /** Checks a config before content is built; throws with a message naming the bad key. */
  validateConfig?: (config: C) => void;
  build: (config: C) => MixinOutputs;
}

/**
 * The definition's own mixin is built on first use, so importing a mixin costs nothing and a content error
 * surfaces where the caller can report it; `withConfig` and `extend` build at once, so a bad patch fails at
 * the call that made it.
 */
export function defineMixin<C>(definition: MixinDefinition<C>): Mixin<C> {
  return instantiate(definition, definition.defaults, []);
}

function instantiate<C>(definition: MixinDefinition<C>, config: C, patches: readonly OutputPatch<C>[]): Mixin<C> {
  definition.validateConfig?.(config);
  let outputs: MixinOutputs | undefined;
  const built = (): MixinOutputs =>
    (outputs ??= patches.reduce<MixinOutputs>(
      (acc, patch) => merge(acc, typeof patch === 'function' ? patch(acc, config) : patch),
      definition.build(config),
    ));
  const derived = (next: Mixin<C>): Mixin<C> => {
    void next.grafanaDashboards;
    return next;
  };
  return {
    _config: config,
    get grafanaDashboards() {
      return built().grafanaDashboards;
    },
    get prometheusRules() {
      return built().prometheusRules;
    },
    get prometheusAlerts() {
      return built().prometheusAlerts;
    },
    withConfig: (patch) => derived(instantiate(definition, mergeConfig(config, patch), patches)),
    extend: (patch) => derived(instantiate(definition, config, [...patches, patch])),
  };
}
