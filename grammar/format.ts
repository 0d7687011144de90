// The canonical printer behind `flowc fmt` and the language server's formatting request.
// It prints the AST (2-space indentation, `name(a, b: c)` spacing, one statement per line)
// and puts every comment back next to the node it was written beside: own-line comments
// lead the next statement (or argument), same-line comments trail it. A file with syntax
// errors is returned unchanged with its diagnostics. Before answering, the output is parsed
// again and compared with the input's AST and comments: a printer bug can never change a
// program or lose a comment (the text comes back unchanged with FMT001 instead).
import type {
  Arg,
  CallExpr,
  Comment,
  Expr,
  FileNode,
  FlowBlock,
  LayerStmt,
  ModelStmt,
  Span,
  TopLevel,
  TypeExpr,
} from './ast.js';
import { hasErrors, makeDiagnostic, type Diagnostic, type DiagnosticDef } from './diagnostic.js';
import { parseFlow } from './parse.js';

export interface FormatResult {
  text: string;
  diagnostics: Diagnostic[];
}
export interface FormatOptions {
  /** line width beyond which argument lists break, default 100 */ width?: number;
}

export const FormatterRoundTrip: DiagnosticDef<{ detail: string }> = {
  code: 'FMT001',
  severity: 'error',
  title: 'formatter refused',
  message: (p) => `the formatter left this file unchanged: ${p.detail}`,
  hint: () => 'this is a bug in flowc fmt; please report it with the file',
};

const INDENT = '  ';

export function formatFlow(text: string, file: string, options: FormatOptions = {}): FormatResult {
  const parsed = parseFlow(text, file);
  if (hasErrors(parsed.diagnostics)) return { text, diagnostics: parsed.diagnostics };
  let out: string;
  try {
    out = new Printer(text, parsed.value, options.width ?? 100).print();
  } catch (e) {
    return { text, diagnostics: [refusal(file, text, `internal error (${(e as Error).message})`)] };
  }
  const again = parseFlow(out, file);
  if (hasErrors(again.diagnostics))
    return { text, diagnostics: [refusal(file, text, 'the printed text did not parse')] };
  if (JSON.stringify(stripSpans(parsed.value)) !== JSON.stringify(stripSpans(again.value))) {
    return { text, diagnostics: [refusal(file, text, 'the printed program differed from the input')] };
  }
  if (commentTexts(text, parsed.value.comments).join('\n') !== commentTexts(out, again.value.comments).join('\n')) {
    return { text, diagnostics: [refusal(file, text, 'a comment would have been lost or changed')] };
  }
  return { text: out, diagnostics: parsed.diagnostics };
}

function refusal(file: string, text: string, detail: string): Diagnostic {
  return makeDiagnostic(FormatterRoundTrip, { file, start: 0, end: Math.min(text.length, 1) }, { detail });
}

/** The AST without positions (and without `comments`, compared separately): what the program means. */
export function stripSpans(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(stripSpans);
  if (node && typeof node === 'object') {
    const o: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(node)) {
      if (k === 'span' || k === 'comments') continue;
      o[k] = stripSpans(v);
    }
    return o;
  }
  return node;
}

function commentTexts(src: string, comments: readonly Comment[]): string[] {
  return comments.map((c) => src.slice(c.span.start, c.span.end).trimEnd());
}

interface Item {
  span: Span;
  lines(indent: string): string[];
}

/** a single layer, each nested block again holding a single layer: printable as `a { b { c } }` */
function singleChain(body: LayerStmt[]): boolean {
  if (body.length !== 1) return false;
  const s = body[0]!;
  if (s.kind === 'call') return s.body === undefined || singleChain(s.body);
  return singleChain(s.body);
}

class Printer {
  private readonly comments: Comment[];
  private readonly used: boolean[];

  constructor(
    private readonly src: string,
    private readonly file: FileNode,
    private readonly width: number,
  ) {
    this.comments = [...file.comments].sort((a, b) => a.span.start - b.span.start);
    this.used = this.comments.map(() => false);
  }

  print(): string {
    const lines = this.items(
      this.file.items.map((t) => this.top(t)),
      0,
      this.src.length,
      '',
    );
    // comments the printer could not place inside a construct would have been hoisted; anything
    // still unused (never expected) is appended so nothing is lost
    this.comments.forEach((c, i) => {
      if (!this.used[i]) lines.push(this.commentText(c));
    });
    while (lines.length && lines[lines.length - 1] === '') lines.pop();
    return lines.length ? lines.join('\n') + '\n' : '';
  }

