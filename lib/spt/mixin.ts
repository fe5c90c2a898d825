/** The SPT mixin: its config defaults and the content built from them. */
import { defineMixin, type Mixin } from '../engine/mixin.js';
import { defaultConfig, type SptConfig } from './config.js';
import { contextOf } from './context.js';
import { withDashboardLinks } from './dashboard-links.js';
import { overviewDashboard } from './dashboards/overview.js';
import { alertGroups } from './rules/alerts.js';
import { recordingRules } from './rules/recording.js';
import { validateSptConfig } from './validate-config.js';

export const DASHBOARD_FILE = 'spt-overview.json';

export const sptMixin: Mixin<SptConfig> = defineMixin<SptConfig>({
  defaults: defaultConfig,
  validateConfig: validateSptConfig,
  build(config) {
    const ctx = contextOf(config);
    const overview = overviewDashboard(ctx);
    return {
      grafanaDashboards: { [DASHBOARD_FILE]: overview },
      prometheusRules: { groups: recordingRules(ctx) },
      prometheusAlerts: { groups: withDashboardLinks(ctx, alertGroups(ctx), overview) },
    };
  },
});
