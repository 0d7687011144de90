// CST → AST: a typed chevrotain visitor (validateVisitor() runs in the constructor, so a rule
// added to the grammar without a visitor method fails at start-up, in every test).
// Recovered (partial) CST nodes that lack an essential part are dropped, never half-built.
import type { CstNode, IToken } from 'chevrotain';
import type * as A from './ast.js';
import type * as K from './cst-types.js';
import { makeDiagnostic, type Diagnostic } from './diagnostic.js';
import { flowParser } from './parser.js';
import * as C from './syntax-codes.js';
import { describeToken } from './parse-errors.js';

type Children = Record<string, (IToken | CstNode)[] | undefined>;

const isToken = (x: IToken | CstNode): x is IToken => (x as IToken).image !== undefined;
const real = (t: IToken | undefined): t is IToken =>
  t !== undefined && !t.isInsertedInRecovery && Number.isFinite(t.startOffset);

/** [start, end) of a CST node's real tokens, from the location chevrotain tracks while parsing */
function nodeRange(n: CstNode): [number, number] | undefined {
  const loc = n.location;
  if (!loc || !Number.isFinite(loc.startOffset)) return undefined;
  return [loc.startOffset, (loc.endOffset ?? loc.startOffset - 1) + 1];
}

/**
 * [start, end) of the real tokens under a CST node or children object; undefined when none.
 * Nodes carry their location (the parser tracks it, skipping tokens inserted in recovery, whose
 * offsets are NaN), so a children object costs one pass over its direct children.
 */
function rangeOf(x: CstNode | Children): [number, number] | undefined {
  if ('children' in x && 'name' in x) return nodeRange(x as CstNode);
  let lo = Infinity;
  let hi = -Infinity;
  for (const key in x) {
    const list = (x as Children)[key];
    if (!list) continue;
    for (let i = 0; i < list.length; i++) {
      const el = list[i];
      let r: [number, number] | undefined;
      if (isToken(el)) {
        if (!real(el)) continue;
        r = [el.startOffset, el.startOffset + el.image.length];
      } else r = nodeRange(el);
      if (r) {
        if (r[0] < lo) lo = r[0];
        if (r[1] > hi) hi = r[1];
      }
    }
  }
  return lo === Infinity ? undefined : [lo, hi];
}

const first = <T>(xs: T[] | undefined): T | undefined => xs?.[0];

const BaseVisitor = flowParser().getBaseCstVisitorConstructor();

export class CstToAst extends BaseVisitor implements K.ICstNodeVisitor<void, unknown> {
  readonly diagnostics: Diagnostic[] = [];
  /** the nodes being visited, innermost last: a visitor method's ctx is the children of the last one */
  private readonly visiting: CstNode[] = [];

  constructor(
    private readonly text: string,
    private readonly fileName: string,
    private readonly base = 0,
  ) {
    super();
    this.validateVisitor();
  }

  /** chevrotain's visit, keeping the node whose children are being visited (for its location) */
  override visit(node: CstNode | CstNode[], param?: unknown): unknown {
    const n = Array.isArray(node) ? node[0] : node;
    if (n === undefined) return undefined;
    this.visiting.push(n);
    try {
      return (this as unknown as Record<string, (c: unknown, p: unknown) => unknown>)[n.name]!(n.children, param);
    } finally {
      this.visiting.pop();
    }
  }
  /** rangeOf, from the tracked location when `x` is the children of the node being visited */
  private rangeOf(x: CstNode | Children): [number, number] | undefined {
    const top = this.visiting[this.visiting.length - 1];
    return top !== undefined && top.children === x ? nodeRange(top) : rangeOf(x);
  }

