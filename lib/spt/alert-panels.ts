/**
 * Which panel of the overview dashboard shows each alert's signal: the runbooks send the on-call engineer there.
 * Panels are named by title, the one thing about a panel a person recognises; the id is looked up in the built
 * dashboard so it always matches what Grafana shows.
 */
import type { SptAlertName } from './config.js';

export const ALERT_PANELS: Record<SptAlertName, string> = {
  SptDown: 'Healthz',
  SptReadinessDown: 'Readyz',
  SptHighErrorRate: 'Error Rate %',
  SptIngestionErrors: 'Errors/min',
  SptExtractionFailures: 'Failure Rate',
  SptEbayQuotaHigh: 'Daily Usage vs Limit',
  SptEbayLimitReached: 'Limit Hits',
  SptNotificationFailures: 'Notification Failures',
};

export interface PanelPlace {
  id: number;
  title: string;
  /** Title of the row the panel sits under; empty for a panel above the first row. */
  row: string;
}

interface PanelJson {
  id?: number;
  type?: string;
  title?: string;
  panels?: PanelJson[];
}

/** The panel titled `title` in a classic dashboard model, with its row; an error naming the title when there is none. */
export function findPanel(dashboard: object, title: string): PanelPlace {
  let row = '';
  const visit = (panels: readonly PanelJson[]): PanelPlace | undefined => {
    for (const panel of panels) {
      if (panel.type === 'row') row = panel.title ?? '';
      else if (panel.title === title && typeof panel.id === 'number') return { id: panel.id, title, row };
      const inner = visit(panel.panels ?? []);
      if (inner) return inner;
    }
    return undefined;
  };
  const found = visit((dashboard as PanelJson).panels ?? []);
  if (!found) throw new Error(`no panel titled "${title}" in the dashboard; update ALERT_PANELS in lib/spt/alert-panels.ts`);
  return found;
}
