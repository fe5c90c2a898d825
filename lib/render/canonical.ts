/**
 * Prettier's output, without prettier, for the text this project writes. Formatting through prettier costs a
 * parse and a print of every file (about 0.3 s for deploy/, and it loads 1 MB of plugins); the JSON and YAML
 * written here come from JSON.stringify and yaml's stringify, which already produce almost prettier's layout.
 *
 * Each function either returns exactly what prettier would (printWidth 80, two spaces, the `json` and `yaml`
 * parsers) or `undefined` when the input is outside what it knows, and the caller falls back to prettier.
 * tests/format.test.ts compares both byte for byte on the project's outputs, the synthetic scale mixin and
 * thousands of generated values, tricky strings included.
 */

const PRINT_WIDTH = 80;

/**
 * `JSON.stringify(value, null, 2)` as prettier's `json` parser prints it, with a final newline.
 *
 * Prettier keeps an object broken when its source has a newline after `{`, which JSON.stringify always writes,
 * so objects come out as JSON.stringify wrote them. Arrays differ: prettier puts an array on one line when it
 * fits in 80 columns (its `,` included) and holds no object. So the native output is taken as it is and only
 * arrays of scalars are joined where they fit. Left to prettier: arrays of arrays (its rules for matrices),
 * arrays of numbers too long for a line (it fills lines), numbers with exponents (it rewrites them) and
 * non-ASCII text in a joinable array (its column widths).
 */
export function canonicalJson(value: unknown): string | undefined {
  const text = JSON.stringify(value, null, 2) as string | undefined;
  if (text === undefined || hasExponent(text)) return undefined;
  const out: string[] = [];
  let copied = 0;
  for (let open = text.indexOf('[\n'); open !== -1; open = text.indexOf('[\n', open + 1)) {
    const joined = joinArray(text, open);
    if (joined === undefined) return undefined;
    if (joined === null) continue;
    out.push(text.slice(copied, open), joined.flat);
    copied = joined.end;
    open = joined.end - 1;
  }
  out.push(text.slice(copied), '\n');
  return out.join('');
}

/**
 * A number written with an exponent: at the start of a line or after a key (strings never hold a raw newline).
 * Text inside a string that looks like it only sends the file to prettier, which is always right.
 */