  // ---------- helpers ----------
  private span(start: number, end: number): A.Span {
    return { file: this.fileName, start: this.base + start, end: this.base + end };
  }
  private spanOf(x: CstNode | Children): A.Span | undefined {
    const r = this.rangeOf(x);
    return r ? this.span(r[0], r[1]) : undefined;
  }
  private tokSpan(t: IToken): A.Span {
    return this.span(t.startOffset, t.startOffset + t.image.length);
  }
  private name(t: IToken | undefined): A.Name | undefined {
    return real(t) ? { text: t.image, span: this.tokSpan(t) } : undefined;
  }
  private sub<T>(node: CstNode | undefined): T | undefined {
    return node ? (this.visit(node) as T | undefined) : undefined;
  }
  /** visit several kinds of children and return them in source order */
  private ordered<T extends { span: A.Span }>(...lists: (CstNode[] | undefined)[]): T[] {
    const out: T[] = [];
    for (const list of lists)
      for (const n of list ?? []) {
        const v = this.visit(n) as T | undefined;
        if (v) out.push(v);
      }
    out.sort((a, b) => a.span.start - b.span.start);
    this.checkSeparated(out);
    return out;
  }
  /** statements must be separated by a newline or ';', or follow a block's '}' (FC120) */
  private checkSeparated(stmts: { span: A.Span }[]): void {
    for (let i = 1; i < stmts.length; i++) {
      if (this.text[stmts[i - 1].span.end - this.base - 1] === '}') continue;
      const gap = this.text.slice(stmts[i - 1].span.end - this.base, stmts[i].span.start - this.base);
      if (!/[\n\r;]/.test(gap)) {
        const s = stmts[i].span;
        const word = firstWord(this.text.slice(s.start - this.base, s.end - this.base));
        this.diagnostics.push(
          makeDiagnostic(C.SameLineStatements, { ...s, end: s.start + word.length }, { what: `'${word}'` }),
        );
      }
    }
  }
  /** items (args, list elements) must be separated by ',' */
  private checkCommas(items: CstNode[] | undefined, commas: IToken[] | undefined, what: string): void {
    if (!items || items.length < 2) return;
    const commaAt = (commas ?? [])
      .filter(real)
      .map((t) => t.startOffset)
      .sort((a, b) => a - b);
    const ranges = items.map((n) => rangeOf(n)).filter((r): r is [number, number] => !!r);
    let c = 0;
    for (let i = 1; i < ranges.length; i++) {
      const [, prevEnd] = ranges[i - 1];
      const [nextStart, nextEnd] = ranges[i];
      while (c < commaAt.length && commaAt[c] < prevEnd) c++;
      if (!(c < commaAt.length && commaAt[c] < nextStart)) {
        const found = firstWord(this.text.slice(nextStart, nextEnd));
        // `toy(8gaussians)`: a number glued to a name is one word that is not a name; say that, once
        const before = this.text.slice(ranges[i - 1][0], prevEnd);
        if (prevEnd === nextStart && /^\d+$/.test(before) && /^[A-Za-z_]\w*$/.test(found)) {
          const span = this.span(ranges[i - 1][0], nextStart + found.length);
          this.diagnostics.push(makeDiagnostic(C.NameStartsWithDigit, span, { text: before + found }));
          continue;
        }
        this.diagnostics.push(
          makeDiagnostic(C.UnexpectedToken, this.span(nextStart, nextStart + found.length), {
            expected: "','",
            context: `between ${what}`,
            found: describeToken(found),
          }),
        );
      }
    }
  }

  /** what follows offset `end` (local), skipping blanks and comments: for "found ..." in messages */
  private foundAfter(end: number): { span: A.Span; found: string } {
    const rest = this.text.slice(end);
    const skip = /^(?:\s+|\/\/[^\n]*|\/\*[\s\S]*?\*\/)*/.exec(rest)?.[0].length ?? 0;
    const at = end + skip;
    if (at >= this.text.length) return { span: this.span(end, end), found: 'end of file' };
    const word = firstWord(this.text.slice(at));
    return { span: this.span(at, at + word.length), found: describeToken(word) };
  }
  /** FC123 when a block's '{' is missing; returns the body or undefined */
  private requireBlock(block: CstNode | undefined, owner: string, ctx: Children): A.LayerStmt[] | undefined {
    if (block) return this.sub<A.LayerStmt[]>(block);
    const r = this.rangeOf(ctx);
    if (r) {
      const { span, found } = this.foundAfter(r[1]);
      this.diagnostics.push(makeDiagnostic(C.ExpectedBlock, span, { owner, found }));
    }
    return undefined;
  }

