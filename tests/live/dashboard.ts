/** A dashboard's queries, and Grafana's interval variables filled in the way Grafana fills them. */

export interface PanelQuery {
  panel: string;
  refId: string;
  expr: string;
  /** Grafana runs the target as an instant query (at the end of the range) as well as, or instead of, a range query. */
  instant: boolean;
}

interface PanelLike {
  title?: string;
  panels?: PanelLike[];
  targets?: Array<{ refId?: string; expr?: string; instant?: boolean }>;
}

/** Every target with an expression, rows' nested panels included. */
export function panelQueries(dashboard: { panels?: unknown[] }): PanelQuery[] {
  const walk = (panels: PanelLike[]): PanelQuery[] =>
    panels.flatMap((panel) => [
      ...(panel.targets ?? [])
        .filter((t) => t.expr !== undefined)
        .map((t) => ({ panel: panel.title ?? '(untitled)', refId: t.refId ?? '?', expr: t.expr as string, instant: t.instant === true })),
      ...walk(panel.panels ?? []),
    ]);
  return walk((dashboard.panels ?? []) as PanelLike[]);
}

export interface GrafanaTiming {
  /** The query step Grafana picks, `$__interval`. */
  intervalSeconds: number;
  /** The data source's scrape interval setting. */
  scrapeSeconds: number;
  /** The dashboard's time range, `$__range`. */
  rangeSeconds: number;
}

/**
 * Replaces Grafana's built-in interval variables and the dashboard's own `variables` (one selected value each);
 * any other variable is an error, as no value is known for it.
 */
export function interpolate(expr: string, timing: GrafanaTiming, variables: Readonly<Record<string, string>> = {}): string {
  const { intervalSeconds, scrapeSeconds, rangeSeconds } = timing;
  // Grafana: $__rate_interval = max($__interval + scrape interval, 4 × scrape interval).
  const rateSeconds = Math.max(intervalSeconds + scrapeSeconds, 4 * scrapeSeconds);
  const range = Math.round(rangeSeconds);
  const values: Record<string, string> = {
    __interval: `${intervalSeconds}s`,
    __interval_ms: String(intervalSeconds * 1000),
    __rate_interval: `${rateSeconds}s`,
    __rate_interval_ms: String(rateSeconds * 1000),
    __range: `${range}s`,
    __range_s: String(range),
    __range_ms: String(range * 1000),
    ...variables,
  };
  return expr.replace(/\$(\w+)|\$\{(\w+)\}|\[\[(\w+)\]\]/g, (text, ...names: Array<string | undefined>) => {
    const name = names.slice(0, 3).find((n) => n !== undefined) as string;
    const value = values[name];
    if (value === undefined) throw new Error(`no value for the Grafana variable ${text} in ${expr}`);
    return value;
  });
}
