/**
 * Turns artifacts into text. JSON and YAML go through prettier so the committed files have one canonical
 * form and diffs show content changes only. Nothing here depends on time, locale or the machine.
 */
import { format } from 'prettier';
import { stringify } from 'yaml';

export type Artifact =
  | { path: string; format: 'json'; data: unknown }
  | { path: string; format: 'yaml'; data: unknown; header: string }
  /** JSON is valid Jsonnet; the header comment is what makes it a generated library rather than data. */
  | { path: string; format: 'jsonnet'; data: unknown; header: string }
  | { path: string; format: 'text'; text: string };

const YAML_OPTIONS = {
  // Never fold long PromQL or descriptions across lines: a folded expression is hard to review and to grep.
  lineWidth: 0,
  minContentWidth: 0,
  aliasDuplicateObjects: false,
} as const;

export async function serialize(artifact: Artifact): Promise<string> {
  switch (artifact.format) {
    case 'json':
      return format(JSON.stringify(artifact.data, null, 2), { parser: 'json', filepath: artifact.path });
    case 'yaml': {
      const documents = Array.isArray(artifact.data) ? artifact.data : [artifact.data];
      const body = documents.map((d) => stringify(d, YAML_OPTIONS)).join('---\n');
      return format(`${artifact.header}\n${body}`, { parser: 'yaml', filepath: artifact.path });
    }
    case 'jsonnet':
      return format(`${artifact.header}\n${JSON.stringify(artifact.data, null, 2)}`, { parser: 'json', filepath: artifact.path });
    case 'text':
      return artifact.text;
  }
}

/** Serializes every artifact; paths must be unique. */
export async function serializeAll(artifacts: readonly Artifact[]): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  const texts = await Promise.all(artifacts.map(serialize));
  artifacts.forEach((artifact, i) => {
    if (out.has(artifact.path)) throw new Error(`two artifacts want the path ${artifact.path}`);
    out.set(artifact.path, texts[i] as string);
  });
  return out;
}