  // ---------- top level ----------
  file(ctx: K.FileCstChildren): A.TopLevel[] {
    const out: A.TopLevel[] = [];
    for (const n of ctx.topItem ?? []) {
      const v = this.sub<A.TopLevel>(n);
      if (v) out.push(v);
    }
    return out;
  }
  /** the items of a file parsed in several chunks (see grammar/parse.ts), in source order */
  items(chunks: CstNode[]): A.TopLevel[] {
    const out = chunks.flatMap((c) => (this.visit(c) as A.TopLevel[] | undefined) ?? []);
    out.sort((a, b) => a.span.start - b.span.start);
    this.checkSeparated(out);
    return out;
  }
  topItem(ctx: K.TopItemCstChildren): A.TopLevel | undefined {
    return this.sub(first(ctx.letDecl) ?? first(ctx.maskDecl) ?? first(ctx.modelDecl));
  }
  letDecl(ctx: K.LetDeclCstChildren): A.LetDecl | undefined {
    const name = this.name(first(ctx.Name));
    const value = this.sub<A.Expr>(first(ctx.expr));
    const span = this.spanOf(ctx as Children);
    return name && value && span ? { kind: 'let', name, value, span } : undefined;
  }
  maskDecl(ctx: K.MaskDeclCstChildren): A.MaskDecl | undefined {
    const name = this.name(first(ctx.Name));
    const value = this.sub<A.Expr>(first(ctx.expr));
    const span = this.spanOf(ctx as Children);
    return name && value && span ? { kind: 'mask', name, value, span } : undefined;
  }
  modelDecl(ctx: K.ModelDeclCstChildren): A.ModelDecl | undefined {
    const name = this.name(first(ctx.Name));
    const span = this.spanOf(ctx as Children);
    if (!name || !span || !real(first(ctx.LCurly))) return undefined;
    return { kind: 'model', name, body: this.ordered<A.ModelStmt>(ctx.modelStmt), span };
  }

  // ---------- model statements ----------
  modelStmt(ctx: K.ModelStmtCstChildren): A.ModelStmt | undefined {
    return this.sub(
      first(ctx.varDecl) ??
        first(ctx.orderDecl) ??
        first(ctx.maskDecl) ??
        first(ctx.slotDecl) ??
        first(ctx.flowBlock) ??
        first(ctx.posteriorDecl) ??
        first(ctx.trainBlock),
    );
  }
  varDecl(ctx: K.VarDeclCstChildren): A.VarDecl | undefined {
    const name = this.name(first(ctx.Name));
    const type = this.sub<A.TypeExpr>(first(ctx.typeExpr));
    const span = this.spanOf(ctx as Children);
    const kind = real(first(ctx.Data)) ? 'data' : real(first(ctx.Condition)) ? 'condition' : 'latent';
    return name && type && span ? { kind, name, type, span } : undefined;
  }
  typeExpr(ctx: K.TypeExprCstChildren): A.TypeExpr | undefined {
    const domain = this.name(first(ctx.Name));
    const list = this.sub<A.ListExpr>(first(ctx.listExpr));
    const span = this.spanOf(ctx as Children);
    if (!domain || (ctx.listExpr && !list) || !span) return undefined;
    const domainArgs = ctx.argList ? (this.sub<A.Arg[]>(first(ctx.argList)) ?? []) : [];
    return { kind: 'type', domain, domainArgs, shape: list?.items ?? [], span };
  }
  orderDecl(ctx: K.OrderDeclCstChildren): A.OrderDecl | undefined {
    const value = this.sub<A.Expr>(first(ctx.expr));
    const span = this.spanOf(ctx as Children);
    return value && span ? { kind: 'order', value, span } : undefined;
  }
  slotDecl(ctx: K.SlotDeclCstChildren): A.SlotDecl | undefined {
    const kw = [ctx.Prior, ctx.Likelihood, ctx.Conditional, ctx.Encoder, ctx.Decoder, ctx.Target].map(first).find(real);
    const value = this.sub<A.CallExpr>(first(ctx.call));
    const span = this.spanOf(ctx as Children);
    if (!kw || !value || !span) return undefined;
    return { kind: kw.image as A.SlotDecl['kind'], value, span };
  }
  flowBlock(ctx: K.FlowBlockCstChildren): A.FlowBlock | undefined {
    const body = this.requireBlock(first(ctx.block), "'flow'", ctx as Children);
    const span = this.spanOf(ctx as Children);
    if (!body || !span) return undefined;
    return { kind: 'flow', args: this.sub<A.Arg[]>(first(ctx.argList)) ?? [], body, span };
  }
  posteriorDecl(ctx: K.PosteriorDeclCstChildren): A.PosteriorDecl | undefined {
    const value = this.sub<A.FlowBlock | A.CallExpr>(first(ctx.flowBlock) ?? first(ctx.call));
    const span = this.spanOf(ctx as Children);
    return value && span ? { kind: 'posterior', value, span } : undefined;
  }
  trainBlock(ctx: K.TrainBlockCstChildren): A.TrainBlock | undefined {
    const span = this.spanOf(ctx as Children);
    if (!span || !real(first(ctx.LCurly))) return undefined;
    const entries: A.Arg[] = [];
    for (const n of ctx.namedArg ?? []) {
      const a = this.sub<A.Arg>(n);
      if (a) entries.push(a);
    }
    entries.sort((a, b) => a.span.start - b.span.start);
    for (let i = 1; i < entries.length; i++) {
      const gap = this.text.slice(entries[i - 1].span.end - this.base, entries[i].span.start - this.base);
      if (!/[\n\r,;]/.test(gap)) {
        const s = entries[i].name?.span ?? entries[i].span;
        this.diagnostics.push(
          makeDiagnostic(C.UnexpectedToken, s, {
            expected: "',' or a new line",
            context: 'between train entries',
            found: describeToken(firstWord(this.text.slice(s.start - this.base, s.end - this.base))),
          }),
        );
      }
    }
    return { kind: 'train', entries, span };
  }

