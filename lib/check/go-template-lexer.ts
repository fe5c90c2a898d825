/**
 * The tokens of a Go text/template, following Go's text/template/parse lexer: text between actions, trim
 * markers (`{{- ` and ` -}}`) and comments handled here, spaces inside actions kept as tokens because the
 * parser needs them (`$x+2` is refused, `$x +2` is two arguments). A lexing error is thrown as a
 * `TemplateError` at once: Go's parser fails on an error token wherever it meets one.
 */

export type ItemType =
  | 'bool'
  | 'char'
  | 'charConstant'
  | 'complex'
  | 'assign'
  | 'declare'
  | 'eof'
  | 'field'
  | 'identifier'
  | 'leftDelim'
  | 'leftParen'
  | 'number'
  | 'pipe'
  | 'rawString'
  | 'rightDelim'
  | 'rightParen'
  | 'space'
  | 'string'
  | 'text'
  | 'variable'
  | Keyword;

export type Keyword = 'block' | 'break' | 'continue' | 'dot' | 'define' | 'else' | 'end' | 'if' | 'nil' | 'range' | 'template' | 'with';

const KEYWORDS: ReadonlyMap<string, Keyword> = new Map(
  (['block', 'break', 'continue', 'define', 'else', 'end', 'if', 'nil', 'range', 'template', 'with'] as const).map((k) => [k, k]),
);

export interface Item {
  readonly type: ItemType;
  /** Offset in the template. */
  readonly pos: number;
  readonly val: string;
}

export interface TemplateProblem {
  readonly message: string;
  readonly from: number;
  readonly to: number;
}

export class TemplateError extends Error {
  constructor(readonly problem: TemplateProblem) {
    super(problem.message);
  }
}

export function fail(message: string, from: number, to: number): never {
  throw new TemplateError({ message, from, to: Math.max(from, to) });
}

export function isKeyword(type: ItemType): type is Keyword {
  return KEYWORDS.has(type) || type === 'dot';
}

/** Go's `item.String()`, for messages: keywords in angle brackets, other values quoted. */
export function describe(item: Item): string {
  if (item.type === 'eof') return 'EOF';
  if (isKeyword(item.type)) return `<${item.val}>`;
  return item.val.length > 10 ? `${JSON.stringify(item.val.slice(0, 10))}...` : JSON.stringify(item.val);
}

const isSpace = (c: string | undefined): boolean => c === ' ' || c === '\t' || c === '\r' || c === '\n';
const TERMINATORS = '.,|:)(';

export class Lexer {
  private pos = 0;
  private insideAction = false;
  /** Where each `(` still open in the current action is. */
  private openParens: number[] = [];
  /** Where the current action's `{{` is, for the unclosed-action problem. */
  private actionStart = 0;

  constructor(
    private readonly input: string,
    /** `break` and `continue` are keywords unless the function set defines functions of those names. */
    private readonly loopKeywords: { readonly break: boolean; readonly continue: boolean },
  ) {}

  next(): Item {
    return this.insideAction ? this.insideActionItem() : this.textItem();
  }

  private textItem(): Item {
    for (;;) {
      const start = this.pos;
      const open = this.input.indexOf('{{', start);
      if (open === -1) {
        this.pos = this.input.length;
        return start < this.pos ? this.item('text', start) : { type: 'eof', pos: this.pos, val: '' };
      }
      const trim = hasLeftTrimMarker(this.input, open + 2);
      const textEnd = trim ? trimmedEnd(this.input, start, open) : open;
      this.pos = open;
      if (textEnd > start) return { type: 'text', pos: start, val: this.input.slice(start, textEnd) };
      const delim = this.leftDelim(trim);
      if (delim) return delim;
    }
  }

  /** At `{{`: a comment is skipped (undefined is returned), anything else opens an action. */
  private leftDelim(trim: boolean): Item | undefined {
    const open = this.pos;
    const afterMarker = open + 2 + (trim ? 2 : 0);
    if (this.input.startsWith('/*', afterMarker)) {
      this.comment(open, afterMarker);
      return undefined;
    }
    this.pos = afterMarker;
    this.insideAction = true;
    this.openParens = [];
    this.actionStart = open;
    return { type: 'leftDelim', pos: open, val: '{{' };
  }

