/**
 * Reading PromQL literals the way Prometheus reads them: string literals, numbers, durations and regex matcher
 * values. The encoder in promql.ts writes these; the checks and the config's selector read them here, so both
 * directions agree on one definition.
 */
import { BoundedCache } from './bounded-cache.js';
import { createRequire } from 'node:module';
import type { RE2JS } from 're2js';

/**
 * re2js is loaded on the first regex that needs it: loading it costs about 20 ms, as much as validating the whole
 * SPT mixin, whose regexes are all plain (see PLAIN_PATTERN).
 */
let re2js: typeof RE2JS | undefined;
function re2(): typeof RE2JS {
  re2js ??= (createRequire(import.meta.url)('re2js') as typeof import('re2js')).RE2JS;
  return re2js;
}

// ---- durations -------------------------------------------------------------------------------------------------

const DURATION = /^(?:\d+y)?(?:\d+w)?(?:\d+d)?(?:\d+h)?(?:\d+m)?(?:\d+s)?(?:\d+ms)?$/;
const UNIT_MS: Readonly<Record<string, number>> = { y: 31_536_000_000, w: 604_800_000, d: 86_400_000, h: 3_600_000, m: 60_000, s: 1_000, ms: 1 };

/** Prometheus's duration syntax (model.ParseDuration), zero included: `0`, `0m0s`, `5m`, `1h30m`. */
export function isDurationSyntax(text: string): boolean {
  return text === '0' || (text !== '' && DURATION.test(text));
}

/** A non-zero duration, as a range selector needs. */
export function isPromDuration(text: string): boolean {
  return isDurationSyntax(text) && /[1-9]/.test(text);
}

const SINGLE_UNIT = /^(\d+)(ms|[ywdhms])$/;

/** Largest duration Prometheus holds: its durations are int64 nanoseconds. */
const MAX_DURATION_SECONDS = 9_223_372_036.854775807;

export type DurationValue = { ok: true; seconds: number } | { ok: false; message: string };

/**
 * A duration literal as written where PromQL expects a duration (`5m`, `1h30m`, or a number of seconds such as
 * `90` or `1.5`), in seconds; refused when it does not fit in Prometheus's int64 nanoseconds.
 */
export function durationValue(text: string): DurationValue {
  // The common case, one unit (`5m`), without the general reading.
  const [, count, unit = 's'] = SINGLE_UNIT.exec(text) ?? [];
  let seconds: number;
  if (count !== undefined) {
    seconds = (Number(count) * (UNIT_MS[unit] ?? 0)) / 1000;
  } else if (isDurationSyntax(text)) {
    seconds = 0;
    for (const [, n = '0', u = 's'] of text.matchAll(/(\d+)(ms|[ywdhms])/g)) seconds += (Number(n) * (UNIT_MS[u] ?? 0)) / 1000;
  } else {
    const number = numberValue(text);
    if (!number.ok) return number;
    seconds = number.value;
  }
  return Math.abs(seconds) > MAX_DURATION_SECONDS || Number.isNaN(seconds)
    ? { ok: false, message: 'duration out of range' }
    : { ok: true, seconds };
}

// ---- numbers ---------------------------------------------------------------------------------------------------

export type NumberValue = { ok: true; value: number } | { ok: false; message: string };

const INT64_MAX = 2n ** 63n - 1n;

/**
 * A number literal's value as Prometheus's parseNumber gives it: hexadecimal through Go's ParseInt (int64),
 * everything else through ParseFloat, which refuses a finite-looking literal that overflows a float64.
 */
export function numberValue(text: string): NumberValue {
  const literal = text.trim().replaceAll('_', '');
  const lower = literal.toLowerCase().replace(/^[+-]/, '');
  const sign = literal.startsWith('-') ? -1 : 1;
  if (lower === 'inf' || lower === 'infinity') return { ok: true, value: sign * Infinity };
  if (lower === 'nan') return { ok: true, value: NaN };
  if (lower.startsWith('0x')) {
    if (!/^0x[0-9a-f]+$/.test(lower)) return { ok: false, message: `${text} is not a number` };
    const value = BigInt(lower);
    return value > INT64_MAX ? { ok: false, message: `number ${text} is out of range` } : { ok: true, value: sign * Number(value) };
  }
  const value = Number(lower);
  if (Number.isNaN(value)) return { ok: false, message: `${text} is not a number` };
  return Number.isFinite(value) ? { ok: true, value: sign * value } : { ok: false, message: `number ${text} is out of range` };
}

// ---- strings ---------------------------------------------------------------------------------------------------

export type DecodedString =
  | { ok: true; value: string; /** false when `\x`/octal escapes spell bytes that are not UTF-8 */ utf8: boolean }
  | { ok: false; message: string; offset: number };