  // ---------- layers ----------
  block(ctx: K.BlockCstChildren): A.LayerStmt[] | undefined {
    if (!real(first(ctx.LCurly))) return undefined;
    return this.ordered<A.LayerStmt>(ctx.repeatStmt, ctx.levelStmt, ctx.call);
  }
  repeatStmt(ctx: K.RepeatStmtCstChildren): A.RepeatStmt | undefined {
    const num = first(ctx.NumberLiteral);
    const nm = first(ctx.Identifier);
    const count: A.Expr | undefined = real(num)
      ? this.number(num)
      : real(nm)
        ? { kind: 'ident', name: nm.image, span: this.tokSpan(nm) }
        : undefined;
    const body = this.requireBlock(first(ctx.block), "'repeat'", ctx as Children);
    const span = this.spanOf(ctx as Children);
    const kw = first(ctx.Repeat);
    if (!count && real(kw)) {
      const open = first(first(ctx.block)?.children.LCurly);
      const at = real(open)
        ? this.tokSpan(open)
        : this.span(kw.startOffset + kw.image.length, kw.startOffset + kw.image.length);
      this.diagnostics.push(makeDiagnostic(C.RepeatCount, at, { found: real(open) ? "'{'" : 'nothing' }));
    }
    return count && body && span ? { kind: 'repeat', count, body, span } : undefined;
  }
  levelStmt(ctx: K.LevelStmtCstChildren): A.LevelStmt | undefined {
    const body = this.requireBlock(first(ctx.block), "'level'", ctx as Children);
    const span = this.spanOf(ctx as Children);
    if (!body || !span) return undefined;
    return { kind: 'level', args: this.sub<A.Arg[]>(first(ctx.argList)) ?? [], body, span };
  }
  call(ctx: K.CallCstChildren): A.CallExpr | undefined {
    return this.callLike(first(ctx.Identifier), ctx);
  }
  private callLike(callee: IToken | undefined, ctx: K.CallCstChildren | K.NameExprCstChildren): A.CallExpr | undefined {
    const name = this.name(callee);
    const span = this.spanOf(ctx as Children);
    if (!name || !span) return undefined;
    const argNode = first(ctx.argList);
    const call: A.CallExpr = {
      kind: 'call',
      callee: name,
      args: this.sub<A.Arg[]>(argNode) ?? [],
      parens: !!argNode && real(first(argNode.children.LParen)),
      span,
    };
    const body = this.sub<A.LayerStmt[]>(first(ctx.block));
    if (body) call.body = body;
    return call;
  }

