/**
 * A cache of answers that depend only on their key (a parse, a compiled regex, a check's findings). Bounded: past
 * its limit it starts over rather than holding every key of a long run, such as a lint over many files; the keys
 * in use come back on their next call.
 */
export class BoundedCache<V> {
  private readonly kept = new Map<string, V>();

  constructor(private readonly limit: number) {}

  get(key: string, compute: () => V): V {
    const found = this.kept.get(key);
    if (found !== undefined || this.kept.has(key)) return found as V;
    if (this.kept.size >= this.limit) this.kept.clear();
    const value = compute();
    this.kept.set(key, value);
    return value;
  }
}
