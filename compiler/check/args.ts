// Argument checking against the registry: binding positional/named/variadic arguments,
// defaults, types (numbers, enums, lists, nested calls of a category, mask expressions,
// unions), ranges, and `let` substitution. Never throws; reports and returns undefined.
import type { Arg, CallExpr, Expr, IdentExpr, ListExpr, Span } from '../../grammar/ast.js';
import { makeDiagnostic } from '../../grammar/diagnostic.js';
import type { ArgSpec, ArgType, Category, LayerKind, ResolvedArgs } from '../registry/types.js';
import { kindsOf, lookup } from '../registry/index.js';
import type { CheckedCall } from './model.js';
import { bufferedCtx, type Ctx } from './context.js';
import { categoryLabel, describeExpr, describeType, withArticle, type MaskValue } from './values.js';
import { checkMask } from './mask-expr.js';
import { listNames, suggest } from './suggest.js';
import * as N from '../diagnostics/codes-names.js';
import * as T from '../diagnostics/codes-types.js';
import { ARG_OVER_LIMIT, CHAIN_OVER_LIMIT } from '../diagnostics/codes-limits.js';
import { LIMITS, limitOf, withinLimit } from '../limits.js';

/** A nested block's statements are expanded by the caller when the kind's block is 'flow'. */
export function bareCall(e: IdentExpr): CallExpr {
  return { kind: 'call', callee: { text: e.name, span: e.span }, args: [], parens: false, span: e.span };
}

/** Look up a kind of a category; reports unknown names (with "did you mean") and kinds used in the wrong place. */
export function resolveKind(name: string, span: Span, category: Category, ctx: Ctx): LayerKind | undefined {
  const kind = lookup(name, category);
  if (kind) return kind;
  const other = lookup(name);
  if (other && other.category !== category) {
    ctx.report(
      makeDiagnostic(N.WRONG_PLACE, span, {
        name,
        category: categoryLabel(other.category),
        where: `as ${withArticle(category)}`,
      }),
    );
    return undefined;
  }
  const known = kindsOf(category).map((k) => k.name);
  ctx.report(
    makeDiagnostic(N.UNKNOWN_KIND, span, {
      name,
      where: categoryLabel(category),
      suggestion: suggest(name, known),
      known: listNames(known),
    }),
  );
  return undefined;
}

/**
 * Check a call (or a bare name) as a kind of `category`. The nested block is checked here for
 * non-flow block categories (pixelcnn { conv ... }); flow blocks are left to the flow checker.
 */
export function checkCall(expr: CallExpr | IdentExpr, category: Category, ctx: Ctx): CheckedCall | undefined {
  const node = expr.kind === 'ident' ? bareCall(expr) : expr;
  const kind = resolveKind(node.callee.text, node.callee.span, category, ctx);
  if (!kind) return undefined;
  const { args, argSpans } = bindArgs(kind.name, kind.args, node.args, node, ctx);
  const checked: CheckedCall = { kind, node, args, argSpans };
  kind.check?.(args, { span: (a) => argSpans[a] ?? node.span, report: (d) => ctx.report(d) });
  if (node.body) {
    if (!kind.block) ctx.report(makeDiagnostic(T.BAD_BLOCK, node.callee.span, { kind: kind.name }));
    else if (kind.block !== 'flow') checked.body = checkBlock(node.body, kind.block, ctx);
  }
  return checked;
}

/** statements of a non-flow nested block, `repeat` expanded (fresh copies share the checked call) */
export function checkBlock(
  stmts: readonly import('../../grammar/ast.js').LayerStmt[],
  category: Category,
  ctx: Ctx,
): CheckedCall[] {
  const out: CheckedCall[] = [];
  for (const s of stmts) {
    if (s.kind === 'call') {
      const c = checkCall(s, category, ctx);
      if (c) out.push(c);
    } else if (s.kind === 'repeat') {
      const n = checkRepeatCount(s.count, ctx);
      const body = checkBlock(s.body, category, ctx);
      if (n !== undefined && out.length + n * body.length > limitOf('flowLayers')) {
        // nested repeats multiply: stop before holding the copies
        const kw = { ...s.span, end: s.span.start + 6 };
        ctx.report(makeDiagnostic(T.TOO_MANY_LAYERS, kw, { max: limitOf('flowLayers') }));
        return out;
      }
      if (n !== undefined) for (let i = 0; i < n; i++) for (const c of body) out.push(c);
    } else {
      ctx.report(
        makeDiagnostic(
          N.WRONG_PLACE,
          { ...s.span, end: s.span.start + 5 },
          { name: 'level', category: 'multi-scale flow block', where: `as ${withArticle(category)}` },
        ),
      );
    }
  }
  return out;
}