  // ---------- arguments and expressions ----------
  argList(ctx: K.ArgListCstChildren): A.Arg[] | undefined {
    if (!real(first(ctx.LParen))) return undefined;
    this.checkCommas(ctx.arg, ctx.Comma, 'arguments');
    const out: A.Arg[] = [];
    for (const n of ctx.arg ?? []) {
      const a = this.sub<A.Arg>(n);
      if (a) out.push(a);
    }
    return out;
  }
  arg(ctx: K.ArgCstChildren): A.Arg | undefined {
    const named = first(ctx.namedArg);
    if (named) return this.sub<A.Arg>(named);
    const value = this.sub<A.Expr>(first(ctx.expr));
    return value ? { value, span: value.span } : undefined;
  }
  namedArg(ctx: K.NamedArgCstChildren): A.Arg | undefined {
    const name = this.name(first(ctx.Name));
    const value = this.sub<A.Expr>(first(ctx.expr));
    const span = this.spanOf(ctx as Children);
    return name && value && span ? { name, value, span } : undefined;
  }
  expr(ctx: K.ExprCstChildren): A.Expr | undefined {
    const num = first(ctx.NumberLiteral);
    if (real(num)) return this.number(num);
    const str = first(ctx.StringLiteral) ?? first(ctx.UnterminatedString);
    if (real(str))
      return {
        kind: 'string',
        value: unquote(str.image, str.tokenType.name === 'StringLiteral'),
        span: this.tokSpan(str),
      };
    const t = first(ctx.True) ?? first(ctx.False);
    if (real(t)) return { kind: 'bool', value: t.image === 'true', span: this.tokSpan(t) };
    return this.sub<A.Expr>(first(ctx.listExpr) ?? first(ctx.notExpr) ?? first(ctx.nameExpr));
  }
  private number(t: IToken): A.NumberLit {
    return { kind: 'number', value: Number(t.image), raw: t.image, span: this.tokSpan(t) };
  }
  listExpr(ctx: K.ListExprCstChildren): A.ListExpr | undefined {
    const span = this.spanOf(ctx as Children);
    if (!span || !real(first(ctx.LBracket))) return undefined;
    this.checkCommas(ctx.expr, ctx.Comma, 'list items');
    const items: A.Expr[] = [];
    for (const n of ctx.expr ?? []) {
      const e = this.sub<A.Expr>(n);
      if (e) items.push(e);
    }
    return { kind: 'list', items, span };
  }
  notExpr(ctx: K.NotExprCstChildren): A.NotExpr | undefined {
    const operand = this.sub<A.Expr>(first(ctx.expr));
    const span = this.spanOf(ctx as Children);
    return operand && span ? { kind: 'not', operand, span } : undefined;
  }
  nameExpr(ctx: K.NameExprCstChildren): A.Expr | undefined {
    const t = first(ctx.Identifier) ?? first(ctx.Order) ?? first(ctx.Mask) ?? first(ctx.StatementKeyword);
    if (!ctx.argList && !ctx.block)
      return real(t) ? { kind: 'ident', name: t.image, span: this.tokSpan(t) } : undefined;
    return this.callLike(t, ctx);
  }
}

const firstWord = (s: string): string =>
  /^(?:[A-Za-z_][A-Za-z0-9_]*|[-+]?[0-9.][0-9.eE+-]*|"[^"]*"?|'[^']*'?|.)/s.exec(s)?.[0] ?? s;

/** the value of a string token (either quote style; an unterminated one runs to the line end) */
export function unquote(image: string, terminated: boolean): string {
  const body = terminated ? image.slice(1, -1) : image.slice(1);
  return body.replace(/\\(u[0-9a-fA-F]{4}|.)/g, (_, e: string) => {
    if (e.length === 5) return String.fromCharCode(parseInt(e.slice(1), 16));
    return ({ n: '\n', t: '\t', r: '\r', '0': '\0' } as Record<string, string>)[e] ?? e;
  });
}