  // ---------- comments ----------
  private commentText(c: Comment): string {
    return this.src.slice(c.span.start, c.span.end).trimEnd();
  }

  /** index of the first comment starting at or after `a` (comments are sorted by start) */
  private lowerBound(a: number): number {
    let lo = 0,
      hi = this.comments.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.comments[mid]!.span.start < a) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  /** unused comments starting in [a, b), marked used */
  private take(a: number, b: number, pred: (c: Comment) => boolean = () => true): Comment[] {
    const got: Comment[] = [];
    for (let i = this.lowerBound(a); i < this.comments.length && this.comments[i]!.span.start < b; i++) {
      const c = this.comments[i]!;
      if (!this.used[i] && pred(c)) {
        this.used[i] = true;
        got.push(c);
      }
    }
    return got;
  }

  /** indices of the unused comments starting in [a, b) */
  private unusedIn(a: number, b: number): number[] {
    const out: number[] = [];
    for (let i = this.lowerBound(a); i < this.comments.length && this.comments[i]!.span.start < b; i++)
      if (!this.used[i]) out.push(i);
    return out;
  }

  private hasComments(a: number, b: number): boolean {
    for (let i = this.lowerBound(a); i < this.comments.length && this.comments[i]!.span.start < b; i++) {
      if (!this.used[i]) return true;
    }
    return false;
  }

  /** first index >= from holding `ch` outside comments, before `limit`; -1 when absent */
  private find(from: number, ch: string, limit: number): number {
    let i = from;
    while (i < limit) {
      const k = this.lowerBound(i);
      const c = this.comments[k];
      if (c && c.span.start === i) {
        i = c.span.end;
        continue;
      }
      if (this.src[i] === ch) return i;
      i++;
    }
    return -1;
  }

  private blankBetween(a: number, b: number): boolean {
    return /\n[ \t\r]*\n/.test(this.src.slice(a, b));
  }

  /**
   * Lays out a sequence of items, one per line at `indent`, with the comments of [start, end)
   * that fall between them; `sep` is appended to every item but the last.
   */
  private items(items: Item[], start: number, end: number, indent: string, sep = ''): string[] {
    const out: string[] = [];
    let cursor = start;
    const blank = (at: number) => {
      if (out.length && out[out.length - 1] !== '' && this.blankBetween(cursor, at)) out.push('');
    };
    items.forEach((item, idx) => {
      for (const c of this.take(cursor, item.span.start)) {
        blank(c.span.start);
        out.push(indent + this.commentText(c));
        cursor = c.span.end;
      }
      blank(item.span.start);
      // comments inside the item that its printer cannot place are hoisted above it
      const before = this.unusedIn(item.span.start, item.span.end);
      let body = item.lines(indent);
      let hoisted = this.take(item.span.start, item.span.end);
      if (
        hoisted.length &&
        before.some(
          (i) =>
            this.used[i] &&
            !hoisted.includes(this.comments[i]!) &&
            this.comments[i]!.span.start < hoisted[hoisted.length - 1]!.span.start,
        )
      ) {
        // the item placed a comment written before one it could not place: hoisting the latter
        // would reorder the comments, so hoist all of them (in order) and print the item bare
        for (const i of before) this.used[i] = true;
        body = item.lines(indent);
        hoisted = before.map((i) => this.comments[i]!);
      }
      for (const c of hoisted) out.push(indent + this.commentText(c));
      if (idx < items.length - 1) body[body.length - 1] += sep;
      cursor = item.span.end;
      const limit = idx < items.length - 1 ? items[idx + 1]!.span.start : end;
      const trailing = this.take(cursor, limit, (c) => !/[\r\n]/.test(this.src.slice(cursor, c.span.start)));
      for (const c of trailing) {
        body[body.length - 1] = this.attach(body[body.length - 1]!, c, body.length === 1 ? item.span.start : undefined);
        cursor = c.span.end;
      }
      out.push(...body);
    });
    for (const c of this.take(cursor, end)) {
      blank(c.span.start);
      out.push(indent + this.commentText(c));
      cursor = c.span.end;
    }
    return out;
  }

