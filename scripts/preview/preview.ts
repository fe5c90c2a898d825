/**
 * The whole preview, from a mixin to a page: the scenario for its selector's labels, a Prometheus holding it,
 * every panel's queries as Grafana sends them, and the page that draws the answers.
 */
import { parseSelector } from '../../lib/engine/selector.js';
import type { Mixin } from '../../lib/engine/mixin.js';
import type { SptConfig } from '../../lib/spt/config.js';
import { bundleScript, pageHtml } from './page.js';
import type { PageData } from './page-data.js';
import { queryPanels } from './query-panels.js';
import { END, EVENTS, HOURS, SCRAPE_SECONDS, START, scenario, targetLabels } from './scenario.js';
import { servePreviewData } from './tsdb.js';

/** Grafana's dashboard width on a 1600-pixel screen; each panel's width, and so its query step, follows from it. */
export const DASHBOARD_WIDTH = 1600;

export interface Preview {
  file: string;
  data: PageData;
  html: string;
}

const clock = (offset: number) => new Date((START + offset) * 1000).toISOString().slice(11, 16);

/** What the scenario shows when, for the page's caption and the README. */
export function scenarioCaption(): string {
  const e = EVENTS;
  return [
    `${HOURS} h of SPT scraped every ${SCRAPE_SECONDS} s`,
    `5xx burst ${clock(e.http5xx.from)}–${clock(e.http5xx.to)}`,
    `ingestion errors ${clock(e.ingestionErrors.from)}–${clock(e.ingestionErrors.to)}`,
    `restart ${clock(e.restart.at)}`,
    `notification failures ${clock(e.notificationFailures.from)}–${clock(e.notificationFailures.to)}`,
    `eBay limit reached ${clock(e.limitReached)}`,
  ].join(' · ');
}

/** The preview page of one dashboard of the mixin (its first, by file name, unless `file` says which). */
export async function buildPreview(mixin: Mixin<SptConfig>, file?: string): Promise<Preview> {
  const files = Object.keys(mixin.grafanaDashboards).sort();
  const chosen = file ?? files[0];
  const dashboard = chosen === undefined ? undefined : mixin.grafanaDashboards[chosen];
  if (chosen === undefined || dashboard === undefined) throw new Error(`no dashboard ${file ?? ''} in the mixin (it has: ${files.join(', ') || 'none'})`);
  const labels = targetLabels(parseSelector(mixin._config.sptSelector));
  const [prometheus, script] = await Promise.all([
    servePreviewData({
      openMetrics: scenario(labels),
      recordingRules: mixin.prometheusRules,
      start: START,
      end: END,
      evalInterval: `${SCRAPE_SECONDS}s`,
    }),
    bundleScript(),
  ]);
  try {
    const data = await queryPanels(dashboard as Record<string, any>, prometheus, { from: START * 1000, to: END * 1000 }, DASHBOARD_WIDTH);
    return { file: chosen, data, html: pageHtml(data, script, scenarioCaption()) };
  } finally {
    await prometheus.stop();
  }
}
