/** What the preview page receives: the dashboard's panels with their query results, and what it reports back. */

/** One request to Prometheus's HTTP API, times in Unix seconds. */
export type PrometheusRequest =
  | { kind: 'range'; expr: string; start: number; end: number; step: number }
  | { kind: 'instant'; expr: string; time: number };

export interface Frame {
  refId: string;
  /** The legend: the target's legendFormat filled from the series' labels. */
  name: string;
  /** Unix milliseconds, one per value; a range query's every step, with null where Prometheus had no point. */
  times: number[];
  values: Array<number | null>;
}

export interface PagePanel {
  id: number;
  type: string;
  title: string;
  gridPos: { x: number; y: number; w: number; h: number };
  collapsed?: boolean;
  fieldConfig: {
    unit?: string;
    decimals?: number;
    min?: number;
    max?: number;
    thresholds?: { mode?: string; steps: Array<{ value?: number | null; color: string }> };
    mappings?: unknown[];
    custom?: Record<string, unknown>;
  };
  options: Record<string, any>;
  frames: Frame[];
  /** The requests as sent to Prometheus, shown under the picture for review. */
  requests: PrometheusRequest[];
  error?: string;
}

export interface PageData {
  title: string;
  /** The dashboard's width in pixels; panel widths, and so each query's step, follow from it. */
  width: number;
  range: { from: number; to: number };
  panels: PagePanel[];
}

export interface PanelReport {
  id: number;
  title: string;
  type: string;
  state: 'data' | 'nodata' | 'error';
  /** Non-null values drawn. */
  values: number;
  /** Threshold lines or markers drawn: value and colour. */
  thresholds: Array<{ value: number; color: string }>;
  /** Single-value panels: the text and colour of each value shown. */
  shown: Array<{ text: string; color: string }>;
}
