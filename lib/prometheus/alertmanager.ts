/**
 * Alertmanager routing and inhibition as data, and its two written forms: the plain `alertmanager.yml` (route,
 * receivers, inhibit_rules) and the prometheus-operator's `AlertmanagerConfig` resource (monitoring.coreos.com/v1alpha1).
 */
import { quoteLabelValue, type Matcher } from '../engine/promql.js';

export interface SubRoute {
  matchers: readonly Matcher[];
  receiver: string;
}

/** One branch of a routing tree: what it catches, how it groups, where it sends, and its children. */
export interface Routing {
  matchers: readonly Matcher[];
  groupBy: readonly string[];
  receiver: string;
  routes: readonly SubRoute[];
}

export interface InhibitRule {
  source: readonly Matcher[];
  target: readonly Matcher[];
  /** Labels whose values must be equal on source and target; Alertmanager counts a label missing on both as equal. */
  equal: readonly string[];
}

/** Alertmanager's matcher syntax, `name=~"value"`; its parser reads the value as a Go string literal, as PromQL's does. */
const matcherText = (m: Matcher): string => `${m.label}${m.op}${quoteLabelValue(m.value)}`;

/**
 * A complete `alertmanager.yml` whose root route sends everything to `routing.receiver` and holds `routing` as its
 * only child: copy that child into an existing tree, its receivers and the inhibit rules beside the existing ones.
 */
export function alertmanagerYaml(routing: Routing, inhibitRules: readonly InhibitRule[]): object {
  return {
    route: {
      receiver: routing.receiver,
      routes: [
        {
          matchers: routing.matchers.map(matcherText),
          group_by: [...routing.groupBy],
          receiver: routing.receiver,
          routes: routing.routes.map((route) => ({ matchers: route.matchers.map(matcherText), receiver: route.receiver })),
        },
      ],
    },
    receivers: receiverNames(routing).map((name) => ({ name })),
    inhibit_rules: inhibitRules.map((rule) => ({
      source_matchers: rule.source.map(matcherText),
      target_matchers: rule.target.map(matcherText),
      ...(rule.equal.length > 0 ? { equal: [...rule.equal] } : {}),
    })),
  };
}

/**
 * The same routing and inhibition as an `AlertmanagerConfig`. The operator scopes it itself: it adds a
 * `namespace` matcher to the route and to every inhibit rule, so it only sees alerts from its own namespace.
 */
export function alertmanagerConfigResource(name: string, routing: Routing, inhibitRules: readonly InhibitRule[]): object {
  const matchers = (list: readonly Matcher[]) => list.map((m) => ({ name: m.label, value: m.value, matchType: m.op }));
  return {
    apiVersion: 'monitoring.coreos.com/v1alpha1',
    kind: 'AlertmanagerConfig',
    metadata: { name },
    spec: {
      route: {
        receiver: routing.receiver,
        groupBy: [...routing.groupBy],
        matchers: matchers(routing.matchers),
        routes: routing.routes.map((route) => ({ receiver: route.receiver, matchers: matchers(route.matchers) })),
      },
      receivers: receiverNames(routing).map((receiver) => ({ name: receiver })),
      inhibitRules: inhibitRules.map((rule) => ({
        sourceMatch: matchers(rule.source),
        targetMatch: matchers(rule.target),
        ...(rule.equal.length > 0 ? { equal: [...rule.equal] } : {}),
      })),
    },
  };
}

const receiverNames = (routing: Routing): string[] => [...new Set([routing.receiver, ...routing.routes.map((route) => route.receiver)])];