const SIMPLE_ESCAPES: Readonly<Record<string, number>> = { a: 7, b: 8, f: 12, n: 10, r: 13, t: 9, v: 11, '\\': 92 };
const utf8 = new TextEncoder();
const SIMPLE_DOUBLE_QUOTED = /^"[\x20\x21\x23-\x5b\x5d-\x7e]*"$/;
const SIMPLE_SINGLE_QUOTED = /^'[\x20-\x26\x28-\x5b\x5d-\x7e]*'$/;

/**
 * Decodes a PromQL string literal the way Prometheus does (Go's strconv.Unquote, extended to single quotes).
 * lezer-promql accepts any backslash pair inside quotes, so this is also where `"\q"` or `"\ud800"` is caught.
 * `\x` and octal escapes are bytes, so the result is assembled as UTF-8. Go strings may hold any bytes and the
 * parser accepts them; whether they are UTF-8 is reported for the places that need it (a regex, a config value).
 */
export function decodeString(literal: string): DecodedString {
  const quote = literal[0];
  if (quote === '`') {
    return literal.length >= 2 && literal.endsWith('`')
      ? { ok: true, value: literal.slice(1, -1), utf8: true }
      : { ok: false, message: 'unterminated string', offset: 0 };
  }
  if (quote !== '"' && quote !== "'") return { ok: false, message: 'not a string literal', offset: 0 };
  // The common case, printable ASCII without escapes, is its own value.
  const simple = quote === '"' ? SIMPLE_DOUBLE_QUOTED : SIMPLE_SINGLE_QUOTED;
  if (simple.test(literal)) return { ok: true, value: literal.slice(1, -1), utf8: true };
  const bytes: number[] = [];
  let i = 1;
  while (i < literal.length) {
    const c = literal[i];
    if (c === quote) {
      return i === literal.length - 1 ? utf8Value(bytes) : { ok: false, message: 'text after closing quote', offset: i + 1 };
    }
    if (c === '\n') return { ok: false, message: 'newline in string', offset: i };
    if (c === '\\') {
      const escape = readEscape(literal, i + 1, quote);
      if (!escape.ok) return { ok: false, message: escape.message, offset: i };
      bytes.push(...escape.bytes);
      i = escape.next;
      continue;
    }
    const codePoint = literal.codePointAt(i) ?? 0;
    if (codePoint >= 0xd800 && codePoint <= 0xdfff) return { ok: false, message: 'lone surrogate in string', offset: i };
    if (codePoint < 0x80) bytes.push(codePoint);
    else bytes.push(...utf8.encode(String.fromCodePoint(codePoint)));
    i += codePoint > 0xffff ? 2 : 1;
  }
  return { ok: false, message: 'unterminated string', offset: 0 };
}

type Escape = { ok: true; bytes: readonly number[]; next: number } | { ok: false; message: string };

function readEscape(literal: string, at: number, quote: string): Escape {
  const c = literal[at] ?? '';
  const simple = SIMPLE_ESCAPES[c];
  if (simple !== undefined) return { ok: true, bytes: [simple], next: at + 1 };
  if (c === quote) return { ok: true, bytes: [c.charCodeAt(0)], next: at + 1 };
  if (c === 'x') return hexByte(literal.slice(at + 1, at + 3), at + 3);
  if (c === 'u' || c === 'U') return codePointEscape(literal.slice(at + 1, at + (c === 'u' ? 5 : 9)), c === 'u' ? 4 : 8, at);
  if (/[0-7]/.test(c)) return octalByte(literal.slice(at, at + 3), at + 3);
  return { ok: false, message: `unknown escape sequence "\\${c}"` };
}

function hexByte(digits: string, next: number): Escape {
  return /^[0-9a-fA-F]{2}$/.test(digits)
    ? { ok: true, bytes: [parseInt(digits, 16)], next }
    : { ok: false, message: '\\x needs two hex digits' };
}

function octalByte(digits: string, next: number): Escape {
  const value = parseInt(digits, 8);
  return /^[0-7]{3}$/.test(digits) && value <= 255
    ? { ok: true, bytes: [value], next }
    : { ok: false, message: 'octal escape needs three digits up to \\377' };
}

function codePointEscape(digits: string, length: number, at: number): Escape {
  const value = parseInt(digits, 16);
  const valid = new RegExp(`^[0-9a-fA-F]{${length}}$`).test(digits) && value <= 0x10ffff && (value < 0xd800 || value > 0xdfff);
  return valid
    ? { ok: true, bytes: [...utf8.encode(String.fromCodePoint(value))], next: at + 1 + length }
    : { ok: false, message: `\\${length === 4 ? 'u' : 'U'} escape is not a Unicode scalar value` };
}

const strictUtf8 = new TextDecoder('utf-8', { fatal: true });
const lenientUtf8 = new TextDecoder('utf-8');

