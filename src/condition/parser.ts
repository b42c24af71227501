/**
 * The condition grammar (Chevrotain). One parser instance, built once and reused.
 * Precedence: not > and > or. Keywords match whole words only (`notepad_sel` is an identifier).
 */
import {
  createToken,
  EmbeddedActionsParser,
  Lexer,
  type IParserErrorMessageProvider,
  type IToken,
  type TokenType,
} from 'chevrotain';
import type { Condition } from './ast.js';

const Identifier = createToken({
  name: 'Identifier',
  pattern: /[A-Za-z0-9_*][A-Za-z0-9_*.-]*/,
  label: 'an identifier',
});
const kw = (name: string, word: string): TokenType =>
  createToken({ name, pattern: new RegExp(word, 'i'), longer_alt: Identifier, label: `'${word}'` });
const And = kw('And', 'and');
const Or = kw('Or', 'or');
const Not = kw('Not', 'not');
const One = kw('One', '1');
const Any = kw('Any', 'any');
const All = kw('All', 'all');
const Of = kw('Of', 'of');
const Them = kw('Them', 'them');
const LParen = createToken({ name: 'LParen', pattern: /\(/, label: "'('" });
const RParen = createToken({ name: 'RParen', pattern: /\)/, label: "')'" });
const WhiteSpace = createToken({ name: 'WhiteSpace', pattern: /\s+/, group: Lexer.SKIPPED });

const allTokens = [WhiteSpace, LParen, RParen, And, Or, Not, One, Any, All, Of, Them, Identifier];
// Built on first use. safeMode and skipValidations: conditions are short, and the token set is
// fixed and checked by the tests, so the lexer's start-up analysis (about 15 ms) is not worth it.
let lexer: Lexer | undefined;
const lexerConfig = { positionTracking: 'onlyOffset', safeMode: true, skipValidations: true } as const;

/** Lists what was expected, e.g. `'not', '(' or an identifier`. */
function expected(tokens: readonly TokenType[]): string {
  const names = [...new Set(tokens.map((t) => t.LABEL ?? t.name))];
  return names.length <= 1
    ? (names[0] ?? '')
    : `${names.slice(0, -1).join(', ')} or ${names[names.length - 1]}`;
}

// The parser's messages are only the expected part; parseCondition adds what was found.
const messages: IParserErrorMessageProvider = {
  buildMismatchTokenMessage: ({ expected: e }) => expected([e]),
  buildNotAllInputParsedMessage: () => "'and', 'or' or end of condition",
  buildNoViableAltMessage: ({ expectedPathsPerAlt }) =>
    expected(expectedPathsPerAlt.flatMap((alt) => alt.map((path) => path[0]))),
  buildEarlyExitMessage: ({ expectedIterationPaths }) =>
    expected(expectedIterationPaths.map((path) => path[0])),
};

class ConditionParser extends EmbeddedActionsParser {
  constructor() {
    super(allTokens, { recoveryEnabled: false, errorMessageProvider: messages, skipValidations: true });
    this.performSelfAnalysis();
  }

  public expression = this.RULE('expression', (): Condition => {
    const children: Condition[] = [this.SUBRULE(this.andExpr)];
    this.MANY(() => {
      this.CONSUME(Or);
      children.push(this.SUBRULE2(this.andExpr));
    });
    return children.length === 1 ? children[0] : { kind: 'or', children };
  });

  private andExpr = this.RULE('andExpr', (): Condition => {
    const children: Condition[] = [this.SUBRULE(this.notExpr)];
    this.MANY(() => {
      this.CONSUME(And);
      children.push(this.SUBRULE2(this.notExpr));
    });
    return children.length === 1 ? children[0] : { kind: 'and', children };
  });

  private notExpr = this.RULE('notExpr', (): Condition => {
    return this.OR([
      {
        ALT: () => {
          this.CONSUME(Not);
          const child = this.SUBRULE(this.notExpr);
          return { kind: 'not', child } as Condition;
        },
      },
      { ALT: () => this.SUBRULE(this.atom) },
    ]);
  });

  private atom = this.RULE('atom', (): Condition => {
    return this.OR([
      {
        ALT: () => {
          this.CONSUME(LParen);
          const e = this.SUBRULE(this.expression);
          this.CONSUME(RParen);
          return e;
        },
      },
      { ALT: () => this.SUBRULE(this.quantified) },
      {
        ALT: () => {
          const t = this.CONSUME(Identifier);
          return { kind: 'ref', name: t.image, offset: t.startOffset } as Condition;
        },
      },
    ]);
  });

  private quantified = this.RULE('quantified', (): Condition => {
    const q = this.OR([
      { ALT: () => this.CONSUME(One) },
      { ALT: () => this.CONSUME(Any) },
      { ALT: () => this.CONSUME(All) },
    ]);
    this.CONSUME(Of);
    const target = this.OR2([{ ALT: () => this.CONSUME(Them) }, { ALT: () => this.CONSUME(Identifier) }]);
    return {
      kind: 'of',
      quantifier: q.tokenType === All ? 'all' : 'one',
      target: target.tokenType === Them ? 'them' : target.image,
      offset: q.startOffset,
    } as Condition;
  });
}

