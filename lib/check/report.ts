/** Turns findings into what a person (plain text) or a machine (JSON) reads. */
import type { Finding, Location } from './finding.js';

function where(l: Location): string {
  const parts = [
    l.file,
    l.dashboard && `dashboard "${l.dashboard}"`,
    l.panel !== undefined && `panel "${l.panel}"${l.panelId !== undefined ? ` (id ${l.panelId})` : ''}`,
    l.group && `group "${l.group}"`,
    l.rule && `rule "${l.rule}"`,
    l.path,
    l.position && `chars ${l.position.from}-${l.position.to}`,
  ];
  return parts.filter(Boolean).join(', ');
}

export function formatText(findings: readonly Finding[]): string {
  const lines = findings.map((f) => `${f.severity} [${f.rule}] ${where(f.location)}: ${f.message}\n  hint: ${f.hint}`);
  const errors = findings.filter((f) => f.severity === 'error').length;
  lines.push(`${errors} error(s), ${findings.length - errors} warning(s)`);
  return lines.join('\n');
}

export function formatJson(findings: readonly Finding[]): string {
  return JSON.stringify({ findings }, null, 2);
}