export const MAX_REPEAT = 4096;

/** a repeat count: a positive integer literal or a `let` holding one */
export function checkRepeatCount(count: Expr, ctx: Ctx): number | undefined {
  const { expr, via } = deref(count, ctx);
  if (expr.kind === 'number' && Number.isInteger(expr.value) && expr.value >= 1 && expr.value <= MAX_REPEAT)
    return expr.value;
  if (expr.kind === 'ident') {
    // deref could not resolve it
    if (!ctx.expanding.includes(expr.name)) {
      const sug = suggest(expr.name, ctx.scope.lets.keys());
      ctx.report(
        makeDiagnostic(N.UNDEFINED_NAME, expr.span, {
          name: expr.name,
          expected: 'a positive integer',
          suggestion: sug,
        }),
      );
    }
    return undefined;
  }
  ctx.report(
    makeDiagnostic(T.BAD_REPEAT_COUNT, via ? count.span : expr.span, {
      got: got(expr, via) + (expr.kind === 'number' && expr.value > MAX_REPEAT ? ` (at most ${MAX_REPEAT})` : ''),
    }),
  );
  return undefined;
}

const got = (e: Expr, via?: string): string => (via ? `\`${via}\` (= ${describeExpr(e)})` : describeExpr(e));

/**
 * Follow `let` names: an identifier naming a let becomes the let's value (recursively).
 * `via` is the first let name followed. Reports recursive lets.
 */
export function deref(e: Expr, ctx: Ctx): { expr: Expr; via?: string } {
  if (e.kind !== 'ident' || !ctx.scope.lets.has(e.name)) return { expr: e };
  // a chain resolved once is remembered (per file scope): `repeat` bodies and unions deref the same names often
  let cache = derefCache.get(ctx.scope.lets);
  if (!cache) derefCache.set(ctx.scope.lets, (cache = new Map()));
  const hit = cache.get(e.name);
  if (hit) return { expr: hit, via: e.name };
  let cur: Expr = e;
  const seen = new Set<string>();
  while (cur.kind === 'ident') {
    const decl = ctx.scope.lets.get(cur.name);
    if (!decl) break;
    if (seen.has(cur.name) || ctx.expanding.includes(cur.name)) {
      ctx.report(makeDiagnostic(N.RECURSIVE_LET, decl.name.span, { name: cur.name }));
      ctx.expanding.push(cur.name); // stop callers from reporting it again as undefined
      return { expr: cur, via: e.name };
    }
    if (seen.size >= limitOf('chain')) {
      const p = { name: e.name, length: seen.size, limit: limitOf('chain') };
      ctx.report(makeDiagnostic(CHAIN_OVER_LIMIT, e.span, p));
      ctx.expanding.push(cur.name);
      return { expr: cur, via: e.name };
    }
    seen.add(cur.name);
    cur = decl.value;
  }
  for (const name of seen) cache.set(name, cur);
  return { expr: cur, via: e.name };
}

/** let name → the value its chain ends in, per file scope (only chains that resolved) */
const derefCache = new WeakMap<ReadonlyMap<string, unknown>, Map<string, Expr>>();

export interface BoundArgs {
  args: ResolvedArgs;
  argSpans: Record<string, Span>;
}

