/** Turns findings into what a person (plain text) or a machine (JSON) reads. */
import type { Finding, Location } from './finding.js';

export interface Counts {
  errors: number;
  warnings: number;
  infos: number;
}

export function countFindings(findings: readonly Finding[]): Counts {
  const count = (severity: Finding['severity']) => findings.filter((f) => f.severity === severity).length;
  return { errors: count('error'), warnings: count('warning'), infos: count('info') };
}

/** `file:line:column`, as promtool and compilers print it, so editors and CI annotations can jump there. */
function place(l: Location): string | undefined {
  if (l.file === undefined) return undefined;
  return [l.file, l.line, l.line === undefined ? undefined : l.column].filter((p) => p !== undefined).join(':');
}

function where(l: Location): string {
  const parts = [
    l.dashboard && `dashboard "${l.dashboard}"`,
    l.panel !== undefined && `panel "${l.panel}"${l.panelId !== undefined ? ` (id ${l.panelId})` : ''}`,
    l.group && `group "${l.group}"`,
    l.rule && `rule "${l.rule}"`,
    l.path,
    l.position && `chars ${l.position.from}-${l.position.to}`,
  ];
  return parts.filter(Boolean).join(', ');
}

export function formatFinding(f: Finding): string {
  const head = [place(f.location), `${f.severity} [${f.rule}]`].filter(Boolean).join(': ');
  const at = where(f.location);
  return `${head}${at ? ` ${at}` : ''}: ${f.message}\n  hint: ${f.hint}`;
}

export function formatCounts({ errors, warnings, infos }: Counts): string {
  return `${errors} error(s), ${warnings} warning(s)${infos > 0 ? `, ${infos} info(s)` : ''}`;
}

export function formatText(findings: readonly Finding[]): string {
  return [...findings.map(formatFinding), formatCounts(countFindings(findings))].join('\n');
}

export function formatJson(findings: readonly Finding[], summary: object = countFindings(findings)): string {
  return JSON.stringify({ findings, summary }, null, 2);
}