  // ---------- statements ----------
  private top(t: TopLevel): Item {
    switch (t.kind) {
      case 'let':
      case 'mask':
        return { span: t.span, lines: (ind) => this.prefixed(ind, `${t.kind} ${t.name.text} = `, t.value) };
      case 'model':
        return {
          span: t.span,
          lines: (ind) =>
            this.braced(
              ind,
              `model ${t.name.text}`,
              t.name.span.end,
              t.span,
              t.body.map((s) => this.modelStmt(s)),
            ),
        };
    }
  }

  private modelStmt(s: ModelStmt): Item {
    switch (s.kind) {
      case 'data':
      case 'latent':
      case 'condition':
        return { span: s.span, lines: (ind) => [`${ind}${s.kind} ${s.name.text}: ${this.typeInline(s.type)}`] };
      case 'order':
      case 'mask':
        return {
          span: s.span,
          lines: (ind) => this.prefixed(ind, s.kind === 'order' ? 'order ' : `mask ${s.name.text} = `, s.value),
        };
      case 'prior':
      case 'likelihood':
      case 'conditional':
      case 'encoder':
      case 'decoder':
      case 'target':
        return { span: s.span, lines: (ind) => this.callLines(s.value, ind, `${s.kind} `, true) };
      case 'flow':
        return { span: s.span, lines: (ind) => this.flowLines(s, ind, '') };
      case 'posterior': {
        const v = s.value;
        return {
          span: s.span,
          lines: (ind) =>
            v.kind === 'flow' ? this.flowLines(v, ind, 'posterior ') : this.callLines(v, ind, 'posterior ', true),
        };
      }
      case 'train':
        return { span: s.span, lines: (ind) => this.trainLines(s.entries, s.span, ind) };
    }
  }

  private layer(s: LayerStmt): Item {
    switch (s.kind) {
      case 'call':
        return { span: s.span, lines: (ind) => this.callLines(s, ind, '', true) };
      case 'repeat':
        return {
          span: s.span,
          lines: (ind) =>
            this.braced(
              ind,
              `repeat ${this.inline(s.count)}`,
              s.count.span.end,
              s.span,
              s.body.map((b) => this.layer(b)),
              s.body,
            ),
        };
      case 'level':
        return {
          span: s.span,
          lines: (ind) => this.headed(ind, 'level', s.args, s.span.start + 'level'.length, s.span, s.body),
        };
    }
  }

  private flowLines(f: FlowBlock, ind: string, prefix: string): string[] {
    const kw = this.find(f.span.start, 'f', f.span.end);
    return this.headed(ind, prefix + 'flow', f.args, (kw < 0 ? f.span.start : kw) + 'flow'.length, f.span, f.body);
  }

  /** `head(args) { body }` for flow and level blocks (args optional) */
  private headed(ind: string, head: string, args: Arg[], afterHead: number, span: Span, body: LayerStmt[]): string[] {
    let header = head;
    let after = afterHead;
    let extra: string[] = [];
    if (args.length) {
      const open = this.find(afterHead, '(', span.end);
      const close = this.find(args[args.length - 1]!.span.end, ')', span.end);
      const list = this.argList(
        args,
        ind,
        open < 0 ? afterHead : open,
        close < 0 ? args[args.length - 1]!.span.end : close,
        false,
        head,
      );
      header += list[0];
      extra = list.slice(1);
      after = close < 0 ? args[args.length - 1]!.span.end : close + 1;
    }
    const lines = this.braced(
      ind,
      header,
      after,
      span,
      body.map((b) => this.layer(b)),
      body,
      extra.length > 0,
    );
    if (!extra.length) return lines;
    // a broken argument list: its last line (`)`) carries the block's opening brace
    return [
      lines[0]!.slice(0, ind.length + header.length),
      ...extra.slice(0, -1),
      extra[extra.length - 1] + lines[0]!.slice(ind.length + header.length),
      ...lines.slice(1),
    ];
  }