/** Bind the written arguments of a call to its specs, check each, fill defaults. */
export function bindArgs(
  kindName: string,
  specs: readonly ArgSpec[],
  written: readonly Arg[],
  call: { span: Span; callee?: { span: Span } },
  ctx: Ctx,
): BoundArgs {
  const given = new Map<string, { expr: Expr; span: Span }>();
  const positional = specs.filter((s) => s.positional);
  let pi = 0;
  const variadicItems: Expr[] = [];
  let variadicSpec: ArgSpec | undefined;
  let extra = 0;
  let firstExtra: Span | undefined;
  /** names offered as "did you mean" for unknown arguments: not reported missing again */
  const suggested = new Set<string>();
  for (const a of written) {
    if (a.name) {
      const spec = specs.find((s) => s.name === a.name!.text);
      if (!spec) {
        const names = specs.map((s) => s.name);
        const suggestion = suggest(a.name.text, names);
        if (suggestion) suggested.add(suggestion);
        ctx.report(
          makeDiagnostic(N.UNKNOWN_ARGUMENT, a.name.span, {
            name: a.name.text,
            kind: kindName,
            suggestion,
            known: names.join(', '),
          }),
        );
        continue;
      }
      if (given.has(spec.name) || spec === variadicSpec) {
        ctx.report(makeDiagnostic(N.DUPLICATE_ARGUMENT, a.name.span, { name: spec.name, kind: kindName }));
        continue;
      }
      given.set(spec.name, { expr: a.value, span: a.span });
      continue;
    }
    // `normal(learned)`: a bare word naming a flag switches it on
    const flag =
      a.value.kind === 'ident' ? specs.find((s) => s.flag && s.name === (a.value as IdentExpr).name) : undefined;
    if (flag && !ctx.scope.lets.has(flag.name)) {
      if (given.has(flag.name))
        ctx.report(makeDiagnostic(N.DUPLICATE_ARGUMENT, a.span, { name: flag.name, kind: kindName }));
      else given.set(flag.name, { expr: { kind: 'bool', value: true, span: a.value.span }, span: a.span });
      continue;
    }
    // `normal(lerned)`: a misspelt flag rather than an undefined value
    const word = a.value.kind === 'ident' && !ctx.scope.lets.has(a.value.name) ? a.value.name : undefined;
    const nearFlag =
      word === undefined
        ? undefined
        : suggest(
            word,
            specs.filter((s) => s.flag).map((s) => s.name),
          );
    if (word !== undefined && nearFlag) {
      const expected = `a value or the flag \`${nearFlag}\``;
      ctx.report(makeDiagnostic(N.UNDEFINED_NAME, a.value.span, { name: word, expected, suggestion: nearFlag }));
      continue;
    }
    const spec = positional[pi];
    if (!spec) {
      extra++;
      firstExtra ??= a.span;
      continue;
    }
    if (spec.variadic) {
      if (given.has(spec.name)) {
        ctx.report(makeDiagnostic(N.DUPLICATE_ARGUMENT, a.span, { name: spec.name, kind: kindName }));
        continue;
      }
      variadicSpec = spec;
      variadicItems.push(a.value);
      continue;
    }
    pi++;
    if (given.has(spec.name)) {
      ctx.report(makeDiagnostic(N.DUPLICATE_ARGUMENT, a.span, { name: spec.name, kind: kindName }));
      continue;
    }
    given.set(spec.name, { expr: a.value, span: a.span });
  }
  if (extra > 0 && firstExtra) {
    ctx.report(
      makeDiagnostic(T.TOO_MANY_POSITIONAL, firstExtra, {
        kind: kindName,
        max: positional.length,
        given: positional.length + extra,
      }),
    );
  }
  if (variadicSpec && variadicItems.length) {
    const first = variadicItems[0]!;
    const last = variadicItems[variadicItems.length - 1]!;
    // mlp([64, 64]) means the same as mlp(64, 64)
    const single = variadicItems.length === 1 ? deref(first, ctx).expr : undefined;
    const expr: Expr =
      single && single.kind === 'list'
        ? first
        : ({
            kind: 'list',
            items: variadicItems,
            span: { file: first.span.file, start: first.span.start, end: last.span.end },
          } satisfies ListExpr);
    given.set(variadicSpec.name, { expr, span: expr.span });
  }

  const args: ResolvedArgs = {};
  const argSpans: Record<string, Span> = {};
  for (const spec of specs) {
    const g = given.get(spec.name);
    if (g) {
      const v = checkValue(g.expr, spec.type, ctx, `\`${spec.name}\` of \`${kindName}\``);
      if (v !== undefined) args[spec.name] = v;
      argSpans[spec.name] = g.span;
    } else if (spec.required && !suggested.has(spec.name)) {
      ctx.report(
        makeDiagnostic(T.MISSING_ARGUMENT, call.callee?.span ?? call.span, {
          name: spec.name,
          kind: kindName,
          type: describeType(spec.type),
        }),
      );
    } else if (spec.default !== undefined && !spec.onlyWhen) {
      const v = defaultValue(spec.default, spec.type, call.span, ctx);
      if (v !== undefined) args[spec.name] = v;
      argSpans[spec.name] = call.span;
    }
  }
  // arguments that only mean something for some values of another (spline's `bins` with `type: spline`)
  for (const spec of specs) {
    if (!spec.onlyWhen) continue;
    const other = String(args[spec.onlyWhen.arg]);
    if (spec.onlyWhen.in.includes(other)) {
      if (!(spec.name in args) && spec.default !== undefined) {
        const v = defaultValue(spec.default, spec.type, call.span, ctx);
        if (v !== undefined) args[spec.name] = v;
        argSpans[spec.name] = call.span;
      }
    } else if (given.has(spec.name)) {
      ctx.report(
        makeDiagnostic(T.ARG_NOT_USED, given.get(spec.name)!.span, {
          name: spec.name,
          kind: kindName,
          other: spec.onlyWhen.arg,
          value: other,
          uses: spec.onlyWhen.in.join(' | '),
        }),
      );
      delete args[spec.name];
    }
  }
  return { args, argSpans };
}

