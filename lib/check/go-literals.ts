/**
 * Go's rules for the literals a text/template may hold, as its parser applies them through `strconv`: numbers
 * (`ParseUint`/`ParseInt` with base 0, `ParseFloat`, imaginary and complex constants), quoted strings
 * (`Unquote`) and character constants (`UnquoteChar`). Each answers with the problem, or undefined when Go
 * accepts the literal.
 */

const INT64_MAX = (1n << 63n) - 1n;
const UINT64_MAX = (1n << 64n) - 1n;

/** The problem Go's template parser has with a number token (`itemNumber`), e.g. `1.E` or `0xi`. */
export function numberProblem(text: string): string | undefined {
  // An imaginary constant is accepted when what precedes the `i` is a float; otherwise Go goes on with the
  // integer and float readings of the whole text, which the `i` makes fail.
  if (text.endsWith('i') && isGoFloat(text.slice(0, -1))) return undefined;
  if (parseGoInteger(text, false) !== undefined || parseGoInteger(text, true) !== undefined) return undefined;
  if (isGoFloat(text)) {
    return /[.eEpP]/.test(text) ? undefined : `integer overflow: ${JSON.stringify(text)}`;
  }
  return `illegal number syntax: ${JSON.stringify(text)}`;
}

/** The problem with a complex token such as `1+2i`, which Go reads with `fmt.Sscan`. */
export function complexProblem(text: string): string | undefined {
  const reader = new FloatTokenReader(text);
  const real = reader.token();
  const sign = reader.accept('+-');
  const imaginary = reader.token();
  if (!sign || !reader.accept('i') || !isGoFloat(real) || !isGoFloat(sign + imaginary)) {
    return `bad complex constant: ${JSON.stringify(text)}`;
  }
  return undefined;
}

/** The problem with a quoted string (`"..."`) or raw string, as `strconv.Unquote` reads it. */
export function stringProblem(text: string): string | undefined {
  if (text.startsWith('`')) return undefined;
  let at = 1;
  while (at < text.length - 1) {
    const next = unquoteChar(text, at, '"');
    if (next === undefined) return `invalid syntax in quoted string ${text}`;
    at = next;
  }
  return undefined;
}

/** The problem with a character constant (`'a'`, `'\n'`, `'\u00e9'`): exactly one character or escape. */
export function charProblem(text: string): string | undefined {
  const end = unquoteChar(text, 1, "'");
  if (end === undefined) return `invalid syntax in character constant ${text}`;
  return end === text.length - 1 && text[end] === "'" ? undefined : `malformed character constant: ${text}`;
}

/**
 * Go's `strconv.UnquoteChar`: reads one character or escape of a literal quoted by `quote` at `at`, and
 * answers where the next one starts, or undefined when Go refuses it.
 */
function unquoteChar(text: string, at: number, quote: string): number | undefined {
  const c = text[at];
  if (c === undefined || c === quote || c === '\n') return undefined;
  if (c !== '\\') return at + (text.codePointAt(at)! > 0xffff ? 2 : 1);
  const escape = text[at + 1];
  if (escape === undefined) return undefined;
  if ('abfnrtv\\'.includes(escape)) return at + 2;
  if (escape === "'" || escape === '"') return escape === quote ? at + 2 : undefined;
  const hexLength = { x: 2, u: 4, U: 8 }[escape];
  if (hexLength !== undefined) {
    const digits = text.slice(at + 2, at + 2 + hexLength);
    if (!new RegExp(`^[0-9a-fA-F]{${hexLength}}$`).test(digits)) return undefined;
    const value = parseInt(digits, 16);
    const validRune = value < 0xd800 || (value > 0xdfff && value <= 0x10ffff);
    return escape === 'x' || validRune ? at + 2 + hexLength : undefined;
  }
  const octal = text.slice(at + 1, at + 4);
  return /^[0-7]{3}$/.test(octal) && parseInt(octal, 8) <= 255 ? at + 4 : undefined;
}

