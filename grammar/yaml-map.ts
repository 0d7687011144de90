// The YAML form → the AST of grammar/ast.ts (the same nodes the .flow parser builds; spans
// point into the YAML text). The mapping is written down in docs/YAML_FORM.md.
// Defensive: any shape of YAML yields a FileNode plus diagnostics, never an exception.
import type * as YamlLib from 'yaml';
import type { Document, Node, Pair, Scalar, YAMLMap } from 'yaml';
import { yaml } from './lazy-deps.js';
import type * as A from './ast.js';
import { CstToAst } from './cst-to-ast.js';
import { makeDiagnostic, type Diagnostic, type DiagnosticDef } from './diagnostic.js';
import { lexFlow } from './lexer.js';
import { flowParser } from './parser.js';
import * as C from './syntax-codes.js';

// yaml's node predicates, through the package loaded on first use (grammar/lazy-deps.ts)
const isAlias = ((n: unknown) => yaml().isAlias(n)) as typeof YamlLib.isAlias;
const isMap = ((n: unknown) => yaml().isMap(n)) as typeof YamlLib.isMap;
const isScalar = ((n: unknown) => yaml().isScalar(n)) as typeof YamlLib.isScalar;
const isSeq = ((n: unknown) => yaml().isSeq(n)) as typeof YamlLib.isSeq;

const IDENT = /^[A-Za-z_][A-Za-z0-9_]*$/;
const SLOTS = ['prior', 'likelihood', 'conditional', 'encoder', 'decoder', 'target'] as const;
type Slot = (typeof SLOTS)[number];

type YNode = Node | null | undefined;

export class YamlToAst {
  readonly diagnostics: Diagnostic[] = [];

  constructor(
    private readonly text: string,
    private readonly fileName: string,
  ) {}

  // ---------- spans and reporting ----------
  private span(n: YNode | unknown): A.Span {
    const r = (n as Node | undefined)?.range;
    if (!r) return { file: this.fileName, start: 0, end: 0 };
    const start = Math.min(Math.max(0, r[0]), this.text.length);
    return { file: this.fileName, start, end: Math.min(Math.max(start, r[1]), this.text.length) };
  }
  private pairSpan(p: Pair): A.Span {
    const k = this.span(p.key);
    const v = p.value ? this.span(p.value) : k;
    return { file: this.fileName, start: k.start, end: Math.max(k.end, v.end) };
  }
  private report<P>(def: DiagnosticDef<P>, span: A.Span, p: P): undefined {
    this.diagnostics.push(makeDiagnostic(def, span, p));
    return undefined;
  }
  private describe(n: YNode): string {
    if (n === null || n === undefined || (isScalar(n) && n.value === null)) return 'nothing';
    if (isMap(n)) return 'a mapping';
    if (isSeq(n)) return 'a list';
    if (isScalar(n)) return `${typeof n.value} ${JSON.stringify(n.value)}`;
    return 'an alias';
  }
  private keyText(p: Pair): string | undefined {
    if (isScalar(p.key) && (typeof p.key.value === 'string' || typeof p.key.value === 'number'))
      return String(p.key.value);
    this.report(C.YamlBadExpression, this.span(p.key), { detail: 'keys must be plain names' });
    return undefined;
  }
  private name(p: Pair): A.Name | undefined {
    const t = this.keyText(p);
    return t === undefined ? undefined : { text: t, span: this.span(p.key) };
  }
  private pairs(n: YNode, what: string): Pair[] {
    if (isMap(n)) return n.items as Pair[];
    if (n === null || n === undefined || (isScalar(n) && n.value === null)) return [];
    this.report(C.YamlNotMapping, this.span(n), { what: `a mapping for ${what}`, found: this.describe(n) });
    return [];
  }
  private isNull(n: YNode): boolean {
    return n === null || n === undefined || (isScalar(n) && n.value === null);
  }

  // ---------- file and models ----------
  file(doc: Document): A.FileNode {
    const items: A.TopLevel[] = [];
    for (const p of this.pairs(doc.contents as YNode, 'the file')) {
      const key = this.keyText(p);
      if (key === 'let' || key === 'mask') {
        for (const q of this.pairs(p.value as YNode, `'${key}'`)) {
          const name = this.name(q);
          const value = this.expr(q.value as YNode, q);
          if (name && value) items.push({ kind: key, name, value, span: this.pairSpan(q) });
        }
      } else if (key === 'models') {
        for (const q of this.pairs(p.value as YNode, "'models'")) {
          const m = this.model(q);
          if (m) items.push(m);
        }
      } else if (key !== undefined) {
        this.report(C.YamlUnknownKey, this.span(p.key), { key, where: 'the file', allowed: ['let', 'mask', 'models'] });
      }
    }
    return { kind: 'file', items, comments: [], span: { file: this.fileName, start: 0, end: this.text.length } };
  }