/** a registry default as a checked value: a string default of a call type becomes a bare call */
function defaultValue(def: unknown, type: ArgType, span: Span, ctx: Ctx): unknown {
  if (typeof def === 'string') {
    const callType =
      type.kind === 'call' ? type : type.kind === 'union' ? type.of.find((t) => t.kind === 'call') : undefined;
    const enumOk =
      type.kind === 'enum' ||
      (type.kind === 'union' && type.of.some((t) => t.kind === 'enum' && t.values.includes(def)));
    if (callType && callType.kind === 'call' && !enumOk && lookup(def, callType.category)) {
      return checkCall({ kind: 'ident', name: def, span }, callType.category, ctx);
    }
    if (type.kind === 'mask') return { kind: 'mask-value', base: def, negate: false, span } satisfies MaskValue;
  }
  return cloneDefault(def);
}

/** a fresh copy of a JSON-like default (numbers, strings, lists, plain records): cheaper than structuredClone */
function cloneDefault(v: unknown): unknown {
  if (v === null || typeof v !== 'object') return v;
  if (Array.isArray(v)) return v.map(cloneDefault);
  const out: Record<string, unknown> = {};
  for (const [k, x] of Object.entries(v)) out[k] = cloneDefault(x);
  return out;
}

/** Check one value against a type. Returns the checked value or undefined (reported). */
export function checkValue(e: Expr, type: ArgType, ctx: Ctx, what: string): unknown {
  switch (type.kind) {
    case 'union':
      return checkUnion(e, type.of, ctx, what);
    case 'mask':
      return checkMask(e, ctx, what);
    case 'call': {
      if (e.kind === 'call') return checkCall(e, type.category, ctx);
      if (e.kind === 'ident') {
        if (lookup(e.name, type.category) || !ctx.scope.lets.has(e.name)) return checkCall(e, type.category, ctx);
        const { expr } = deref(e, ctx);
        if (expr.kind === 'ident' && ctx.scope.lets.has(expr.name)) return undefined; // recursive, reported
        return checkValue(expr, type, ctx, what);
      }
      break;
    }
    case 'enum': {
      if (e.kind === 'ident' && type.values.includes(e.name)) return e.name;
      if (e.kind === 'string' && type.values.includes(e.value)) return e.value;
      if (e.kind === 'ident' && ctx.scope.lets.has(e.name)) {
        const { expr, via } = deref(e, ctx);
        if (expr.kind === 'ident' && type.values.includes(expr.name)) return expr.name;
        if (expr.kind === 'ident' && ctx.scope.lets.has(expr.name)) return undefined;
        ctx.report(makeDiagnostic(T.WRONG_TYPE, e.span, { what, expected: describeType(type), got: got(expr, via) }));
        return undefined;
      }
      const name = e.kind === 'ident' ? e.name : e.kind === 'string' ? e.value : undefined;
      const sug = name !== undefined ? suggest(name, type.values) : undefined;
      ctx.report(
        makeDiagnostic(T.WRONG_TYPE, e.span, {
          what,
          expected: describeType(type),
          got: describeExpr(e),
          suggestion: sug,
        }),
      );
      return undefined;
    }
    default:
      break;
  }
  const { expr, via } = deref(e, ctx);
  if (expr.kind === 'ident' && !via && type.kind !== 'bool') {
    if (ctx.scope.lets.has(expr.name)) return undefined; // recursive let, reported by deref
    const sug = suggest(expr.name, ctx.scope.lets.keys());
    ctx.report(
      makeDiagnostic(N.UNDEFINED_NAME, expr.span, { name: expr.name, expected: describeType(type), suggestion: sug }),
    );
    return undefined;
  }
  // recursive let, reported by deref
  if (expr.kind === 'ident' && via && ctx.scope.lets.has(expr.name)) return undefined;
  const at = via ? e.span : expr.span;
  const wrong = (): undefined => {
    ctx.report(makeDiagnostic(T.WRONG_TYPE, at, { what, expected: describeType(type), got: got(expr, via) }));
    return undefined;
  };
  switch (type.kind) {
    case 'int':
    case 'number': {
      if (expr.kind !== 'number') return wrong();
      if (!Number.isFinite(expr.value)) return undefined; // reported by the parser (FC104)
      if (type.kind === 'int' && !Number.isInteger(expr.value)) return wrong();
      const v = expr.value;
      const tooLow =
        type.min !== undefined && (type.kind === 'number' && type.exclusiveMin ? v <= type.min : v < type.min);
      const tooHigh =
        type.max !== undefined && (type.kind === 'number' && type.exclusiveMax ? v >= type.max : v > type.max);
      if (tooLow || tooHigh) {
        ctx.report(makeDiagnostic(T.OUT_OF_RANGE, at, { what, value: v, range: rangeText(type) }));
        return undefined;
      }
      if (type.kind === 'int' && type.limit && !withinLimit(type.limit, v)) {
        const unit = LIMITS[type.limit].what;
        ctx.report(makeDiagnostic(ARG_OVER_LIMIT, at, { what, value: v, limit: limitOf(type.limit), unit }));
        return undefined;
      }
      return v;
    }
    case 'bool':
      return expr.kind === 'bool' ? expr.value : wrong();
    case 'string':
      return expr.kind === 'string' ? expr.value : wrong();
    case 'list': {
      if (expr.kind !== 'list') return wrong();
      const out: unknown[] = [];
      let ok = true;
      expr.items.forEach((item, i) => {
        const v = checkValue(item, type.of, ctx, `item ${i} of ${what}`);
        if (v === undefined) ok = false;
        else out.push(v);
      });
      if (type.minItems !== undefined && expr.items.length < type.minItems) {
        ctx.report(makeDiagnostic(T.TOO_FEW_ITEMS, at, { what, min: type.minItems, got: expr.items.length }));
        return undefined;
      }
      return ok ? out : undefined;
    }
    default:
      return wrong();
  }
}

