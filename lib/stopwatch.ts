/** Step timings for `--timings`: how long each step of a command took, in milliseconds. */
export interface Stopwatch {
  /** Ends the current step under `name` and starts the next. */
  lap(name: string): void;
  readonly steps: ReadonlyArray<readonly [string, number]>;
  /** `build 12 ms, check 31 ms, ...` */
  text(): string;
}

export function stopwatch(): Stopwatch {
  const steps: Array<[string, number]> = [];
  let last = performance.now();
  return {
    lap(name) {
      const now = performance.now();
      steps.push([name, now - last]);
      last = now;
    },
    steps,
    text: () => steps.map(([name, ms]) => `${name} ${ms.toFixed(1)} ms`).join(', '),
  };
}