  private comment(open: number, start: number): void {
    const close = this.input.indexOf('*/', start + 2);
    if (close === -1) fail('unclosed comment', open, this.input.length);
    this.pos = close + 2;
    const delim = this.atRightDelim();
    if (!delim) fail('comment ends before closing delimiter', open, this.pos);
    this.pos += (delim === 'trim' ? 2 : 0) + 2;
    if (delim === 'trim') this.skipSpaces();
  }

  private atRightDelim(): 'trim' | 'plain' | undefined {
    if (hasRightTrimMarker(this.input, this.pos) && this.input.startsWith('}}', this.pos + 2)) return 'trim';
    return this.input.startsWith('}}', this.pos) ? 'plain' : undefined;
  }

  private rightDelim(): Item {
    const trim = this.atRightDelim() === 'trim';
    if (trim) this.pos += 2;
    const item: Item = { type: 'rightDelim', pos: this.pos, val: '}}' };
    this.pos += 2;
    if (trim) this.skipSpaces();
    this.insideAction = false;
    return item;
  }

  private skipSpaces(): void {
    while (isSpace(this.input[this.pos])) this.pos++;
  }

  private insideActionItem(): Item {
    if (this.atRightDelim()) {
      const open = this.openParens.at(-1);
      if (open === undefined) return this.rightDelim();
      fail('unclosed left paren', open, open + 1);
    }
    const start = this.pos;
    const c = this.input[start];
    if (c === undefined) fail('unclosed action', this.actionStart, this.input.length);
    if (isSpace(c)) return this.space();
    this.pos++;
    switch (c) {
      case '=':
        return this.item('assign', start);
      case ':':
        if (this.input[this.pos] !== '=') fail('expected :=', start, this.pos);
        this.pos++;
        return this.item('declare', start);
      case '|':
        return this.item('pipe', start);
      case '"':
        return this.quoted(start);
      case '`':
        return this.rawQuoted(start);
      case '$':
        return this.fieldOrVariable(start, 'variable');
      case "'":
        return this.charConstant(start);
      case '(':
        this.openParens.push(start);
        return this.item('leftParen', start);
      case ')':
        if (this.openParens.pop() === undefined) fail('unexpected right paren', start, this.pos);
        return this.item('rightParen', start);
    }
    if (c === '.' && !isDigit(this.input[this.pos])) return this.fieldOrVariable(start, 'field');
    if (c === '.' || c === '+' || c === '-' || isDigit(c)) return this.number(start);
    const code = this.input.codePointAt(start)!;
    if (isAlphaNumericCode(code)) return this.identifier(start);
    if (c >= ' ' && c <= '~') return this.item('char', start);
    const rune = String.fromCodePoint(code);
    return fail(`unrecognized character in action: ${unicodeName(rune)}`, start, start + rune.length);
  }

  /** A run of spaces; the last one stays when it starts a ` -}}`, which then closes the action. */
  private space(): Item {
    const start = this.pos;
    while (isSpace(this.input[this.pos])) this.pos++;
    if (this.input[this.pos] === '-' && this.input.startsWith('}}', this.pos + 1)) {
      this.pos--;
      if (this.pos === start) return this.rightDelim();
    }
    return this.item('space', start);
  }

  private identifier(start: number): Item {
    this.absorbAlphaNumeric();
    const word = this.input.slice(start, this.pos);
    this.expectTerminator(start);
    const keyword = KEYWORDS.get(word);
    if (keyword && !((keyword === 'break' || keyword === 'continue') && !this.loopKeywords[keyword])) {
      return this.item(keyword, start);
    }
    return this.item(word === 'true' || word === 'false' ? 'bool' : 'identifier', start);
  }

  /** `$`, `$name`, `.` or `.Name`, after the `$` or `.`; `.X.Y` is two field tokens. */
  private fieldOrVariable(start: number, type: 'field' | 'variable'): Item {
    if (this.atTerminator()) return this.item(type === 'variable' ? 'variable' : 'dot', start);
    this.absorbAlphaNumeric();
    this.expectTerminator(start);
    return this.item(type, start);
  }

  private absorbAlphaNumeric(): void {
    for (;;) {
      const code = this.input.codePointAt(this.pos);
      if (code === undefined || !isAlphaNumericCode(code)) return;
      this.pos += code > 0xffff ? 2 : 1;
    }
  }

  /** Go refuses a name glued to what cannot follow it (`$x+2`, `a#`), keeping room for future operators. */
  private expectTerminator(start: number): void {
    if (this.atTerminator()) return;
    const rune = String.fromCodePoint(this.input.codePointAt(this.pos)!);
    fail(`bad character ${unicodeName(rune)}`, start, this.pos + rune.length);
  }

