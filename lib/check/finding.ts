/** Findings are data: inner checks collect them, only the command-line edge prints or exits. */
export type Severity = 'error' | 'warning';

export interface Location {
  /** Output file the finding belongs to, relative to the output folder. */
  file?: string;
  dashboard?: string;
  panel?: string;
  panelId?: number;
  group?: string;
  rule?: string;
  /** JSON-pointer-like path inside the file, e.g. `/panels/3/targets/0/expr`. */
  path?: string;
  /** Character range inside the expression the finding is about. */
  position?: { from: number; to: number };
}

export interface Finding {
  severity: Severity;
  /** Stable identifier of the check, e.g. `promql/syntax`; tests assert on it, not on prose. */
  rule: string;
  message: string;
  location: Location;
  hint: string;
}

export function hasErrors(findings: readonly Finding[]): boolean {
  return findings.some((f) => f.severity === 'error');
}