  /**
   * `header {` items `}` (or `header {}` when empty); the block is found after `after`. A layer
   * block (`layers` given) written on one line that holds a single layer, itself a bare call or
   * such a block (`repeat 16 { planar }`), stays on one line when it fits.
   */
  private braced(
    ind: string,
    header: string,
    after: number,
    span: Span,
    items: Item[],
    layers?: LayerStmt[],
    headerBroken = false,
  ): string[] {
    const brace = this.find(after, '{', span.end);
    const start = brace < 0 ? after : brace + 1;
    if (!items.length && !this.hasComments(start, span.end)) return [`${ind}${header} {}`];
    if (
      layers &&
      brace >= 0 &&
      singleChain(layers) &&
      !/[\r\n]/.test(this.src.slice(brace, span.end)) &&
      !this.hasComments(start, span.end)
    ) {
      const one = `${ind}${header} { ${this.layerInline(layers[0]!)} }`;
      if (one.length <= this.width) return [one];
    }
    // after a broken argument list the brace ends up on the `)` line, which is not the construct's
    // first line: a comment there gets one space, not its source column (formatting stays idempotent)
    const open = this.openerComments(
      `${ind}${header} {`,
      start,
      items[0]?.span.start ?? span.end,
      headerBroken ? undefined : span.start,
    );
    return [open, ...this.items(items, start, span.end, ind + INDENT), `${ind}}`];
  }

  /** `line` with the comments that follow an opening bracket on its own source line */
  private openerComments(line: string, start: number, limit: number, anchor?: number): string {
    for (const c of this.take(start, limit, (k) => !/[\r\n]/.test(this.src.slice(start, k.span.start))))
      line = this.attach(line, c, anchor);
    return line;
  }

  /**
   * A trailing comment appended to `line`: at its source column when that is past the code (so
   * aligned comments stay aligned), else after one space.
   */
  private attach(line: string, c: Comment, anchor?: number): string {
    const lineStart =
      Math.max(this.src.lastIndexOf('\n', c.span.start - 1), this.src.lastIndexOf('\r', c.span.start - 1)) + 1;
    const col = c.span.start - lineStart;
    const last = line.slice(line.lastIndexOf('\n') + 1);
    const indent = /^[ \t]*/.exec(this.src.slice(lineStart))![0].length;
    // only a line that starts with the same construct at the same indentation keeps its column
    const same = anchor === lineStart + indent && indent === /^ */.exec(last)![0].length;
    return line + ' '.repeat(same && col > last.length ? col - last.length : 1) + this.commentText(c);
  }

  private trainLines(entries: Arg[], span: Span, ind: string): string[] {
    const brace = this.find(span.start + 'train'.length, '{', span.end);
    const start = brace < 0 ? span.start : brace + 1;
    if (!entries.length && !this.hasComments(start, span.end)) return [`${ind}train {}`];
    // one line unless the author broke it after '{' (as prettier treats object literals), it holds comments, or it is
    // too long
    const broken = entries.length > 0 && /[\r\n]/.test(this.src.slice(start, entries[0]!.span.start));
    if (!broken && !this.hasComments(start, span.end)) {
      const one = `${ind}train { ${entries.map((a) => this.argInline(a)).join(', ')} }`;
      if (one.length <= this.width) return [one];
    }
    const items = entries.map((a) => ({ span: a.span, lines: (i: string) => this.argLines(a, i) }));
    const open = this.openerComments(`${ind}train {`, start, entries[0]?.span.start ?? span.end, span.start);
    return [open, ...this.items(items, start, span.end, ind + INDENT, ','), `${ind}}`];
  }

  // ---------- expressions ----------
  /** `ind + prefix + expr`, the expression possibly spanning several lines */
  private prefixed(ind: string, prefix: string, e: Expr): string[] {
    const lines = this.expr(e, ind, true, ind.length + prefix.length);
    lines[0] = ind + prefix + lines[0];
    return lines;
  }

  /** An expression's lines: the first continues the current line, the rest are fully indented. */
  private expr(e: Expr, ind: string, mayBreak: boolean, column: number): string[] {
    switch (e.kind) {
      case 'call': {
        const lines = this.callLines(e, ind, '', mayBreak, column);
        lines[0] = lines[0]!.slice(ind.length);
        return lines;
      }
      case 'list': {
        if (!this.hasComments(e.span.start, e.span.end)) return [this.inline(e)];
        const items = e.items.map((x) => ({ span: x.span, lines: (i: string) => this.prefixed(i, '', x) }));
        return ['[', ...this.items(items, e.span.start + 1, e.span.end, ind + INDENT, ','), `${ind}]`];
      }
      case 'not': {
        const lines = this.expr(e.operand, ind, mayBreak, column + 1);
        lines[0] = '!' + lines[0];
        return lines;
      }
      default:
        return [this.inline(e)];
    }
  }

