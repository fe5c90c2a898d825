/**
 * Go text/template, as Prometheus parses alert labels and annotations: enough of the grammar to catch what
 * fails to parse there (unbalanced delimiters, unknown functions, unclosed blocks, bad literals, undefined
 * variables). Only the first problem is reported, as Go's parser does.
 */

export interface TemplateProblem {
  readonly message: string;
  readonly from: number;
  readonly to: number;
}

type TokenKind = 'identifier' | 'keyword' | 'field' | 'variable' | 'literal' | 'dot' | '(' | ')' | '|' | ',' | ':=' | '=';

interface Token {
  readonly kind: TokenKind;
  readonly text: string;
  readonly from: number;
  readonly to: number;
}

/** Prometheus's own template functions (template/template.go), older and newer versions together. */
const PROMETHEUS_FUNCTIONS = `query first label value strvalue sortByLabel args reReplaceAll safeHtml match title toUpper
  toLower graphLink tableLink stripPort stripDomain humanize humanize1024 humanizeDuration humanizePercentage
  humanizeTimestamp toTime toDuration now pathPrefix externalURL parseDuration`;
/** Go's text/template builtins. */
const GO_FUNCTIONS = 'and or not len index slice print printf println html js urlquery call eq ne lt le gt ge';
const TEMPLATE_FUNCTIONS: ReadonlySet<string> = new Set(words(`${PROMETHEUS_FUNCTIONS} ${GO_FUNCTIONS}`));
const KEYWORDS: ReadonlySet<string> = new Set(words('if else end range with define template block break continue'));
const LITERAL_WORDS: ReadonlySet<string> = new Set(['true', 'false', 'nil']);
/** Prometheus prefixes every alert template with these definitions; `$` is the data itself. */
const PREDEFINED_VARIABLES = ['$', '$labels', '$value', '$externalLabels', '$externalURL'];

/**
 * Answers are kept: rule files repeat the same label values and annotation texts (`severity: warning`, one
 * description pattern per alert family) many times. Bounded like the PromQL parse cache.
 */
const answers = new Map<string, TemplateProblem | undefined>();
const ANSWERS_KEPT = 20_000;

/** The first problem Go's template parser would have with the text, or undefined when it parses. */
export function templateProblem(text: string): TemplateProblem | undefined {
  if (answers.has(text)) return answers.get(text);
  if (answers.size >= ANSWERS_KEPT) answers.clear();
  const problem = parseTemplate(text);
  answers.set(text, problem);
  return problem;
}

function parseTemplate(text: string): TemplateProblem | undefined {
  const parser = new TemplateParser(text);
  try {
    parser.parse();
    return undefined;
  } catch (error) {
    if (error instanceof TemplateError) return error.problem;
    throw error;
  }
}

class TemplateError extends Error {
  constructor(readonly problem: TemplateProblem) {
    super(problem.message);
  }
}

function fail(message: string, from: number, to: number): never {
  throw new TemplateError({ message, from, to: Math.max(from, to) });
}

interface Block {
  readonly keyword: string;
  readonly open: Token;
  elseSeen: boolean;
  readonly variables: Set<string>;
}

/** Each action is lexed and parsed on its own; blocks and variable scopes span actions. */
class TemplateParser {
  private readonly blocks: Block[] = [];
  private readonly topVariables = new Set(PREDEFINED_VARIABLES);

  constructor(private readonly text: string) {}

  parse(): void {
    let at = 0;
    for (let open = this.text.indexOf('{{', at); open !== -1; open = this.text.indexOf('{{', at)) {
      at = this.action(open);
    }
    const unclosed = this.blocks.at(-1);
    if (unclosed) fail(`{{ ${unclosed.keyword} }} is never closed by {{ end }}`, unclosed.open.from, unclosed.open.to);
  }

  /** Handles the action opening at `open`; returns the index just past it. */
  private action(open: number): number {
    let start = open + 2;
    if (this.text[start] === '-' && isSpace(this.text[start + 1])) start += 2;
    const comment = this.comment(open, start);
    if (comment !== undefined) return comment;
    const { tokens, end } = lexAction(this.text, start, open);
    if (tokens.length === 0) fail('empty action {{ }}', open, end);
    this.statement(tokens, open, end);
    return end;
  }

