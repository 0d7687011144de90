// The .flow grammar: a chevrotain CstParser with error recovery. Pure syntax: no actions;
// grammar/cst-to-ast.ts turns the CST into the AST of grammar/ast.ts.
import type { CstNode, IParserErrorMessageProvider, IToken } from 'chevrotain';
import { CstParser } from './chevrotain.js';
import * as T from './tokens.js';

/**
 * Parser errors carry a JSON payload instead of prose; grammar/parse-errors.ts turns each into a
 * diagnostic in the user's terms (with the enclosing call or block named).
 */
export interface ErrorPayload {
  k: 'mismatch' | 'noviable' | 'earlyexit' | 'notall';
  rule: string;
  /** token type name expected by a mismatch */
  expected?: string;
}
const jsonMessages: IParserErrorMessageProvider = {
  buildMismatchTokenMessage: ({ expected, ruleName }) =>
    JSON.stringify({ k: 'mismatch', rule: ruleName, expected: expected.name }),
  buildNotAllInputParsedMessage: ({ ruleName }) => JSON.stringify({ k: 'notall', rule: ruleName }),
  buildNoViableAltMessage: ({ ruleName }) => JSON.stringify({ k: 'noviable', rule: ruleName }),
  buildEarlyExitMessage: ({ ruleName }) => JSON.stringify({ k: 'earlyexit', rule: ruleName }),
};

/**
 * chevrotain's in-repetition recovery re-enters the repetition recursively once per skipped stretch
 * (`=;=;=;...` nests one level per `=`), so a long run of recoverable errors overflows the stack.
 * Past this many nested recoveries the repetition just ends; parse.ts reports the rest (FC128).
 */
export const MAX_NESTED_RECOVERIES = 300;

type RecoveryFn = (this: FlowParser, ...args: unknown[]) => void;

export class FlowParser extends CstParser {
  /** the source text of the tokens being parsed (set by parse.ts; used by the line-break gate) */
  source = '';
  /** in-repetition recoveries now on the stack */
  private recoveries = 0;
  /** set when a recovery was refused (MAX_NESTED_RECOVERIES): the chunk was not parsed to its end */
  gaveUp: IToken | undefined;

  /** chevrotain's recovery, bounded (see MAX_NESTED_RECOVERIES); not in chevrotain's typings */
  tryInRepetitionRecovery(...args: unknown[]): void {
    if (this.recoveries >= MAX_NESTED_RECOVERIES) {
      this.gaveUp ??= this.LA(1);
      return;
    }
    this.recoveries++;
    try {
      const base = CstParser.prototype as unknown as { tryInRepetitionRecovery: RecoveryFn };
      base.tryInRepetitionRecovery.apply(this, args);
    } finally {
      this.recoveries--;
    }
  }

