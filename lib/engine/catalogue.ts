/**
 * Metric catalogue: the one list of series a mixin may query. Content builds its selectors from it and the
 * checks read it to know which names, labels and types exist.
 */
import { VectorSelector, type Matcher, type MetricLike } from './promql.js';

export type MetricType = 'counter' | 'gauge' | 'histogram';

export interface MetricSpec {
  type: MetricType;
  help: string;
  /** Labels the instrumented service sets itself. Target labels (job, instance, ...) come from the catalogue. */
  labels?: readonly string[];
}

/** One queryable series name with the labels it carries. */
export class Series implements MetricLike {
  constructor(
    readonly name: string,
    /** How the series behaves over time: counters only grow, so only they take rate()/increase(). */
    readonly kind: 'counter' | 'gauge',
    readonly labels: readonly string[],
    readonly help: string,
  ) {}

  /** `name{matchers}`: the selector form, with the mixin's own selector and any extra matchers. */
  where(...groups: ReadonlyArray<Matcher | readonly Matcher[]>): VectorSelector {
    return new VectorSelector(this.name, groups.flat());
  }
}

/** A metric as the service declares it; a histogram exposes `_bucket`, `_sum` and `_count` series. */
export class Metric extends Series {
  readonly type: MetricType;

  constructor(name: string, spec: MetricSpec, targetLabels: readonly string[]) {
    const own = spec.labels ?? [];
    super(name, spec.type === 'gauge' ? 'gauge' : 'counter', [...targetLabels, ...own], spec.help);
    this.type = spec.type;
  }

  get bucket(): Series {
    return this.part('_bucket', [...this.labels, 'le']);
  }
  get sum(): Series {
    return this.part('_sum', this.labels);
  }
  get count(): Series {
    return this.part('_count', this.labels);
  }

  private part(suffix: string, labels: readonly string[]): Series {
    if (this.type !== 'histogram') {
      throw new Error(`${this.name} is a ${this.type}; only histograms have ${suffix} series`);
    }
    return new Series(this.name + suffix, 'counter', labels, this.help);
  }

  /** Every series name the metric exposes, with its labels. */
  series(): Series[] {
    return this.type === 'histogram' ? [this.bucket, this.sum, this.count] : [this];
  }
}

/** A recording rule's output, queryable like a gauge with the labels its expression keeps. */
export class Recorded extends Series {
  constructor(name: string, labels: readonly string[], help: string) {
    super(name, 'gauge', labels, help);
  }
}

export interface Catalogue {
  /** Every series name a query may use, with its kind and labels. */
  readonly series: ReadonlyMap<string, Series>;
}

export function catalogueOf(entries: Iterable<Metric | Recorded | Series>): Catalogue {
  const series = new Map<string, Series>();
  for (const entry of entries) {
    for (const s of entry instanceof Metric ? entry.series() : [entry]) {
      if (series.has(s.name)) throw new Error(`catalogue lists ${s.name} twice`);
      series.set(s.name, s);
    }
  }
  return { series };
}