  private atTerminator(): boolean {
    const c = this.input[this.pos];
    return c === undefined || isSpace(c) || TERMINATORS.includes(c) || this.input.startsWith('}}', this.pos);
  }

  private charConstant(start: number): Item {
    this.scanQuoted(start, "'", 'unterminated character constant');
    return this.item('charConstant', start);
  }

  private quoted(start: number): Item {
    this.scanQuoted(start, '"', 'unterminated quoted string');
    return this.item('string', start);
  }

  private scanQuoted(start: number, quote: string, unterminated: string): void {
    for (;;) {
      const c = this.input[this.pos++];
      const escaped = c === '\\' ? this.input[this.pos++] : undefined;
      if (c === undefined || c === '\n' || (c === '\\' && (escaped === undefined || escaped === '\n'))) {
        fail(unterminated, start, Math.min(this.pos, this.input.length));
      }
      if (c === quote) return;
    }
  }

  private rawQuoted(start: number): Item {
    const close = this.input.indexOf('`', this.pos);
    if (close === -1) fail('unterminated raw quoted string', start, this.input.length);
    this.pos = close + 1;
    return this.item('rawString', start);
  }

  /** Go's number scanner, which is lax on purpose (`089`, `.`): the parser checks the value with strconv. */
  private number(start: number): Item {
    this.pos = start;
    if (!this.scanNumber()) fail(`bad number syntax: ${JSON.stringify(this.input.slice(start, this.pos))}`, start, this.pos);
    const sign = this.input[this.pos];
    if (sign !== '+' && sign !== '-') return this.item('number', start);
    if (!this.scanNumber() || this.input[this.pos - 1] !== 'i') {
      fail(`bad number syntax: ${JSON.stringify(this.input.slice(start, this.pos))}`, start, this.pos);
    }
    return this.item('complex', start);
  }

  private scanNumber(): boolean {
    this.accept('+-');
    let digits = '0123456789_';
    if (this.accept('0')) {
      if (this.accept('xX')) digits = '0123456789abcdefABCDEF_';
      else if (this.accept('oO')) digits = '01234567_';
      else if (this.accept('bB')) digits = '01_';
    }
    while (this.accept(digits));
    if (this.accept('.')) while (this.accept(digits));
    const exponent = digits.length === 11 ? 'eE' : digits.length === 23 ? 'pP' : '';
    if (exponent && this.accept(exponent)) {
      this.accept('+-');
      while (this.accept('0123456789_'));
    }
    this.accept('i');
    const code = this.input.codePointAt(this.pos);
    if (code !== undefined && isAlphaNumericCode(code)) {
      this.pos += code > 0xffff ? 2 : 1;
      return false;
    }
    return true;
  }

  private accept(set: string): boolean {
    const c = this.input[this.pos];
    if (c === undefined || !set.includes(c)) return false;
    this.pos++;
    return true;
  }

  private item(type: ItemType, start: number): Item {
    return { type, pos: start, val: this.input.slice(start, this.pos) };
  }
}

function hasLeftTrimMarker(text: string, at: number): boolean {
  return text[at] === '-' && isSpace(text[at + 1]);
}

function hasRightTrimMarker(text: string, at: number): boolean {
  return isSpace(text[at]) && text[at + 1] === '-';
}

/** Where the text before a `{{- ` ends once its trailing spaces are trimmed. */
function trimmedEnd(text: string, start: number, end: number): number {
  let at = end;
  while (at > start && isSpace(text[at - 1])) at--;
  return at;
}

function isDigit(c: string | undefined): boolean {
  return c !== undefined && c >= '0' && c <= '9';
}

const LETTER_OR_DIGIT = /^[\p{L}\p{Nd}]$/u;

/** Go's `unicode.IsLetter`, `unicode.IsDigit` or `_`, for a code point; ASCII without a regular expression. */
function isAlphaNumericCode(code: number): boolean {
  if (code < 0x80) {
    return (code >= 0x30 && code <= 0x39) || (code >= 0x41 && code <= 0x5a) || (code >= 0x61 && code <= 0x7a) || code === 0x5f;
  }
  return LETTER_OR_DIGIT.test(String.fromCodePoint(code));
}

/** Go's `%#U`: `U+0023 '#'`. */
function unicodeName(rune: string): string {
  const hex = rune.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0');
  return /^\P{C}$/u.test(rune) ? `U+${hex} '${rune}'` : `U+${hex}`;
}
