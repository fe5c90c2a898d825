/**
 * Go text/template's parser (text/template/parse), for verdicts: whether Go would parse a template, and if
 * not, the first problem, with its offset and a message close to Go's. It follows Go's grammar step by step
 * (three-token look-ahead over a token stream that keeps spaces, variable scopes that end at `{{end}}`,
 * `define` and `block` as separate trees), so that it agrees with Go on every case of Go's own parser tests.
 * The function set is a parameter: Prometheus's alert templates and Go's tests register different ones.
 */
import { charProblem, complexProblem, numberProblem, stringProblem } from './go-literals.js';
import {
  describe,
  fail,
  Lexer,
  TemplateError,
  type Item,
  type ItemType,
  type TemplateProblem,
} from './go-template-lexer.js';

export type { TemplateProblem } from './go-template-lexer.js';

/** Go's text/template builtins (text/template/funcs.go), which every template may call. */
export const GO_BUILTIN_FUNCTIONS: readonly string[] = [
  'and', 'call', 'html', 'index', 'slice', 'js', 'len', 'not', 'or', 'print', 'printf', 'println', 'urlquery',
  'eq', 'ge', 'gt', 'le', 'lt', 'ne',
];

export interface TemplateParseOptions {
  /** Every function the template may call, builtins included. */
  readonly functions: ReadonlySet<string>;
  /** The top-level template's name; a `{{define}}` of the same name clashes with it. */
  readonly name?: string;
}

/** The first problem Go's parser has with the template, or undefined when it parses. */
export function goTemplateProblem(text: string, options: TemplateParseOptions): TemplateProblem | undefined {
  try {
    new TemplateParser(text, options).parse();
    return undefined;
  } catch (error) {
    if (error instanceof TemplateError) return error.problem;
    throw error;
  }
}

/** What the parser needs of a node: its kind, and for text whether it is blank (an empty template may be redefined). */
type NodeKind = 'text' | 'blankText' | 'action' | 'if' | 'range' | 'with' | 'template' | 'break' | 'continue';

/** An `{{end}}` or `{{else}}`, which closes a list rather than joining it. */
interface ControlEnd {
  readonly kind: 'end' | 'else';
  readonly item: Item;
}

/** The first argument of a command; only a pipeline's first command may start with a constant. */
interface FirstArgument {
  readonly item: Item;
  readonly executable: boolean;
}

/** One template tree: the top level, a `{{define}}` or a `{{block}}`, sharing the token stream and the set of names. */
class Tree {
  /** Variables visible now; `$` always. Popped at the `{{end}}` of the control that declared them. */
  private vars: string[] = ['$'];
  private rangeDepth = 0;

  constructor(
    private readonly parser: TemplateParser,
    public name: string,
  ) {}

  /** The top level: text and actions, `{{define}}` only here, up to the end of input. */
  parseTop(): void {
    const p = this.parser;
    const nodes: NodeKind[] = [];
    while (p.peek().type !== 'eof') {
      if (p.peek().type === 'leftDelim') {
        const delim = p.next();
        const keyword = p.nextNonSpace();
        if (keyword.type === 'define') {
          new Tree(p, 'definition').parseDefinition(keyword);
          continue;
        }
        p.backup2(delim);
      }
      const node = this.textOrAction();
      if (isControlEnd(node)) fail(`unexpected {{${node.kind}}}`, node.item.pos, node.item.pos + node.item.val.length);
      nodes.push(node);
    }
    p.define(this.name, nodes, 0);
  }

  private parseDefinition(keyword: Item): void {
    const p = this.parser;
    const name = p.expectOneOf('string', 'rawString', 'define clause');
    this.name = templateName(name);
    p.expect('rightDelim', 'define clause');
    const { nodes, end } = this.itemList(keyword);
    if (end.kind !== 'end') unexpectedControl(end, 'define clause');
    p.define(this.name, nodes, name.pos);
  }