/** `strconv.ParseInt(text, 0, 64)` (signed) or `ParseUint` (unsigned), or undefined on a syntax or range error. */
function parseGoInteger(text: string, signed: boolean): bigint | undefined {
  let digits = text;
  let negative = false;
  if (signed && (digits[0] === '+' || digits[0] === '-')) {
    negative = digits[0] === '-';
    digits = digits.slice(1);
  }
  if (digits === '') return undefined;
  let base = 10;
  if (digits[0] === '0') {
    const prefix = digits.length >= 3 ? digits[1]!.toLowerCase() : '';
    base = { b: 2, o: 8, x: 16 }[prefix] ?? 8;
    digits = digits.slice(base === 8 && prefix !== 'o' ? 1 : 2);
  }
  let value = 0n;
  let underscores = false;
  for (const c of digits) {
    if (c === '_') {
      underscores = true;
      continue;
    }
    const digit = parseInt(c, 36);
    if (Number.isNaN(digit) || digit >= base) return undefined;
    value = value * BigInt(base) + BigInt(digit);
  }
  if (underscores && !underscoreOK(text)) return undefined;
  const limit = !signed ? UINT64_MAX : negative ? INT64_MAX + 1n : INT64_MAX;
  return value > limit ? undefined : value;
}

const DECIMAL_FLOAT = /^[+-]?(?=\.?[\d_])[\d_]*(?:\.[\d_]*)?(?:[eE][+-]?[\d_]+)?$/;
const HEX_FLOAT = /^[+-]?0[xX](?=\.?[\da-fA-F_])[\da-fA-F_]*(?:\.[\da-fA-F_]*)?[pP][+-]?[\d_]+$/;

/**
 * `strconv.ParseFloat(text, 64)` succeeds: Go's decimal or hexadecimal (exponent required) syntax, underscores
 * only between digits, and no overflow to infinity. The letters of `Inf`/`NaN` never reach here: Go's lexer
 * refuses a number followed by a letter.
 */
function isGoFloat(text: string): boolean {
  const hex = HEX_FLOAT.test(text);
  if (!hex && !DECIMAL_FLOAT.test(text)) return false;
  if (text.includes('_') && !underscoreOK(text)) return false;
  return Number.isFinite(hex ? hexFloatValue(text.replace(/_/g, '')) : Number(text.replace(/_/g, '')));
}

function hexFloatValue(text: string): number {
  const match = /^([+-]?)0[xX]([\da-fA-F]*)(?:\.([\da-fA-F]*))?[pP]([+-]?\d+)$/.exec(text);
  if (!match) return NaN;
  const [, sign, whole = '', fraction = '', exponent = '0'] = match;
  const mantissa = parseInt(`${whole}${fraction}` || '0', 16);
  const value = mantissa * 2 ** (Number(exponent) - 4 * fraction.length);
  return sign === '-' ? -value : value;
}

/** Go's `underscoreOK`: an underscore must sit between digits, or between a base prefix and a digit. */
function underscoreOK(text: string): boolean {
  let s = text[0] === '+' || text[0] === '-' ? text.slice(1) : text;
  let saw = '^';
  let hex = false;
  if (s.length >= 2 && s[0] === '0' && 'bBoOxX'.includes(s[1]!)) {
    hex = s[1] === 'x' || s[1] === 'X';
    saw = '0';
    s = s.slice(2);
  }
  for (const c of s) {
    if (/\d/.test(c) || (hex && /[a-fA-F]/.test(c))) {
      saw = '0';
    } else if (c === '_') {
      if (saw !== '0') return false;
      saw = '_';
    } else {
      if (saw === '_') return false;
      saw = '!';
    }
  }
  return saw !== '_';
}

/** `fmt`'s scanner of one float token, which is how `Sscan` splits a complex constant into its parts. */
class FloatTokenReader {
  private at = 0;

  constructor(private readonly text: string) {}

  accept(set: string): string {
    const c = this.text[this.at];
    if (c === undefined || !set.includes(c)) return '';
    this.at++;
    return c;
  }

  token(): string {
    const start = this.at;
    this.accept('+-');
    let digits = '0123456789_';
    let exponent = 'eEpP';
    if (this.accept('0') && this.accept('xX')) {
      digits = '0123456789aAbBcCdDeEfF_';
      exponent = 'pP';
    }
    while (this.accept(digits));
    if (this.accept('.')) while (this.accept(digits));
    if (this.accept(exponent)) {
      this.accept('+-');
      while (this.accept('0123456789_'));
    }
    return this.text.slice(start, this.at);
  }
}