let parser: ConditionParser | undefined;

export const CONDITION_LIMITS = {
  /**
   * Deepest nesting of parentheses and `not` in a condition (SigmaHQ's deepest is under 10). The
   * parser, the IR build and every later stage recurse on the tree: a limit here, checked before
   * parsing, keeps them all far from the stack's end (see also LIMITS in src/rule/load.ts).
   */
  depth: 64,
};

/**
 * The offset of the token where the condition's nesting passes the limit, else undefined. The
 * nesting is the parse tree's: one level per open parenthesis and per `not` whose operand is
 * not finished. A run of `not`s before an identifier ends with it; before `(`, with its `)`.
 */
function tooDeep(tokens: readonly IToken[]): number | undefined {
  // Per open parenthesis level, the `not`s waiting for their operand.
  const pending: number[] = [0];
  let depth = 0;
  for (const t of tokens) {
    const type = t.tokenType;
    if (type === Not) {
      pending[pending.length - 1]++;
      depth++;
    } else if (type === LParen) {
      pending.push(0);
      depth++;
    } else if (type === RParen) {
      if (pending.length === 1) continue; // unbalanced: the parser reports it
      depth -= pending.pop()! + 1;
      depth -= pending[pending.length - 1];
      pending[pending.length - 1] = 0;
    } else if (type === Identifier || type === Them) {
      depth -= pending[pending.length - 1];
      pending[pending.length - 1] = 0;
    }
    if (depth > CONDITION_LIMITS.depth) return t.startOffset;
  }
  return undefined;
}

export type ParseResult =
  | { ok: true; condition: Condition }
  | {
      ok: false;
      message: string;
      offset: number;
      code: 'condition-syntax' | 'legacy-aggregation' | 'too-deep';
    };

/** Parsed conditions by text: most rules share a few dozen conditions (results are immutable). */
const cache = new Map<string, ParseResult>();
const CACHE_MAX = 10_000;

/** Parses a condition string. */
export function parseCondition(text: string): ParseResult {
  let r = cache.get(text);
  if (r === undefined) {
    r = oneName(text) ?? parseUncached(text);
    if (cache.size >= CACHE_MAX) cache.clear();
    cache.set(text, r);
  }
  return r;
}

/**
 * A condition that is one name (`condition: selection`, most rules) reads as the grammar reads
 * it without building the lexer and parser (about 25 ms, a tenth of a one-rule run): the
 * Identifier token's pattern, surrounded by white space, and not a keyword.
 */
const ONE_NAME = /^(\s*)([A-Za-z0-9_*][A-Za-z0-9_*.-]*)\s*$/;
const KEYWORD = /^(?:and|or|not|1|any|all|of|them)$/i;

function oneName(text: string): ParseResult | undefined {
  const m = ONE_NAME.exec(text);
  if (m === null || KEYWORD.test(m[2])) return undefined;
  return { ok: true, condition: { kind: 'ref', name: m[2], offset: m[1].length } };
}

/** The grammar's reading of a condition, without the one-name shortcut or the cache (for tests). */
export function parseConditionWithParser(text: string): ParseResult {
  return parseUncached(text);
}

function parseUncached(text: string): ParseResult {
  const pipe = text.indexOf('|');
  if (pipe !== -1)
    return {
      ok: false,
      code: 'legacy-aggregation',
      offset: pipe,
      message: `legacy aggregation '${text.slice(pipe).trim()}': rewrite as a correlation rule`,
    };
  const near = /\bnear\b/i.exec(text);
  if (near)
    return {
      ok: false,
      code: 'legacy-aggregation',
      offset: near.index,
      message: "legacy aggregation 'near': rewrite as a temporal correlation rule",
    };
  lexer ??= new Lexer(allTokens, lexerConfig);
  const lexed = lexer.tokenize(text);
  if (lexed.errors.length > 0) {
    const e = lexed.errors[0];
    return {
      ok: false,
      code: 'condition-syntax',
      offset: e.offset,
      message: `unexpected character '${text[e.offset]}'`,
    };
  }
  if (lexed.tokens.length === 0)
    return { ok: false, code: 'condition-syntax', offset: 0, message: 'empty condition' };
  const deep = tooDeep(lexed.tokens);
  if (deep !== undefined)
    return {
      ok: false,
      code: 'too-deep',
      offset: deep,
      message: `the condition nests more than ${CONDITION_LIMITS.depth} levels of parentheses and 'not'`,
    };
  parser ??= new ConditionParser();
  parser.input = lexed.tokens;
  const condition = parser.expression();
  if (parser.errors.length > 0) {
    const e = parser.errors[0];
    const tok: IToken = e.token;
    const atEnd = tok.tokenType.name === 'EOF' || Number.isNaN(tok.startOffset);
    const offset = atEnd ? text.length : tok.startOffset;
    const found = atEnd ? 'end of condition' : `'${tok.image}'`;
    return {
      ok: false,
      code: 'condition-syntax',
      offset,
      message: `unexpected ${found}${e.message ? `; expected ${e.message}` : ''}`,
    };
  }
  return { ok: true, condition };
}