function rangeText(t: {
  kind: 'int' | 'number';
  min?: number;
  max?: number;
  exclusiveMin?: boolean;
  exclusiveMax?: boolean;
}): string {
  const lo = t.min !== undefined ? (t.kind === 'number' && t.exclusiveMin ? `> ${t.min}` : `≥ ${t.min}`) : undefined;
  const hi = t.max !== undefined ? (t.kind === 'number' && t.exclusiveMax ? `< ${t.max}` : `≤ ${t.max}`) : undefined;
  return lo && hi ? `${lo} and ${hi}` : (lo ?? hi ?? 'in range');
}

/** could this expression be meant as a value of this type (decides which union branch reports) */
function fits(e: Expr, t: ArgType, ctx: Ctx): boolean {
  const { expr } = deref(e, bufferedCtx(ctx).ctx);
  switch (t.kind) {
    case 'int':
    case 'number':
      return expr.kind === 'number';
    case 'bool':
      return expr.kind === 'bool';
    case 'string':
      return expr.kind === 'string';
    case 'enum':
      return expr.kind === 'ident' || expr.kind === 'string';
    case 'list':
      return expr.kind === 'list';
    case 'call':
      return expr.kind === 'call' || expr.kind === 'ident';
    case 'mask':
      return expr.kind === 'not' || expr.kind === 'list' || expr.kind === 'ident';
    case 'union':
      return t.of.some((u) => fits(e, u, ctx));
  }
}

function checkUnion(e: Expr, alts: readonly ArgType[], ctx: Ctx, what: string): unknown {
  const trials: { diags: import('../../grammar/diagnostic.js').Diagnostic[]; alt: ArgType }[] = [];
  for (const alt of alts) {
    const b = bufferedCtx(ctx);
    const v = checkValue(e, alt, b.ctx, what);
    if (v !== undefined && b.diags.every((d) => d.severity !== 'error')) {
      b.diags.forEach((d) => ctx.report(d));
      return v;
    }
    trials.push({ diags: b.diags, alt });
  }
  const fitting = trials.filter((t) => fits(e, t.alt, ctx));
  // prefer the branch whose errors are deepest (it got furthest), e.g. a call with a bad argument
  const pick =
    fitting.find((t) => t.diags.some((d) => d.span.start > e.span.start || d.code !== T.WRONG_TYPE.code)) ??
    (fitting.length === 1 ? fitting[0] : undefined);
  if (pick && pick.diags.length) {
    pick.diags.forEach((d) => ctx.report(d));
    return undefined;
  }
  const { expr, via } = deref(e, bufferedCtx(ctx).ctx);
  ctx.report(
    makeDiagnostic(T.WRONG_TYPE, e.span, { what, expected: alts.map(describeType).join(' or '), got: got(expr, via) }),
  );
  return undefined;
}