  private model(p: Pair): A.ModelDecl | undefined {
    const name = this.name(p);
    if (!name) return undefined;
    // a model name names its run folder (runs/<Model>-<time>): an identifier, as in the .flow form
    if (!IDENT.test(name.text)) {
      this.report(C.ExpectedName, name.span, { after: "'models:'", found: JSON.stringify(name.text) });
      return undefined;
    }
    const body: A.ModelStmt[] = [];
    for (const q of this.pairs(p.value as YNode, `model '${name.text}'`)) {
      const key = this.keyText(q);
      const span = this.pairSpan(q);
      const v = q.value as YNode;
      if (key === 'data' || key === 'latent' || key === 'condition') {
        for (const r of this.pairs(v, `'${key}'`)) {
          const n = this.name(r);
          const type = this.typeExpr(r.value as YNode);
          if (n && type) body.push({ kind: key, name: n, type, span: this.pairSpan(r) });
        }
      } else if (key === 'order') {
        const value = this.expr(v, q);
        if (value) body.push({ kind: 'order', value, span });
      } else if (key === 'mask') {
        for (const r of this.pairs(v, "'mask'")) {
          const n = this.name(r);
          const value = this.expr(r.value as YNode, r);
          if (n && value) body.push({ kind: 'mask', name: n, value, span: this.pairSpan(r) });
        }
      } else if (SLOTS.includes(key as Slot)) {
        const value = this.stmtCall(v, q);
        if (value) body.push({ kind: key as Slot, value, span });
      } else if (key === 'flow') {
        const fb = this.flowBlock(v, span);
        if (fb) body.push(fb);
      } else if (key === 'posterior') {
        const value =
          isMap(v) && v.items.length === 1 && this.keyOf(v.items[0] as Pair) === 'flow'
            ? this.flowBlock((v.items[0] as Pair).value as YNode, this.pairSpan(v.items[0] as Pair))
            : this.stmtCall(v, q);
        if (value) body.push({ kind: 'posterior', value, span });
      } else if (key === 'train') {
        const entries: A.Arg[] = [];
        for (const r of this.pairs(v, "'train'")) {
          const n = this.name(r);
          const value = this.expr(r.value as YNode, r);
          if (n && value) entries.push({ name: n, value, span: this.pairSpan(r) });
        }
        body.push({ kind: 'train', entries, span });
      } else if (key !== undefined) {
        this.report(C.YamlUnknownKey, this.span(q.key), {
          key,
          where: `model '${name.text}'`,
          allowed: ['data', 'latent', 'condition', 'order', 'mask', ...SLOTS, 'flow', 'posterior', 'train'],
        });
      }
    }
    return { kind: 'model', name, body, span: this.pairSpan(p) };
  }

  private keyOf(p: Pair): string | undefined {
    return isScalar(p.key) ? String(p.key.value) : undefined;
  }

  // ---------- types ----------
  /** "real[2]", "discrete(256)[1, 28, 28]": parsed by the .flow grammar's `typeExpr` rule */
  private typeExpr(n: YNode): A.TypeExpr | undefined {
    if (!isScalar(n) || typeof n.value !== 'string') {
      return this.report(C.YamlNotMapping, this.span(n), {
        what: 'a type string such as "real[2]"',
        found: this.describe(n),
      });
    }
    const value = n.value;
    const s = this.span(n);
    const src = this.text.slice(s.start, s.end);
    const quoted = n.type === yaml().Scalar.QUOTE_DOUBLE || n.type === yaml().Scalar.QUOTE_SINGLE;
    const inner = quoted ? src.slice(1, -1) : src;
    const exact = inner === value;
    const base = exact ? s.start + (quoted ? 1 : 0) : 0;
    const lex = lexFlow(value, this.fileName, base);
    const parser = flowParser();
    parser.source = value;
    parser.input = lex.tokens;
    const cst = parser.typeExpr();
    if (lex.diagnostics.length || parser.errors.length || !cst) return this.report(C.YamlBadType, s, { text: value });
    const v = new CstToAst(value, this.fileName, base);
    const t = v.visit(cst) as A.TypeExpr | undefined;
    if (
      !t ||
      v.diagnostics.length ||
      t.span.end - base !== value.trimEnd().length ||
      t.span.start - base !== value.length - value.trimStart().length
    ) {
      return this.report(C.YamlBadType, s, { text: value });
    }
    return exact ? t : respan(t, s);
  }