  /**
   * a call: `prefix name(args) { body }`; the argument list breaks one per line when it holds comments or is too long
   */
  private callLines(
    c: CallExpr,
    ind: string,
    prefix: string,
    mayBreak: boolean,
    column = ind.length + prefix.length,
  ): string[] {
    let header = prefix + c.callee.text;
    let extra: string[] = [];
    let after = c.callee.span.end;
    if (c.parens) {
      const open = this.find(c.callee.span.end, '(', c.span.end);
      const lastEnd = c.args.length ? c.args[c.args.length - 1]!.span.end : Math.max(open, c.callee.span.end);
      const close = this.find(lastEnd, ')', c.span.end);
      const start = open < 0 ? c.callee.span.end : open;
      const stop = close < 0 ? lastEnd : close;
      const inlineFits =
        column - ind.length + ind.length + c.callee.text.length + this.inlineArgs(c.args).length + 2 <= this.width;
      const list = this.argList(c.args, ind, start, stop, mayBreak && !inlineFits, c.callee.text);
      header += list[0];
      extra = list.slice(1);
      after = close < 0 ? lastEnd : close + 1;
    }
    if (c.body === undefined) return extra.length ? [ind + header, ...extra] : [ind + header];
    const lines = this.braced(
      ind,
      header,
      after,
      c.span,
      c.body.map((b) => this.layer(b)),
      c.body,
      extra.length > 0,
    );
    if (!extra.length) return lines;
    return [
      ind + header,
      ...extra.slice(0, -1),
      extra[extra.length - 1] + lines[0]!.slice(ind.length + header.length),
      ...lines.slice(1),
    ];
  }

  /** `(a, b: c)` or, broken, `(` / one argument per line / `)` (first element continues the header line) */
  private argList(args: Arg[], ind: string, open: number, close: number, tooLong: boolean, _owner: string): string[] {
    if (!tooLong && !this.hasComments(open, close)) return [`(${this.inlineArgs(args)})`];
    const items = args.map((a) => ({ span: a.span, lines: (i: string) => this.argLines(a, i) }));
    // comments after '(' on its line stay there (one space: the header's width is not known here)
    let first = '(';
    for (const c of this.take(
      open + 1,
      args[0]?.span.start ?? close,
      (k) => !/[\r\n]/.test(this.src.slice(open + 1, k.span.start)),
    )) {
      first += ' ' + this.commentText(c);
    }
    return [first, ...this.items(items, open + 1, close, ind + INDENT, ','), `${ind})`];
  }

  private argLines(a: Arg, ind: string): string[] {
    return this.prefixed(ind, a.name ? `${a.name.text}: ` : '', a.value);
  }

  private inlineArgs(args: Arg[]): string {
    return args.map((a) => this.argInline(a)).join(', ');
  }

  private argInline(a: Arg): string {
    return (a.name ? `${a.name.text}: ` : '') + this.inline(a.value);
  }

  private typeInline(t: TypeExpr): string {
    const args = t.domainArgs.length ? `(${this.inlineArgs(t.domainArgs)})` : '';
    return `${t.domain.text}${args}${t.shape.length ? `[${t.shape.map((s) => this.inline(s)).join(', ')}]` : ''}`;
  }

  /** one-line text of an expression (comments inside are hoisted by the caller) */
  private inline(e: Expr): string {
    switch (e.kind) {
      case 'number':
      case 'string':
        return this.src.slice(e.span.start, e.span.end);
      case 'bool':
        return e.value ? 'true' : 'false';
      case 'ident':
        return e.name;
      case 'list':
        return `[${e.items.map((x) => this.inline(x)).join(', ')}]`;
      case 'not':
        return '!' + this.inline(e.operand);
      case 'call': {
        let s = e.callee.text + (e.parens ? `(${this.inlineArgs(e.args)})` : '');
        if (e.body !== undefined) {
          // a value-position block: printed on one line only when empty (callers that can break use callLines)
          s += e.body.length ? ` { ${e.body.map((b) => this.layerInline(b)).join('; ')} }` : ' {}';
        }
        return s;
      }
    }
  }

  private layerInline(s: LayerStmt): string {
    switch (s.kind) {
      case 'call':
        return this.inline(s);
      case 'repeat':
        return `repeat ${this.inline(s.count)} { ${s.body.map((b) => this.layerInline(b)).join('; ')} }`;
      case 'level':
        return (
          `level${s.args.length ? `(${this.inlineArgs(s.args)})` : ''} { ` +
          `${s.body.map((b) => this.layerInline(b)).join('; ')} }`
        );
    }
  }
}
