/**
 * Turns artifacts into text. JSON and YAML are in prettier's canonical form so the committed files have one
 * form and diffs show content changes only. canonical.ts prints that form directly for what this project
 * writes; anything it does not know goes through prettier itself, which is loaded only then. Nothing here
 * depends on time, locale or the machine.
 */
import { stringify } from 'yaml';
import { canonicalJson, canonicalYaml } from './canonical.js';

export type Artifact =
  | { path: string; format: 'json'; data: unknown }
  | { path: string; format: 'yaml'; data: unknown; header?: string }
  /** Jsonnet `code` that ends in a call taking the data: the file is the code, the data as JSON, and `)`. */
  | { path: string; format: 'jsonnet'; code: string; data: unknown }
  | { path: string; format: 'text'; text: string };

const YAML_OPTIONS = {
  // Never fold long PromQL or descriptions across lines: a folded expression is hard to review and to grep.
  lineWidth: 0,
  minContentWidth: 0,
  aliasDuplicateObjects: false,
} as const;

export interface SerializeOptions {
  /** Format with prettier even where canonical.ts knows the answer: the reference the tests compare with. */
  prettier?: boolean;
}

export async function serialize(artifact: Artifact, options: SerializeOptions = {}): Promise<string> {
  const fast = !options.prettier;
  switch (artifact.format) {
    case 'json':
      return (
        (fast ? canonicalJson(artifact.data) : undefined) ??
        prettier(JSON.stringify(artifact.data, null, 2), 'json', artifact.path)
      );
    case 'yaml': {
      const documents = Array.isArray(artifact.data) ? artifact.data : [artifact.data];
      const text = `${artifact.header === undefined ? '' : `${artifact.header}\n`}${documents.map((d) => stringify(d, YAML_OPTIONS)).join('---\n')}`;
      return (fast ? canonicalYaml(text) : undefined) ?? prettier(text, 'yaml', artifact.path);
    }
    case 'jsonnet': {
      const json =
        (fast ? canonicalJson(artifact.data) : undefined) ?? (await prettier(JSON.stringify(artifact.data, null, 2), 'json', artifact.path));
      return `${artifact.code}${json.trimEnd()})\n`;
    }
    case 'text':
      return artifact.text;
  }
}

async function prettier(text: string, parser: 'json' | 'yaml', filepath: string): Promise<string> {
  const { format } = await import('prettier');
  return format(text, { parser, filepath });
}

/** Serializes every artifact; paths must be unique. */
export async function serializeAll(artifacts: readonly Artifact[], options: SerializeOptions = {}): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  const texts = await Promise.all(artifacts.map((artifact) => serialize(artifact, options)));
  artifacts.forEach((artifact, i) => {
    if (out.has(artifact.path)) throw new Error(`two artifacts want the path ${artifact.path}`);
    out.set(artifact.path, texts[i] as string);
  });
  return out;
}
