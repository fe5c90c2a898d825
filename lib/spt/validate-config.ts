/**
 * The SPT config's door: the generated schema (types, ranges, forms, no unknown keys), then what a schema
 * cannot say: the selector must parse as PromQL matchers, the warning level must sit below the limit,
 * Kubernetes labels must be labels Kubernetes accepts and alert labels labels Prometheus accepts.
 */
import { ConfigError, assertSchema, describe, type JsonSchema } from '../engine/config.js';
import { PromqlError, dashboardDuration } from '../engine/promql.js';
import { parseSelector } from '../engine/selector.js';
import type { SptConfig } from './config.js';
import schema from './schema/config.schema.json' with { type: 'json' };
import validate from './schema/config-validator.js';

// Kubernetes: an optional DNS-subdomain prefix and a name of at most 63 characters; values at most 63 characters.
const LABEL_KEY = /^(?:[a-z0-9](?:[-a-z0-9]*[a-z0-9])?(?:\.[a-z0-9](?:[-a-z0-9]*[a-z0-9])?)*\/)?[A-Za-z0-9](?:[-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?$/;
const LABEL_VALUE = /^(?:[A-Za-z0-9](?:[-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?)?$/;
// Prometheus's label names; `__` starts the names it reserves for itself.
const PROMETHEUS_LABEL = /^(?!__)[a-zA-Z_][a-zA-Z0-9_]*$/;

/** What each pattern of the schema (see the annotations in config.ts) stands for, for error messages. */
function expectedForm(key: string): string | undefined {
  if (key.endsWith('.for')) return 'a Prometheus duration such as 5m or 1h30m, or 0m';
  const forms: Record<string, string> = {
    dashboardUid: '1 to 40 of a-z, A-Z, 0-9, _ and -',
    dashboardTitle: 'one line of 1 to 200 characters',
    dashboardRefresh: 'a duration such as 30s or 1m, or an empty string for no refresh',
    runbookUrlPattern: 'an http(s) URL without spaces; %s stands for the alert name',
  };
  return forms[key];
}

export function validateSptConfig(config: SptConfig): void {
  assertSchema(config, validate, schema as JsonSchema, expectedForm);
  for (const key of ['ebayDailyLimit', 'ebayQuotaWarning', 'errorRateThreshold', 'extractionFailureRateThreshold'] as const) {
    if (!Number.isFinite(config[key])) throw new ConfigError(key, `${describe(config[key])} is not allowed; expected a finite number`);
  }
  if (config.ebayQuotaWarning >= config.ebayDailyLimit) {
    throw new ConfigError(
      'ebayQuotaWarning',
      `${config.ebayQuotaWarning} is not below ebayDailyLimit (${config.ebayDailyLimit}); the warning must come before the limit`,
    );
  }
  if (promqlValue('sptSelector', () => parseSelector(config.sptSelector)).length === 0) {
    throw new ConfigError('sptSelector', 'is empty; give at least one matcher, e.g. job="server-price-tracker", so the rules see SPT only');
  }
  promqlValue('rateInterval', () => dashboardDuration(config.rateInterval));
  validateEnvironmentLabels(config);
  validateAlertLabels(config);
  const labelSets: Array<[string, Record<string, string>]> = [['ruleLabels', config.ruleLabels], ['grafanaDashboardLabels', config.grafanaDashboardLabels]];
  if (config.grafanaOperator) labelSets.push(['grafanaOperator.instanceSelector', config.grafanaOperator.instanceSelector]);
  for (const [key, labels] of labelSets) {
    for (const [name, value] of Object.entries(labels)) {
      if (!LABEL_KEY.test(name) || name.length > 316) {
        throw new ConfigError(`${key}.${name}`, 'is not a valid Kubernetes label key (an optional DNS prefix and "/", then at most 63 of [A-Za-z0-9-_.])');
      }
      if (!LABEL_VALUE.test(value)) {
        throw new ConfigError(`${key}.${name}`, `${describe(value)} is not a valid Kubernetes label value (at most 63 of [A-Za-z0-9-_.], alphanumeric at both ends)`);
      }
    }
  }
  if (config.grafanaOperator && Object.keys(config.grafanaOperator.instanceSelector).length === 0) {
    throw new ConfigError('grafanaOperator.instanceSelector', 'is empty; give the labels of your Grafana resource (e.g. dashboards: grafana), or set grafanaOperator to null for no operator resource');
  }
}

/** Labels the rules, alerts or dashboard already give a meaning of their own; an environment label cannot be one. */
const TAKEN_LABELS = new Set(['alertname', 'severity', 'le', 'method', 'path', 'status', 'instance']);

function validateEnvironmentLabels(config: SptConfig): void {
  (config.environmentLabels ?? []).forEach((name, i) => {
    const key = `environmentLabels[${i}]`;
    if (!PROMETHEUS_LABEL.test(name)) {
      throw new ConfigError(key, `${describe(name)} is not a valid Prometheus label name (a letter or _, then letters, digits and _; not starting with __)`);
    }
    if (TAKEN_LABELS.has(name)) {
      throw new ConfigError(key, `${describe(name)} already means something else to SPT's series or alerts; name the label that tells deployments apart, e.g. cluster or env`);
    }
  });
}

/** Extra alert labels: names Prometheus accepts, not the ones the alert already sets, and a value each. */
function validateAlertLabels(config: SptConfig): void {
  for (const [alert, { labels = {} }] of Object.entries(config.alerts)) {
    for (const [name, value] of Object.entries(labels)) {
      const key = `alerts.${alert}.labels.${name}`;
      if (name === 'severity') throw new ConfigError(key, `set the severity with alerts.${alert}.severity, not as a label`);
      if (name === 'alertname') throw new ConfigError(key, 'Prometheus sets alertname to the alert\'s name; choose another label name');
      if (!PROMETHEUS_LABEL.test(name)) {
        throw new ConfigError(key, 'is not a valid Prometheus label name (a letter or _, then letters, digits and _; not starting with __)');
      }
      if (value === '') throw new ConfigError(key, 'is empty; give a value, or null to remove the label');
    }
  }
}

function promqlValue<T>(key: string, parse: () => T): T {
  try {
    return parse();
  } catch (error) {
    if (error instanceof PromqlError) throw new ConfigError(key, `${error.message}; ${error.hint}`);
    throw error;
  }
}