  private comment(open: number, start: number): number | undefined {
    // Go takes a comment only right after the delimiter and its trim marker: `{{ /* x */ }}` is a parse error.
    if (!this.text.startsWith('/*', start)) return undefined;
    const close = this.text.indexOf('*/', start + 2);
    if (close === -1) fail('unclosed comment', open, this.text.length);
    let after = close + 2;
    if (isSpace(this.text[after]) && this.text[after + 1] === '-') after += 2;
    if (!this.text.startsWith('}}', after)) fail('comment ends before the closing }}', open, after);
    return after + 2;
  }

  private statement(tokens: readonly Token[], open: number, end: number): void {
    const first = tokens[0] as Token;
    if (first.kind !== 'keyword') {
      this.pipeline(new Cursor(tokens, end), false);
      return;
    }
    const rest = new Cursor(tokens.slice(1), end);
    switch (first.text) {
      case 'if':
      case 'with':
      case 'range':
        this.openBlock(first, rest);
        return;
      case 'else':
        this.elseBranch(first, rest);
        return;
      case 'end':
        this.closeBlock(first, rest);
        return;
      case 'define':
      case 'block':
        this.definition(first, rest);
        return;
      case 'template':
        this.templateCall(first, rest);
        return;
      default:
        this.loopControl(first, rest, open);
    }
  }

  private openBlock(keyword: Token, rest: Cursor): void {
    const block: Block = { keyword: keyword.text, open: keyword, elseSeen: false, variables: new Set() };
    this.blocks.push(block);
    this.pipeline(rest, keyword.text === 'range', `missing value for ${keyword.text}`);
  }

  /** `else`, or `else if` / `else with` chaining, which share the block's single `end`. */
  private elseBranch(keyword: Token, rest: Cursor): void {
    const block = this.blocks.at(-1);
    if (!block || !['if', 'with', 'range'].includes(block.keyword)) {
      fail('{{ else }} outside if, with or range', keyword.from, keyword.to);
    }
    if (block.elseSeen) fail(`a second {{ else }} in one ${block.keyword}`, keyword.from, keyword.to);
    const chained = rest.peek();
    if (chained?.kind === 'keyword' && (chained.text === 'if' || chained.text === 'with') && block.keyword === chained.text) {
      rest.next();
      this.pipeline(rest, false, `missing value for else ${chained.text}`);
      return;
    }
    block.elseSeen = true;
    rest.expectEnd('else');
  }

  private closeBlock(keyword: Token, rest: Cursor): void {
    if (!this.blocks.pop()) fail('{{ end }} without an open if, range, with, define or block', keyword.from, keyword.to);
    rest.expectEnd('end');
  }

  /** `define` and `block` name a template; `block` also runs it with a pipeline. Either starts a fresh scope. */
  private definition(keyword: Token, rest: Cursor): void {
    if (keyword.text === 'define' && this.blocks.length > 0) fail('{{ define }} inside another block', keyword.from, keyword.to);
    templateName(keyword, rest);
    const block: Block = { keyword: keyword.text, open: keyword, elseSeen: false, variables: new Set() };
    if (keyword.text === 'block') {
      this.pipeline(rest, false, 'missing value for block');
      this.blocks.push(block);
    } else {
      this.blocks.push(block);
      rest.expectEnd('define');
    }
  }

  private templateCall(keyword: Token, rest: Cursor): void {
    templateName(keyword, rest);
    if (rest.peek()) this.pipeline(rest, false);
  }

  private loopControl(keyword: Token, rest: Cursor, open: number): void {
    if (keyword.text !== 'break' && keyword.text !== 'continue') fail(`unexpected ${keyword.text}`, keyword.from, keyword.to);
    if (!this.blocks.some((b) => b.keyword === 'range')) fail(`{{ ${keyword.text} }} outside {{ range }}`, open, keyword.to);
    rest.expectEnd(keyword.text);
  }