const EXPONENT = /(?:^|\n *|": )-?\d+(?:\.\d+)?[eE]/;
/**
 * JavaScript writes every exponent with its sign (`1e+21`, `5e-7`). This regex, which the engine scans much
 * faster than EXPONENT's alternation (2 ms against 30 ms on the 8 MB of the distinct scale mixin), finds none in
 * nearly every file, and then EXPONENT need not run.
 */
const SIGNED_EXPONENT = /[eE][-+]\d/;

function hasExponent(text: string): boolean {
  return SIGNED_EXPONENT.test(text) && EXPONENT.test(text);
}

/**
 * The array opened by the `[` at `open`, on one line, and where its `]` ends; null when it stays broken;
 * undefined when prettier's answer is outside these rules.
 */
function joinArray(text: string, open: number): { flat: string; end: number } | null | undefined {
  const lineStart = text.lastIndexOf('\n', open) + 1;
  let indent = 0;
  while (text.charCodeAt(lineStart + indent) === 32) indent++;
  const items: string[] = [];
  let at = open + 2;
  for (;;) {
    const lineEnd = text.indexOf('\n', at);
    const line = text.slice(at, lineEnd === -1 ? text.length : lineEnd);
    if (line.length <= indent + 2 && line.trimStart().startsWith(']')) {
      const close = at + indent;
      const flat = `[${items.join(', ')}]`;
      const flatWidth = columns(flat);
      if (flatWidth === undefined) return undefined;
      const width = columns(text.slice(lineStart, open)) ?? Infinity;
      if (width + flatWidth + (text.charCodeAt(close + 1) === 44 ? 1 : 0) <= PRINT_WIDTH) return { flat, end: close + 1 };
      return items.length > 1 && items.every((item) => /^-?\d/.test(item)) ? undefined : null;
    }
    const last = line.charCodeAt(line.length - 1);
    // An item that opens an object keeps the array broken; one that opens an array is a matrix case.
    if (last === 123) return null;
    if (last === 91) return undefined;
    items.push(line.slice(indent + 2, last === 44 ? -1 : undefined));
    at = lineEnd + 1;
  }
}

/**
 * Columns as prettier counts them: one per character for printable ASCII and for Latin letters and accents
 * (U+00A0-U+02FF, neither wide nor combining); undefined for anything else (wide, combining, emoji), whose
 * width prettier takes from Unicode tables.
 */
function columns(text: string): number | undefined {
  return /^[\x20-\x7e\u00a0-\u02ff]*$/.test(text) ? text.length : undefined;
}

// ---------------------------------------------------------------------------------------------------------------
// YAML: the text of yaml's stringify (block style, lineWidth 0) is already prettier's whenever every line is
// one of a few simple forms. The test checks this claim against prettier on generated documents.

/**
 * Printable characters yaml writes as they are: ASCII, and the rest of the Basic Multilingual Plane but for the
 * line and paragraph separators, NEL, the byte-order mark and the C1 controls, which it escapes or breaks on.
 */
const YAML_CHARACTERS = /^[\x20-\x7e\u00a0-\u2027\u202a-\ud7ff\ue000-\ufefe\uff00-\ufffd]+$/;

/** Keys yaml writes plain, or double quoted without escapes. */
const YAML_KEY = /^(?:[A-Za-z0-9_][A-Za-z0-9_./-]*|"[^"\\]*")$/;

/**
 * One-line scalars: plain ones (no indicator first, no `: ` or ` #` inside, no space at either end), double
 * quoted without escapes, single quoted without `''`, and the empty collections. Prettier rewrites escapes and
 * chooses its own quotes in other cases, and re-flows block scalars, so those go to prettier.
 */
function isYamlScalar(text: string): boolean {
  if (text === '[]' || text === '{}') return true;
  if (text.startsWith('"')) return /^"[^"\\]*"$/.test(text);
  if (text.startsWith("'")) return /^'[^']*'$/.test(text);
  if (text === '' || /^[?:,[\]{}#&*!|>%@`\s]/.test(text) || /^-(?:\s|$)/.test(text)) return false;
  return !text.includes(': ') && !text.includes(' #') && !/[\s:]$/.test(text) && !/\s\s|\t/.test(text);
}

/** `key:`, `key: scalar` or `scalar`, after the indentation and an optional `- `. */
function isYamlLine(line: string): boolean {
  const body = line.replace(/^(?: {2})*/, '');
  const item = body.startsWith('- ');
  const rest = item ? body.slice(2) : body;
  const colon = rest.search(/:(?: |$)/);
  if (colon === -1) return item && isYamlScalar(rest);
  const key = rest.slice(0, colon);
  const value = rest.slice(colon + 2);
  return YAML_KEY.test(key) && (colon + 1 === rest.length || isYamlScalar(value));
}

/**
 * `text` itself when prettier's `yaml` parser would leave it unchanged: comment lines first, then documents
 * separated by `---`, every line a key, a key and a one-line scalar, or a sequence item of either.
 */
export function canonicalYaml(text: string): string | undefined {
  if (!text.endsWith('\n') || text.includes('\r')) return undefined;
  const lines = text.slice(0, -1).split('\n');
  let header = true;
  for (const line of lines) {
    if (header && /^#(?: [\x20-\x7e]*[\x21-\x7e])?$/.test(line)) continue;
    header = false;
    if (line === '---') continue;
    if (!YAML_CHARACTERS.test(line) || !isYamlLine(line)) return undefined;
  }
  return text;
}