  /** Text and actions up to an `{{end}}` or `{{else}}`, which is returned apart; `opener` is the keyword they close. */
  private itemList(opener: Item): { nodes: NodeKind[]; end: ControlEnd } {
    const p = this.parser;
    const nodes: NodeKind[] = [];
    while (p.peekNonSpace().type !== 'eof') {
      const node = this.textOrAction();
      if (isControlEnd(node)) return { nodes, end: node };
      nodes.push(node);
    }
    return fail(`unexpected EOF: {{${opener.val}}} is never closed by {{end}}`, opener.pos, opener.pos + opener.val.length);
  }

  private textOrAction(): NodeKind | ControlEnd {
    const p = this.parser;
    const item = p.nextNonSpace();
    if (item.type === 'text') return item.val.trim() === '' ? 'blankText' : 'text';
    if (item.type === 'leftDelim') return this.action();
    return p.unexpected(item, 'input');
  }

  private action(): NodeKind | ControlEnd {
    const p = this.parser;
    const item = p.nextNonSpace();
    switch (item.type) {
      case 'block':
        return this.blockControl(item);
      case 'break':
      case 'continue':
        return this.loopControl(item);
      case 'else':
        return this.elseControl(item);
      case 'end':
        p.expect('rightDelim', 'end');
        return { kind: 'end', item };
      case 'if':
      case 'range':
      case 'with':
        return this.control(item);
      case 'template':
        return this.templateControl();
    }
    p.backup();
    this.pipeline('command', 'rightDelim');
    return 'action';
  }

  private loopControl(keyword: Item): NodeKind {
    const p = this.parser;
    const item = p.nextNonSpace();
    if (item.type !== 'rightDelim') p.unexpected(item, `{{${keyword.val}}}`);
    if (this.rangeDepth === 0) fail(`{{${keyword.val}}} outside {{range}}`, keyword.pos, keyword.pos + keyword.val.length);
    return keyword.type === 'break' ? 'break' : 'continue';
  }

  /** `{{else}}`, or the `else` of `{{else if ...}}` / `{{else with ...}}`, leaving the `if` or `with` to its control. */
  private elseControl(keyword: Item): ControlEnd {
    const p = this.parser;
    const next = p.peekNonSpace();
    if (next.type !== 'if' && next.type !== 'with') p.expect('rightDelim', 'else');
    return { kind: 'else', item: keyword };
  }

  /** `{{if|range|with pipeline}} list [{{else}} list] {{end}}`; variables declared inside end with it. */
  private control(keyword: Item): NodeKind {
    const p = this.parser;
    const context = keyword.type as 'if' | 'range' | 'with';
    const declared = this.vars.length;
    this.pipeline(context, 'rightDelim');
    if (context === 'range') this.rangeDepth++;
    let { end } = this.itemList(keyword);
    if (context === 'range') this.rangeDepth--;
    if (end.kind === 'else') {
      // `{{if a}}x{{else if b}}y{{end}}` is `{{if a}}x{{else}}{{if b}}y{{end}}{{end}}`: one {{end}} closes both.
      if (context !== 'range' && p.peek().type === context) {
        this.control(p.next());
      } else {
        end = this.itemList(keyword).end;
        if (end.kind !== 'end') fail('expected end; found {{else}}', end.item.pos, end.item.pos + end.item.val.length);
      }
    }
    this.vars.length = declared;
    return context;
  }

  private blockControl(keyword: Item): NodeKind {
    const p = this.parser;
    const name = p.nextNonSpace();
    const blockName = this.templateName(name, 'block clause');
    this.pipeline('block clause', 'rightDelim');
    const block = new Tree(p, blockName);
    const { nodes, end } = block.itemList(keyword);
    if (end.kind !== 'end') unexpectedControl(end, 'block clause');
    p.define(blockName, nodes, name.pos);
    return 'template';
  }

  private templateControl(): NodeKind {
    const p = this.parser;
    this.templateName(p.nextNonSpace(), 'template clause');
    if (p.nextNonSpace().type !== 'rightDelim') {
      p.backup();
      this.pipeline('template clause', 'rightDelim');
    }
    return 'template';
  }

  private templateName(item: Item, context: string): string {
    if (item.type !== 'string' && item.type !== 'rawString') return this.parser.unexpected(item, context);
    return templateName(item);
  }