  /** `[$x :=] command | command ...`; `range` alone may declare two variables. */
  private pipeline(cursor: Cursor, inRange: boolean, missing = 'missing value for command'): void {
    this.declaration(cursor, inRange);
    const start = cursor.peek();
    if (!start || start.kind === ')') fail(missing, start?.from ?? cursor.end, start?.to ?? cursor.end);
    for (let stage = 1; ; stage++) {
      const command = cursor.peek();
      if (!command || command.kind === '|' || command.kind === ')') {
        fail('missing command in pipeline', command?.from ?? cursor.end, command?.to ?? cursor.end);
      }
      if (stage > 1 && (command.kind === 'literal' || command.kind === 'dot')) {
        fail(`${command.text} cannot take the piped value (pipeline stage ${stage})`, command.from, command.to);
      }
      this.command(cursor);
      if (cursor.peek()?.kind !== '|') return;
      cursor.next();
    }
  }

  private declaration(cursor: Cursor, inRange: boolean): void {
    const names = cursor.declaredVariables(inRange);
    if (!names) return;
    const assign = cursor.next() as Token;
    for (const name of names) {
      if (assign.kind === '=' && !this.isDefined(name.text)) fail(`undefined variable ${name.text}`, name.from, name.to);
      if (assign.kind === ':=') this.scope().add(rootVariable(name.text));
    }
  }

  private command(cursor: Cursor): void {
    for (let token = cursor.peek(); token && token.kind !== '|' && token.kind !== ')'; token = cursor.peek()) {
      this.operand(cursor);
    }
    const stray = cursor.peek();
    if (stray?.kind === ')' && cursor.depth === 0) fail('unexpected ) in action', stray.from, stray.to);
  }

  private operand(cursor: Cursor): void {
    const token = cursor.next() as Token;
    switch (token.kind) {
      case 'identifier':
        if (!TEMPLATE_FUNCTIONS.has(token.text)) fail(`function "${token.text}" not defined`, token.from, token.to);
        return;
      case 'variable':
        if (!this.isDefined(token.text)) fail(`undefined variable ${rootVariable(token.text)}`, token.from, token.to);
        return;
      case '(':
        this.parenthesized(cursor, token);
        return;
      case 'field':
      case 'literal':
      case 'dot':
        return;
      default:
        fail(`unexpected ${token.text} in operand`, token.from, token.to);
    }
  }

  private parenthesized(cursor: Cursor, open: Token): void {
    cursor.depth++;
    this.pipeline(cursor, false);
    const close = cursor.next();
    if (close?.kind !== ')') fail('unclosed left parenthesis', open.from, open.to);
    cursor.depth--;
  }

  private scope(): Set<string> {
    return this.blocks.at(-1)?.variables ?? this.topVariables;
  }

  /** Variables declared in enclosing blocks are visible; a define or block sees only `$`. */
  private isDefined(variable: string): boolean {
    const name = rootVariable(variable);
    for (let i = this.blocks.length - 1; i >= 0; i--) {
      const block = this.blocks[i] as Block;
      if (block.variables.has(name)) return true;
      if (block.keyword === 'define' || block.keyword === 'block') return name === '$';
    }
    return this.topVariables.has(name);
  }
}