  // ---------- expressions ----------
  /** a value: number, bool, string, name, list, { not: x } or a call { kind: args } */
  expr(n: YNode, owner?: Pair): A.Expr | undefined {
    if (isAlias(n)) return this.report(C.YamlUnsupported, this.span(n), { feature: 'an alias (*name)' });
    if (n && (n as Scalar).tag && !String((n as Scalar).tag).startsWith('tag:yaml.org')) {
      const tag = String((n as Scalar).tag);
      return this.report(C.YamlBadExpression, this.span(n), {
        detail: `YAML tag '${tag}' (write a complement as { not: ${tag.replace(/^!/, '')} })`,
      });
    }
    if (this.isNull(n)) {
      return this.report(C.YamlBadExpression, owner ? this.pairSpan(owner) : this.span(n), {
        detail: 'a value is missing',
      });
    }
    if (isScalar(n)) {
      const span = this.span(n);
      const v = n.value;
      if (typeof v === 'number') {
        if (!Number.isFinite(v))
          return this.report(C.YamlBadExpression, span, {
            detail: `${this.text.slice(span.start, span.end)} is not a finite number`,
          });
        return { kind: 'number', value: v, raw: this.text.slice(span.start, span.end), span };
      }
      if (typeof v === 'boolean') return { kind: 'bool', value: v, span };
      if (typeof v === 'string') {
        if (n.type === yaml().Scalar.PLAIN && IDENT.test(v)) return { kind: 'ident', name: v, span };
        return { kind: 'string', value: v, span };
      }
      return this.report(C.YamlBadExpression, span, { detail: `unsupported scalar ${String(v)}` });
    }
    if (isSeq(n)) {
      const items: A.Expr[] = [];
      for (const it of n.items) {
        const e = this.expr(it as YNode);
        if (e) items.push(e);
      }
      return { kind: 'list', items, span: this.span(n) };
    }
    if (isMap(n)) {
      const ps = n.items as Pair[];
      if (ps.length === 1 && this.keyOf(ps[0]) === 'not') {
        const operand = this.expr(ps[0].value as YNode, ps[0]);
        return operand ? { kind: 'not', operand, span: this.span(n) } : undefined;
      }
      return this.callFromMap(n);
    }
    return this.report(C.YamlBadExpression, this.span(n), { detail: 'unsupported value' });
  }

  /** `{ kind: args }` → CallExpr; the args value is read by callArgs */
  private callFromMap(n: YAMLMap): A.CallExpr | undefined {
    const ps = n.items as Pair[];
    if (ps.length !== 1) {
      return this.report(C.YamlBadExpression, this.span(n), {
        detail: `a call is a mapping with exactly one key (the kind), found ${ps.length} keys`,
      });
    }
    const callee = this.name(ps[0]);
    if (!callee) return undefined;
    if (!IDENT.test(callee.text))
      return this.report(C.YamlBadExpression, callee.span, { detail: `'${callee.text}' is not a name` });
    const { args, parens, body } = this.callArgs(ps[0].value as YNode, callee.text);
    const call: A.CallExpr = { kind: 'call', callee, args, parens, span: this.pairSpan(ps[0]) };
    if (body) call.body = body;
    return call;
  }