  /** `[declarations] command ('|' command)*` up to `end` (`}}`, or `)` inside parentheses). */
  private pipeline(context: string, end: 'rightDelim' | 'rightParen'): void {
    const p = this.parser;
    const start = p.peekNonSpace();
    const declarations: string[] = [];
    for (;;) {
      const variable = p.peekNonSpace();
      if (variable.type !== 'variable') break;
      p.next();
      // Spaces are tokens, so telling `$x := 1` from `$x arg` takes three tokens of look-ahead.
      const afterVariable = p.peek();
      const next = p.peekNonSpace();
      if (next.type === 'assign' || next.type === 'declare') {
        p.nextNonSpace();
        declarations.push(variable.val);
        this.vars.push(variable.val);
        break;
      }
      if (next.type === 'char' && next.val === ',') {
        p.nextNonSpace();
        declarations.push(variable.val);
        this.vars.push(variable.val);
        if (context === 'range' && declarations.length < 2) {
          const following = p.peekNonSpace().type;
          if (following === 'variable' || following === 'rightDelim' || following === 'rightParen') continue;
          fail('range can only initialize variables', next.pos, next.pos + 1);
        }
        fail(`too many declarations in ${context}`, variable.pos, next.pos + 1);
      }
      if (afterVariable.type === 'space') p.backup3(variable, afterVariable);
      else p.backup2(variable);
      break;
    }
    const commands: FirstArgument[] = [];
    for (;;) {
      const item = p.nextNonSpace();
      if (item.type === end) {
        if (commands.length === 0) fail(`missing value for ${context}`, start.pos, item.pos + item.val.length);
        const stage = commands.findIndex((c, i) => i > 0 && !c.executable);
        const constant = commands[stage]?.item;
        if (constant) fail(`non executable command in pipeline stage ${stage + 1}`, constant.pos, constant.pos + constant.val.length);
        return;
      }
      if (!STARTS_OPERAND.has(item.type)) p.unexpected(item, context);
      p.backup();
      commands.push(this.command());
    }
  }

  /** Space-separated operands up to `|` (consumed), `}}` or `)` (left for the pipeline). */
  private command(): FirstArgument {
    const p = this.parser;
    const start = p.peekNonSpace();
    let first: FirstArgument | undefined;
    for (;;) {
      p.peekNonSpace();
      const operand = this.operand();
      first ??= operand;
      const item = p.next();
      if (item.type === 'space') continue;
      if (item.type === 'rightDelim' || item.type === 'rightParen') p.backup();
      else if (item.type !== 'pipe') p.unexpected(item, 'operand');
      break;
    }
    if (first === undefined) fail('empty command', start.pos, start.pos + start.val.length);
    return first;
  }

  /** A term, and field accesses on it: `.X.Y`, `$x.Y`, `(pipeline).Y`; a field of a constant is refused. */
  private operand(): FirstArgument | undefined {
    const p = this.parser;
    const term = this.term();
    if (term === undefined) return undefined;
    const executable = !NON_EXECUTABLE.has(term.type);
    if (p.peek().type !== 'field') return { item: term, executable };
    if (!executable) fail(`unexpected . after term ${JSON.stringify(term.val)}`, term.pos, p.peek().pos + p.peek().val.length);
    while (p.peek().type === 'field') p.next();
    return { item: term, executable };
  }

  /** A literal, function, `.`, field, variable or parenthesized pipeline; undefined (nothing read) otherwise. */
  private term(): Item | undefined {
    const p = this.parser;
    const item = p.nextNonSpace();
    const at = (problem: string | undefined): void => {
      if (problem) fail(problem, item.pos, item.pos + item.val.length);
    };
    switch (item.type) {
      case 'identifier':
        if (!p.functions.has(item.val)) at(`function ${JSON.stringify(item.val)} not defined`);
        return item;
      case 'variable':
        this.useVariable(item);
        return item;
      case 'number':
        at(numberProblem(item.val));
        return item;
      case 'complex':
        at(complexProblem(item.val));
        return item;
      case 'charConstant':
        at(charProblem(item.val));
        return item;
      case 'string':
      case 'rawString':
        at(stringProblem(item.val));
        return item;
      case 'leftParen':
        this.pipeline('parenthesized pipeline', 'rightParen');
        return item;
      case 'dot':
      case 'nil':
      case 'field':
      case 'bool':
        return item;
    }
    p.backup();
    return undefined;
  }