function utf8Value(bytes: readonly number[]): DecodedString {
  const array = new Uint8Array(bytes);
  try {
    return { ok: true, value: strictUtf8.decode(array), utf8: true };
  } catch {
    return { ok: true, value: lenientUtf8.decode(array), utf8: false };
  }
}

// ---- regex matcher values --------------------------------------------------------------------------------------

/**
 * Class names re2js knows and Prometheus's regexp (grafana/regexp) does not. Its unicodeTable looks a name up
 * in Go's unicode.Categories and unicode.Scripts, besides `Any`: Go's tables are still at Unicode 15.0, so the
 * Unicode 16 and 17 scripts re2js has are unknown there; and `Assigned` is a special name of re2js (and of Go's
 * own regexp since 1.25), not of the fork Prometheus uses.
 */
const CLASSES_GO_REGEXP_LACKS: ReadonlySet<string> = new Set([
  'Garay', 'Gurung_Khema', 'Kirat_Rai', 'Ol_Onal', 'Sunuwar', 'Todhri', 'Tulu_Tigalari',
  'Beria_Erfe', 'Chisoi', 'Sidetic', 'Tai_Yo', 'Tolong_Siki', 'Assigned',
]);

/**
 * Literal characters, `.` and `|` only: nothing in such a pattern can be malformed for Go's parser (no repeat,
 * group, class or escape), so it is valid without asking re2js. `5..` and `prod|stage` are such patterns.
 */
const PLAIN_PATTERN = /^[\w .|:/,=@%&'"<>!~;#-]*$/;

/** Compiled regexes or why they do not compile, kept: a selector's regex recurs in every rule and panel. Bounded. */
const regexes = new BoundedCache<RE2JS | string>(10_000);

/**
 * Why Prometheus would refuse `pattern` as the value of a `=~`/`!~` matcher, or undefined when it accepts it.
 * Prometheus compiles `^(?s:pattern)$` with Go's regexp/syntax under Perl flags when it parses the matcher;
 * re2js is a port of that parser (repeat limits, nesting and size limits, `\Q...\E`, `\p{..}`, `\x{..}`, named
 * groups), so its verdict is Go's, except for the differences corrected here.
 */
export function regexProblem(pattern: string): string | undefined {
  if (PLAIN_PATTERN.test(pattern)) return undefined;
  const regex = compiled(pattern);
  return typeof regex === 'string' ? regex : undefined;
}

function compiled(pattern: string): RE2JS | string {
  return regexes.get(pattern, () => compile(pattern));
}

function compile(pattern: string): RE2JS | string {
  const unknown = classGoLacks(pattern);
  if (unknown) return `uses \\p{${unknown}}, a Unicode class Go's regexp does not know`;
  try {
    return re2().compile(`^(?s:${pattern})$`);
  } catch (error) {
    // Go's message is `code: \`part\``; the part is quoted as JSON so a newline in it stays on one line, and
    // left out when it is the whole wrapped pattern, which is ours rather than the user's.
    const [, code = '', part] = /^(?:error parsing regexp: )?([^`]*?)(?:: `([\s\S]*)`)?$/.exec((error as Error).message) ?? [];
    return `does not compile: ${code}${part === undefined || part.startsWith('^(?s:') ? '' : ` in ${JSON.stringify(part)}`}`;
  }
}

/** A `\p{Name}` or `\P{Name}` (outside `\Q...\E`) naming a class Prometheus's regexp does not know. */
function classGoLacks(pattern: string): string | undefined {
  if (!pattern.includes('\\p{') && !pattern.includes('\\P{')) return undefined;
  for (let i = 0; i < pattern.length; i++) {
    if (pattern[i] !== '\\') continue;
    const next = pattern[i + 1];
    if (next === 'Q') {
      const end = pattern.indexOf('\\E', i + 2);
      if (end === -1) return undefined;
      i = end + 1;
      continue;
    }
    if ((next === 'p' || next === 'P') && pattern[i + 2] === '{') {
      const name = pattern.slice(i + 3, pattern.indexOf('}', i + 3)).replace(/^\^/, '');
      if (CLASSES_GO_REGEXP_LACKS.has(name)) return name;
    }
    i++;
  }
  return undefined;
}

export const REGEX_HINT = 'use Go RE2 syntax, as Prometheus does: no lookarounds or backreferences, repeat counts up to 1000; escape literal metacharacters';

export type MatchOp = '=' | '!=' | '=~' | '!~';

/**
 * Whether a matcher selects series that lack its label (an empty value), as Prometheus decides whether a
 * selector without a metric name selects anything in particular. A regex that does not compile is undefined.
 */
export function matchesEmpty(op: MatchOp, value: string): boolean | undefined {
  if (op === '=') return value === '';
  if (op === '!=') return value !== '';
  const regex = compiled(value);
  if (typeof regex === 'string') return undefined;
  const matches = regex.matches('');
  return op === '=~' ? matches : !matches;
}