  /**
   * The value under a call's key: nothing → no parentheses; a list → positional args; a scalar →
   * one positional arg; a mapping → named args, `_` positional args (list or single value) and
   * `body` the nested block. Positional args come first, as they are written in .flow.
   */
  private callArgs(v: YNode, what: string): { args: A.Arg[]; parens: boolean; body?: A.LayerStmt[] } {
    if (this.isNull(v)) return { args: [], parens: false };
    const positional = (x: YNode): A.Arg[] =>
      (isSeq(x) ? x.items : [x]).flatMap((it) => {
        const e = this.expr(it as YNode);
        return e ? [{ value: e, span: e.span }] : [];
      });
    if (!isMap(v)) return { args: positional(v), parens: true };
    const named: A.Arg[] = [];
    let pos: A.Arg[] = [];
    let body: A.LayerStmt[] | undefined;
    let parens = v.items.length === 0;
    for (const p of v.items as Pair[]) {
      const key = this.keyText(p);
      if (key === undefined) continue;
      if (key === 'body') {
        body = this.layers(p.value as YNode, `the body of '${what}'`);
        continue;
      }
      parens = true;
      if (key === '_') {
        pos = positional(p.value as YNode);
        continue;
      }
      const value = this.expr(p.value as YNode, p);
      if (value) named.push({ name: { text: key, span: this.span(p.key) }, value, span: this.pairSpan(p) });
    }
    return { args: [...pos, ...named], parens, ...(body ? { body } : {}) };
  }

  /** a call in statement or slot position: a bare name, or { kind: args } */
  private stmtCall(n: YNode, owner?: Pair): A.CallExpr | undefined {
    if (isScalar(n) && typeof n.value === 'string' && IDENT.test(n.value)) {
      const span = this.span(n);
      return { kind: 'call', callee: { text: n.value, span }, args: [], parens: false, span };
    }
    if (isMap(n) && !(n.items.length === 1 && this.keyOf(n.items[0] as Pair) === 'not')) return this.callFromMap(n);
    if (this.isNull(n))
      return this.report(C.YamlBadExpression, owner ? this.pairSpan(owner) : this.span(n), {
        detail: 'a value is missing',
      });
    return this.report(C.YamlBadExpression, this.span(n), {
      detail: `expected a name or { kind: args }, found ${this.describe(n)}`,
    });
  }

  // ---------- layers ----------
  private layers(n: YNode, what: string): A.LayerStmt[] {
    if (this.isNull(n)) return [];
    if (!isSeq(n)) {
      this.report(C.YamlNotMapping, this.span(n), { what: `a list of layers for ${what}`, found: this.describe(n) });
      return [];
    }
    const out: A.LayerStmt[] = [];
    for (const it of n.items) {
      const l = this.layer(it as YNode);
      if (l) out.push(l);
    }
    return out;
  }

  private layer(n: YNode): A.LayerStmt | undefined {
    if (isMap(n)) {
      const ps = n.items as Pair[];
      const keys = ps.map((p) => this.keyOf(p));
      if (keys.includes('repeat')) {
        const rp = ps[keys.indexOf('repeat')];
        const bp = ps[keys.indexOf('body')];
        for (const p of ps) {
          const k = this.keyOf(p);
          if (k !== 'repeat' && k !== 'body')
            this.report(C.YamlUnknownKey, this.span(p.key), {
              key: String(k),
              where: "'repeat'",
              allowed: ['repeat', 'body'],
            });
        }
        const count = this.expr(rp.value as YNode, rp);
        if (!count) return undefined;
        return {
          kind: 'repeat',
          count,
          body: bp ? this.layers(bp.value as YNode, "'repeat'") : [],
          span: this.span(n),
        };
      }
      if (keys.length === 1 && keys[0] === 'level') {
        const v = ps[0].value as YNode;
        const span = this.pairSpan(ps[0]);
        if (isSeq(v)) return { kind: 'level', args: [], body: this.layers(v, "'level'"), span };
        const { args, body } = this.callArgs(v, 'level');
        return { kind: 'level', args, body: body ?? [], span };
      }
    }
    return this.stmtCall(n);
  }

  /** a flow block: a list of layers, or a mapping of its args plus `body` */
  private flowBlock(v: YNode, span: A.Span): A.FlowBlock | undefined {
    if (isSeq(v) || this.isNull(v)) return { kind: 'flow', args: [], body: this.layers(v, "'flow'"), span };
    if (isMap(v)) {
      const { args, body } = this.callArgs(v, 'flow');
      return { kind: 'flow', args, body: body ?? [], span };
    }
    return this.report(C.YamlNotMapping, this.span(v), {
      what: "a list of layers (or { args..., body: [...] }) for 'flow'",
      found: this.describe(v),
    });
  }
}

/** every span of a subtree set to one span (a type string with escapes: offsets inside are unknowable) */
function respan<T>(node: T, s: A.Span): T {
  if (Array.isArray(node)) return node.map((x) => respan(x, s)) as T;
  if (node && typeof node === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(node)) out[k] = k === 'span' ? { ...s } : respan(v, s);
    return out as T;
  }
  return node;
}