function templateName(keyword: Token, rest: Cursor): void {
  const name = rest.next();
  if (name?.kind !== 'literal' || !/^["`]/.test(name.text)) {
    fail(`{{ ${keyword.text} }} needs a quoted template name`, keyword.from, name?.to ?? keyword.to);
  }
}

/** `$labels.instance` reads the variable `$labels`. */
function rootVariable(text: string): string {
  return text.split('.')[0] ?? text;
}

class Cursor {
  private index = 0;
  depth = 0;

  constructor(
    private readonly tokens: readonly Token[],
    /** Where the action ends, for problems at its end. */
    readonly end: number,
  ) {}

  peek(offset = 0): Token | undefined {
    return this.tokens[this.index + offset];
  }

  next(): Token | undefined {
    return this.tokens[this.index++];
  }

  /** The variables of a `$x :=`, `$x =` or `$i, $x :=` about to be read, leaving the cursor on the operator. */
  declaredVariables(inRange: boolean): Token[] | undefined {
    const first = this.peek();
    if (first?.kind !== 'variable' || first.text.includes('.')) return undefined;
    if (this.peek(1)?.kind === ':=' || this.peek(1)?.kind === '=') {
      this.index += 1;
      return [first];
    }
    const second = this.peek(2);
    if (inRange && this.peek(1)?.kind === ',' && second?.kind === 'variable' && this.peek(3)?.kind === ':=') {
      this.index += 3;
      return [first, second];
    }
    return undefined;
  }

  expectEnd(after: string): void {
    const extra = this.peek();
    if (extra) fail(`unexpected ${extra.text} after ${after}`, extra.from, extra.to);
  }
}

function isSpace(c: string | undefined): boolean {
  return c === ' ' || c === '\t' || c === '\r' || c === '\n';
}

const NUMBER =
  /[+-]?(?:0[xX][\da-fA-F_]+(?:\.[\da-fA-F_]*)?(?:[pP][+-]?\d+)?|0[oObB][\d_]+|(?:\d[\d_]*(?:\.[\d_]*)?|\.\d[\d_]*)(?:[eE][+-]?\d+)?)i?/y;
const WORD = /[\p{L}\d_]+/uy;
const CHAIN = /(?:\.[\p{L}\d_]+)*/uy;

/**
 * Tokens of the action starting at `start` (after `{{` and any trim marker), up to its `}}` or ` -}}`.
 * `open` is where the action began, for the unclosed-action problem.
 */
function lexAction(text: string, start: number, open: number): { tokens: Token[]; end: number } {
  const tokens: Token[] = [];
  let i = start;
  for (;;) {
    while (isSpace(text[i])) {
      if (text[i + 1] === '-' && text.startsWith('}}', i + 2)) return { tokens, end: i + 4 };
      i++;
    }
    if (i >= text.length) fail('unclosed action: no }}', open, text.length);
    if (text.startsWith('}}', i)) return { tokens, end: i + 2 };
    const token = lexToken(text, i);
    tokens.push(token);
    i = token.to;
  }
}

function lexToken(text: string, at: number): Token {
  const c = text[at] ?? '';
  const make = (kind: TokenKind, to: number): Token => ({ kind, text: text.slice(at, to), from: at, to });
  if (c === '"' || c === "'") return make('literal', quotedEnd(text, at));
  if (c === '`') {
    const close = text.indexOf('`', at + 1);
    if (close === -1) fail('unterminated raw string', at, text.length);
    return make('literal', close + 1);
  }
  if (text.startsWith(':=', at)) return make(':=', at + 2);
  if ('()|,='.includes(c)) return make(c as TokenKind, at + 1);
  if (c === '$') return make('variable', matchEnd(CHAIN, text, matchEnd(WORD, text, at + 1, true), true));
  if (c === '.' && !/\d/.test(text[at + 1] ?? '')) {
    const end = matchEnd(CHAIN, text, at, true);
    return end === at ? make('dot', at + 1) : make('field', end);
  }
  if (/[+\-.\d]/.test(c)) return make('literal', numberEnd(text, at));
  const word = matchEnd(WORD, text, at, false);
  if (word === at) fail(`unexpected character ${JSON.stringify(c)} in action`, at, at + 1);
  const name = text.slice(at, word);
  return make(KEYWORDS.has(name) ? 'keyword' : LITERAL_WORDS.has(name) ? 'literal' : 'identifier', word);
}

function quotedEnd(text: string, at: number): number {
  const quote = text[at];
  for (let i = at + 1; i < text.length && text[i] !== '\n'; i++) {
    if (text[i] === '\\') i++;
    else if (text[i] === quote) return i + 1;
  }
  return fail(quote === '"' ? 'unterminated quoted string' : 'unterminated character constant', at, text.length);
}

/** Go's number syntax; a number glued to letters (`3x`) is refused, as Go does. */
function numberEnd(text: string, at: number): number {
  NUMBER.lastIndex = at;
  const match = NUMBER.exec(text);
  if (!match || /^[+-]?$/.test(match[0])) fail(`unexpected character ${JSON.stringify(text[at])} in action`, at, at + 1);
  const end = at + match[0].length;
  if (/[\p{L}\d_.]/u.test(text[end] ?? '')) fail(`bad number syntax: ${JSON.stringify(text.slice(at, end + 1))}`, at, end + 1);
  return end;
}

function matchEnd(pattern: RegExp, text: string, at: number, optional: boolean): number {
  pattern.lastIndex = at;
  const match = pattern.exec(text);
  return match && (optional || match[0] !== '') ? at + match[0].length : at;
}

function words(list: string): string[] {
  return list.trim().split(/\s+/);
}