  private useVariable(item: Item): void {
    if (!this.vars.includes(item.val)) fail(`undefined variable ${JSON.stringify(item.val)}`, item.pos, item.pos + item.val.length);
  }
}

/** Tokens a command may start with. */
const STARTS_OPERAND: ReadonlySet<ItemType> = new Set<ItemType>([
  'bool', 'charConstant', 'complex', 'dot', 'field', 'identifier', 'number', 'nil', 'rawString', 'string', 'variable', 'leftParen',
]);
/** Terms Go refuses a field access on, and as a later pipeline stage (`. | 12`: a constant cannot take the piped value). */
const NON_EXECUTABLE: ReadonlySet<ItemType> = new Set<ItemType>(['bool', 'charConstant', 'complex', 'dot', 'nil', 'number', 'rawString', 'string']);

function isControlEnd(node: NodeKind | ControlEnd): node is ControlEnd {
  return typeof node === 'object';
}

function unexpectedControl(end: ControlEnd, context: string): never {
  return fail(`unexpected {{${end.kind}}} in ${context}`, end.item.pos, end.item.pos + end.item.val.length);
}

function templateName(item: Item): string {
  const problem = stringProblem(item.val);
  if (problem) fail(problem, item.pos, item.pos + item.val.length);
  return item.val.startsWith('`') ? item.val.slice(1, -1) : (JSON.parse(item.val) as string);
}

/** The token stream with Go's look-ahead (`peek`, `backup` up to three), and the set of template names. */
class TemplateParser {
  readonly functions: ReadonlySet<string>;
  private readonly lexer: Lexer;
  private readonly token: Item[] = [];
  private peekCount = 0;
  /** Each defined template name, and whether its body is empty (an empty definition may be redefined). */
  private readonly defined = new Map<string, boolean>();

  constructor(
    text: string,
    private readonly options: TemplateParseOptions,
  ) {
    this.functions = options.functions;
    this.lexer = new Lexer(text, { break: !this.functions.has('break'), continue: !this.functions.has('continue') });
  }

  parse(): void {
    new Tree(this, this.options.name ?? 'template').parseTop();
  }

  /** Go's `Tree.add`: a second non-empty template of one name is an error. */
  define(name: string, nodes: readonly NodeKind[], pos: number): void {
    const empty = nodes.every((n) => n === 'blankText');
    const existing = this.defined.get(name);
    if (existing === undefined || existing) {
      this.defined.set(name, empty);
      return;
    }
    if (!empty) fail(`template: multiple definition of template ${JSON.stringify(name)}`, pos, pos);
  }

  next(): Item {
    if (this.peekCount > 0) this.peekCount--;
    else this.token[0] = this.lexer.next();
    return this.token[this.peekCount]!;
  }

  backup(): void {
    this.peekCount++;
  }

  backup2(t1: Item): void {
    this.token[1] = t1;
    this.peekCount = 2;
  }

  backup3(t2: Item, t1: Item): void {
    this.token[1] = t1;
    this.token[2] = t2;
    this.peekCount = 3;
  }

  peek(): Item {
    if (this.peekCount > 0) return this.token[this.peekCount - 1]!;
    this.peekCount = 1;
    this.token[0] = this.lexer.next();
    return this.token[0];
  }

  nextNonSpace(): Item {
    let item: Item;
    do item = this.next();
    while (item.type === 'space');
    return item;
  }

  peekNonSpace(): Item {
    const item = this.nextNonSpace();
    this.backup();
    return item;
  }

  expect(type: ItemType, context: string): Item {
    const item = this.nextNonSpace();
    if (item.type !== type) this.unexpected(item, context);
    return item;
  }

  expectOneOf(first: ItemType, second: ItemType, context: string): Item {
    const item = this.nextNonSpace();
    if (item.type !== first && item.type !== second) this.unexpected(item, context);
    return item;
  }

  unexpected(item: Item, context: string): never {
    return fail(`unexpected ${describe(item)} in ${context}`, item.pos, item.pos + Math.max(item.val.length, 1));
  }
}