  /**
   * An argument or list item may continue on a new line only after a ',' (or right after the
   * opening bracket). So a forgotten ')' ends the list at the line break instead of swallowing
   * the statements that follow.
   */
  private continuesList(): boolean {
    const prev = this.LA(0);
    const next = this.LA(1);
    if (!prev || !Number.isFinite(prev.startOffset) || !Number.isFinite(next.startOffset)) return true;
    const pt = prev.tokenType;
    if (pt === T.Comma || pt === T.LParen || pt === T.LBracket) return true;
    const from = prev.startOffset + prev.image.length;
    const src = this.source;
    // fast path (no slicing): the gap holds no line break at all
    let br = false;
    for (let i = from; i < next.startOffset; i++) {
      const ch = src.charCodeAt(i);
      if (ch === 10 || ch === 13) {
        br = true;
        break;
      }
    }
    if (!br) return true;
    const gap = src.slice(from, next.startOffset);
    return !/[\n\r]/.test(gap.replace(/\/\*[\s\S]*?\*\//g, ' '));
  }

  /**
   * `validate`: run chevrotain's grammar validations (ambiguities, left recursion, ...). The shared
   * instance skips them at start-up; test/grammar/validations.test.ts builds one with them on.
   */
  constructor(opts: { validate?: boolean } = {}) {
    // nodeLocationTracking: cst-to-ast takes every node's span from its location (offsets only)
    super(T.ALL_TOKENS as T.TokenTypeList, {
      recoveryEnabled: true,
      maxLookahead: 3,
      errorMessageProvider: jsonMessages,
      nodeLocationTracking: 'onlyOffset',
      skipValidations: !opts.validate,
    });
    this.performSelfAnalysis();
  }

  // ---------- top level ----------
  public file = this.RULE('file', () => {
    this.MANY(() => this.SUBRULE(this.topItem));
  });

  public topItem = this.RULE('topItem', () => {
    this.OR([
      { ALT: () => this.SUBRULE(this.letDecl) },
      { ALT: () => this.SUBRULE(this.maskDecl) },
      { ALT: () => this.SUBRULE(this.modelDecl) },
      { ALT: () => this.CONSUME(T.Semicolon) },
    ]);
  });

  public letDecl = this.RULE('letDecl', () => {
    this.CONSUME(T.Let);
    this.CONSUME(T.Name);
    this.CONSUME(T.Equals);
    this.SUBRULE(this.expr);
  });

  public maskDecl = this.RULE('maskDecl', () => {
    this.CONSUME(T.Mask);
    this.CONSUME(T.Name);
    this.CONSUME(T.Equals);
    this.SUBRULE(this.expr);
  });

  public modelDecl = this.RULE('modelDecl', () => {
    this.CONSUME(T.Model);
    this.CONSUME(T.Name);
    this.CONSUME(T.LCurly);
    this.MANY(() => this.OR([{ ALT: () => this.SUBRULE(this.modelStmt) }, { ALT: () => this.CONSUME(T.Semicolon) }]));
    this.CONSUME(T.RCurly);
  });

  // ---------- model statements ----------
  public modelStmt = this.RULE('modelStmt', () => {
    this.OR([
      { ALT: () => this.SUBRULE(this.varDecl) },
      { ALT: () => this.SUBRULE(this.orderDecl) },
      { ALT: () => this.SUBRULE(this.maskDecl) },
      { ALT: () => this.SUBRULE(this.slotDecl) },
      { ALT: () => this.SUBRULE(this.flowBlock) },
      { ALT: () => this.SUBRULE(this.posteriorDecl) },
      { ALT: () => this.SUBRULE(this.trainBlock) },
    ]);
  });

  public varDecl = this.RULE('varDecl', () => {
    this.OR([
      { ALT: () => this.CONSUME(T.Data) },
      { ALT: () => this.CONSUME(T.Latent) },
      { ALT: () => this.CONSUME(T.Condition) },
    ]);
    this.CONSUME(T.Name);
    this.CONSUME(T.Colon);
    this.SUBRULE(this.typeExpr);
  });

  public typeExpr = this.RULE('typeExpr', () => {
    this.CONSUME(T.Name);
    this.OPTION(() => this.SUBRULE(this.argList));
    // the shape may be left out only by `condition y: categorical(K)` (one label); the checker says so elsewhere
    this.OPTION2(() => this.SUBRULE(this.listExpr));
  });

  public orderDecl = this.RULE('orderDecl', () => {
    this.CONSUME(T.Order);
    this.SUBRULE(this.expr);
  });

  public slotDecl = this.RULE('slotDecl', () => {
    this.OR([
      { ALT: () => this.CONSUME(T.Prior) },
      { ALT: () => this.CONSUME(T.Likelihood) },
      { ALT: () => this.CONSUME(T.Conditional) },
      { ALT: () => this.CONSUME(T.Encoder) },
      { ALT: () => this.CONSUME(T.Decoder) },
      { ALT: () => this.CONSUME(T.Target) },
    ]);
    this.SUBRULE(this.call);
  });

  public flowBlock = this.RULE('flowBlock', () => {
    this.CONSUME(T.Flow);
    this.OPTION(() => this.SUBRULE(this.argList));
    // blocks of flow/repeat/level are optional in the grammar so that a missing '{ ... }' does not
    // eat the enclosing '}'; cst-to-ast reports it (FC123)
    this.OPTION2(() => this.SUBRULE(this.block));
  });

  public posteriorDecl = this.RULE('posteriorDecl', () => {
    this.CONSUME(T.Posterior);
    this.OR([{ ALT: () => this.SUBRULE(this.flowBlock) }, { ALT: () => this.SUBRULE(this.call) }]);
  });

  public trainBlock = this.RULE('trainBlock', () => {
    this.CONSUME(T.Train);
    this.CONSUME(T.LCurly);
    this.MANY(() =>
      this.OR([
        { ALT: () => this.SUBRULE(this.namedArg) },
        { ALT: () => this.CONSUME(T.Comma) },
        { ALT: () => this.CONSUME(T.Semicolon) },
      ]),
    );
    this.CONSUME(T.RCurly);
  });

  // ---------- layers ----------
  /** `{ layer* }` */
  public block = this.RULE('block', () => {
    this.CONSUME(T.LCurly);
    this.MANY(() =>
      this.OR([
        { ALT: () => this.SUBRULE(this.repeatStmt) },
        { ALT: () => this.SUBRULE(this.levelStmt) },
        { ALT: () => this.SUBRULE(this.call) },
        { ALT: () => this.CONSUME(T.Semicolon) },
      ]),
    );
    this.CONSUME(T.RCurly);
  });

  public repeatStmt = this.RULE('repeatStmt', () => {
    this.CONSUME(T.Repeat);
    // the count is optional in the grammar so that `repeat { ... }` keeps its body in recovery;
    // cst-to-ast reports the missing count (FC122)
    this.OPTION(() =>
      this.OR([{ ALT: () => this.CONSUME(T.NumberLiteral) }, { ALT: () => this.CONSUME(T.Identifier) }]),
    );
    this.OPTION2(() => this.SUBRULE(this.block));
  });

  public levelStmt = this.RULE('levelStmt', () => {
    this.CONSUME(T.Level);
    this.OPTION(() => this.SUBRULE(this.argList));
    this.OPTION2(() => this.SUBRULE(this.block));
  });

  /** a call in statement or slot position: `squeeze`, `coupling(...)`, `pixelcnn { ... }` */
  public call = this.RULE('call', () => {
    this.CONSUME(T.Identifier);
    this.OPTION(() => this.SUBRULE(this.argList));
    this.OPTION2(() => this.SUBRULE(this.block));
  });

  // ---------- arguments and expressions ----------
  /** `( arg, arg, ... )`, trailing comma allowed */
  public argList = this.RULE('argList', () => {
    this.CONSUME(T.LParen);
    this.MANY({
      GATE: () => this.continuesList(),
      DEF: () => {
        this.SUBRULE(this.arg);
        this.OPTION(() => this.CONSUME(T.Comma));
      },
    });
    this.CONSUME(T.RParen);
  });

  public arg = this.RULE('arg', () => {
    this.OR([{ ALT: () => this.SUBRULE(this.namedArg) }, { ALT: () => this.SUBRULE(this.expr) }]);
  });

  public namedArg = this.RULE('namedArg', () => {
    this.CONSUME(T.Name);
    this.CONSUME(T.Colon);
    this.SUBRULE(this.expr);
  });

  public expr = this.RULE('expr', () => {
    this.OR([
      { ALT: () => this.CONSUME(T.NumberLiteral) },
      { ALT: () => this.CONSUME(T.StringLiteral) },
      { ALT: () => this.CONSUME(T.UnterminatedString) },
      { ALT: () => this.CONSUME(T.True) },
      { ALT: () => this.CONSUME(T.False) },
      { ALT: () => this.SUBRULE(this.listExpr) },
      { ALT: () => this.SUBRULE(this.notExpr) },
      { ALT: () => this.SUBRULE(this.nameExpr) },
    ]);
  });

  /** `[ expr, expr, ... ]`, trailing comma allowed */
  public listExpr = this.RULE('listExpr', () => {
    this.CONSUME(T.LBracket);
    this.MANY({
      GATE: () => this.continuesList(),
      DEF: () => {
        this.SUBRULE(this.expr);
        this.OPTION(() => this.CONSUME(T.Comma));
      },
    });
    this.CONSUME(T.RBracket);
  });

  public notExpr = this.RULE('notExpr', () => {
    this.CONSUME(T.Bang);
    this.SUBRULE(this.expr);
  });

  /** a statement keyword used as a bare value must end the value (`split(prior: conditional)`) */
  private keywordValueEnds(): boolean {
    const next = this.LA(2).tokenType;
    return (
      next === T.Comma ||
      next === T.RParen ||
      next === T.RBracket ||
      next === T.RCurly ||
      next === T.Semicolon ||
      next.name === 'EOF'
    );
  }

  /**
   * `name`, `name(args)`, `name { block }`, `name(args) { block }` in value position. A statement
   * keyword is a value only as a bare word before ',' ')' ']' (so an unclosed '(' does not swallow
   * the next `flow { ... }`); `order` and `mask` are ordinary names, as in `maf(hidden: [64], order)`.
   */
  public nameExpr = this.RULE('nameExpr', () => {
    this.OR([
      { ALT: () => this.CONSUME(T.Identifier) },
      { ALT: () => this.CONSUME(T.Order) },
      { ALT: () => this.CONSUME(T.Mask) },
      { ALT: () => this.CONSUME(T.Condition) },
      { GATE: () => this.keywordValueEnds(), ALT: () => this.CONSUME(T.StatementKeyword) },
    ]);
    this.OPTION({ GATE: () => !this.isStatementKeyword(this.LA(0)), DEF: () => this.SUBRULE(this.argList) });
    this.OPTION2({ GATE: () => !this.isStatementKeyword(this.LA(0)), DEF: () => this.SUBRULE(this.block) });
  });

  private isStatementKeyword(t: IToken | undefined): boolean {
    return (
      !!t &&
      T.KEYWORDS.includes(t.tokenType) &&
      t.tokenType !== T.Order &&
      t.tokenType !== T.Mask &&
      t.tokenType !== T.Condition
    );
  }
}

/** the parser is stateful but reusable: one instance per process */
let shared: FlowParser | undefined;
export function flowParser(): FlowParser {
  shared ??= new FlowParser();
  return shared;
}

export type { CstNode };
