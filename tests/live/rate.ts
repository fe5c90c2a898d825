/**
 * What `sum(rate(counter[range]))` must return, computed from the samples the exporter served. Prometheus
 * divides by the whole range and extrapolates only half a scrape interval past the first and last samples, so
 * a [5m] rate over a series seconds old is a fraction of the true rate; a test comparing with the true rate
 * would need minutes. This mirrors Prometheus 2.42's `extrapolatedRate` instead.
 */
import type { Scrape } from './exporter.js';

type Point = readonly [seconds: number, value: number];

/** Prometheus 2.42's rate() of one series; undefined for fewer than two samples, as Prometheus drops it. */
export function extrapolatedRate(points: readonly Point[], rangeStart: number, rangeEnd: number): number | undefined {
  if (points.length < 2) return undefined;
  const [firstT, firstV] = points[0] as Point;
  const [lastT, lastV] = points[points.length - 1] as Point;
  let increase = lastV - firstV;
  points.forEach(([, v], i) => {
    const previous = i > 0 ? (points[i - 1] as Point)[1] : v;
    if (v < previous) increase += previous;
  });
  const sampled = lastT - firstT;
  const average = sampled / (points.length - 1);
  let toStart = firstT - rangeStart;
  const toEnd = rangeEnd - lastT;
  if (increase > 0 && firstV >= 0) toStart = Math.min(toStart, sampled * (firstV / increase));
  const threshold = average * 1.1;
  const extrapolated = sampled + (toStart < threshold ? toStart : average / 2) + (toEnd < threshold ? toEnd : average / 2);
  return (increase * extrapolated) / sampled / (rangeEnd - rangeStart);
}

/**
 * `sum(rate(name{...}[rangeSeconds]))` evaluated at `at` (Unix seconds) over the counters' served values;
 * undefined when no series has two samples in the range, where Prometheus returns no series at all.
 */
export function expectedSumRate(
  scrapes: readonly Scrape[],
  name: string,
  at: number,
  rangeSeconds: number,
  where: (labels: Record<string, string>) => boolean = () => true,
): number | undefined {
  const start = at - rangeSeconds;
  const series = new Map<string, Point[]>();
  for (const scrape of scrapes) {
    const t = scrape.at / 1000;
    if (t < start || t > at) continue;
    for (const c of scrape.counters) {
      if (c.name !== name || !where(c.labels)) continue;
      const key = JSON.stringify(Object.entries(c.labels).sort());
      series.set(key, [...(series.get(key) ?? []), [t, c.value]]);
    }
  }
  const rates = [...series.values()].map((points) => extrapolatedRate(points, start, at)).filter((r) => r !== undefined);
  return rates.length === 0 ? undefined : rates.reduce((a, b) => a + b, 0);
}
