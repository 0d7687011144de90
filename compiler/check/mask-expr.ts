// Mask expressions in argument position: mask names (model, then top level), mask kinds
// (`checkerboard`, `checkerboard(1)`), 0/1 literals, `!` complements and lets holding any of these.
// The result is symbolic (a MaskValue); compiler/check/masks.ts makes it concrete for a shape.
import type { Expr, MaskDecl, Span } from '../../grammar/ast.js';
import { makeDiagnostic } from '../../grammar/diagnostic.js';
import { kindsOf, lookup } from '../registry/index.js';
import type { Ctx } from './context.js';
import { checkCall, deref } from './args.js';
import { describeExpr, type MaskValue } from './values.js';
import { suggest } from './suggest.js';
import * as N from '../diagnostics/codes-names.js';
import * as T from '../diagnostics/codes-types.js';
import { CHAIN_OVER_LIMIT } from '../diagnostics/codes-limits.js';
import { limitOf } from '../limits.js';

const maskDecl = (name: string, ctx: Ctx): MaskDecl | undefined =>
  ctx.scope.modelMasks.get(name) ?? ctx.scope.masks.get(name);

/**
 * `mask m2 = !m1`, `mask m1 = m0`, ...: the chain of masks naming masks is followed in a loop
 * (linear in its length, no recursion), through lets too, `!` counted on the way; the value it ends in is checked.
 */
function followMasks(name: string, first: MaskDecl, span: Span, ctx: Ctx, what: string): MaskValue | undefined {
  const keys: string[] = [];
  const seen = new Set<string>();
  let negate = false;
  let decl: MaskDecl | undefined = first;
  let cur: Expr = first.value;
  let key = `mask ${name}`;
  for (;;) {
    if (seen.has(key) || ctx.expanding.includes(key)) {
      ctx.report(makeDiagnostic(N.RECURSIVE_LET, decl!.name.span, { name: decl!.name.text }));
      return undefined;
    }
    if (seen.size >= limitOf('chain')) {
      ctx.report(makeDiagnostic(CHAIN_OVER_LIMIT, span, { name, length: seen.size, limit: limitOf('chain') }));
      return undefined;
    }
    seen.add(key);
    keys.push(key);
    while (cur.kind === 'not') {
      negate = !negate;
      cur = cur.operand;
    }
    // a let naming a mask (`mask m1 = a0`, `let a0 = m0`) is followed in the same loop
    while (
      cur.kind === 'ident' &&
      !maskDecl(cur.name, ctx) &&
      !lookup(cur.name, 'mask') &&
      ctx.scope.lets.has(cur.name)
    ) {
      const { expr } = deref(cur, ctx);
      if (expr.kind === 'ident' && ctx.scope.lets.has(expr.name)) return undefined; // recursive, reported by deref
      cur = expr;
      while (cur.kind === 'not') {
        negate = !negate;
        cur = cur.operand;
      }
    }
    decl = cur.kind === 'ident' ? maskDecl(cur.name, ctx) : undefined;
    if (!decl || cur.kind !== 'ident') break;
    key = `mask ${cur.name}`;
    cur = decl.value;
  }
  const depth = ctx.expanding.length;
  for (const k of keys) ctx.expanding.push(k);
  try {
    const v = checkMask(cur, ctx, what);
    return v ? { ...v, negate: v.negate !== negate, span } : undefined;
  } finally {
    ctx.expanding.length = depth;
  }
}

/** a mask expression: mask names (model, then top level), mask kinds, 0/1 literals, `!`, lets */
export function checkMask(e: Expr, ctx: Ctx, what = 'mask'): MaskValue | undefined {
  switch (e.kind) {
    case 'not': {
      const inner = checkMask(e.operand, ctx, what);
      return inner ? { ...inner, negate: !inner.negate, span: e.span } : undefined;
    }
    case 'list': {
      const values: number[] = [];
      for (const item of e.items) {
        const { expr } = deref(item, ctx);
        if (expr.kind !== 'number' || (expr.value !== 0 && expr.value !== 1)) {
          ctx.report(makeDiagnostic(T.BAD_LITERAL_MASK, item.span, { got: describeExpr(expr) }));
          return undefined;
        }
        values.push(expr.value);
      }
      return { kind: 'mask-value', base: 'literal', values, negate: false, span: e.span };
    }
    case 'ident': {
      const decl = maskDecl(e.name, ctx);
      if (decl) return followMasks(e.name, decl, e.span, ctx, what);
      if (lookup(e.name, 'mask')) {
        const c = checkCall(e, 'mask', ctx);
        return c ? { kind: 'mask-value', base: e.name, args: c.args, negate: false, span: e.span } : undefined;
      }
      if (ctx.scope.lets.has(e.name)) {
        const { expr } = deref(e, ctx);
        if (expr.kind === 'ident' && ctx.scope.lets.has(expr.name)) return undefined;
        return checkMask(expr, ctx, what);
      }
      const names = [...ctx.scope.modelMasks.keys(), ...ctx.scope.masks.keys(), ...kindsOf('mask').map((k) => k.name)];
      ctx.report(makeDiagnostic(N.UNDEFINED_MASK, e.span, { name: e.name, suggestion: suggest(e.name, names) }));
      return undefined;
    }
    case 'call': {
      const c = checkCall(e, 'mask', ctx);
      return c ? { kind: 'mask-value', base: c.kind.name, args: c.args, negate: false, span: e.span } : undefined;
    }
    default:
      ctx.report(makeDiagnostic(T.NOT_A_MASK, e.span, { got: describeExpr(e) }));
      return undefined;
  }
}
