// One model: declarations collected (duplicates reported), the family detected, every slot
// checked against the registry, flows expanded with shapes inferred. Produces the CheckedModel.
import type { CallExpr, FlowBlock, ModelDecl, ModelStmt, Span, VarDecl } from '../../grammar/ast.js';
import { makeDiagnostic } from '../../grammar/diagnostic.js';
import type { Category, Shape } from '../registry/types.js';
import { lookup } from '../registry/index.js';
import type { Domain } from '../ir/types.js';
import type { CheckedCall, CheckedModel, CheckedVar } from './model.js';
import type { Ctx } from './context.js';
import { bindArgs, checkCall, deref, resolveKind } from './args.js';
import { checkFlow, type FlowResult } from './flow.js';
import { resolveOrder } from './orders.js';
import { applyModelOrder } from './model-order.js';
import { checkCondition } from './condition.js';
import { describeExpr } from './values.js';
import * as N from '../diagnostics/codes-names.js';
import * as S from '../diagnostics/codes-shapes.js';
import * as T from '../diagnostics/codes-types.js';
import { TOO_MANY_ELEMENTS } from '../diagnostics/codes-limits.js';
import { boundedProduct, limitOf } from '../limits.js';

export type Family = CheckedModel['family'];

/** the declarations of a model body, one per kind (the first; duplicates are reported) */
export interface Decls {
  data?: VarDecl;
  latent?: VarDecl;
  condition?: VarDecl;
  order?: Extract<ModelStmt, { kind: 'order' }>;
  prior?: CallExpr;
  likelihood?: CallExpr;
  conditional?: CallExpr;
  encoder?: CallExpr;
  decoder?: CallExpr;
  target?: CallExpr;
  flow?: FlowBlock;
  posterior?: Extract<ModelStmt, { kind: 'posterior' }>;
  train?: Extract<ModelStmt, { kind: 'train' }>;
  spans: Record<string, Span>;
}

const SLOT_CATEGORY: Record<string, Category> = {
  prior: 'prior',
  likelihood: 'likelihood',
  conditional: 'conditional',
  encoder: 'net',
  decoder: 'net',
  target: 'target',
};

export function collectDecls(model: ModelDecl, ctx: Ctx): Decls {
  const d: Decls = { spans: {} };
  const rec = d as unknown as Record<string, unknown>;
  for (const s of model.body ?? []) {
    if (!s || s.kind === 'mask') continue;
    const key = s.kind;
    if (rec[key] !== undefined) {
      ctx.report(
        makeDiagnostic(N.DUPLICATE_DECL, keywordSpan(s.span, key), { what: key, model: model.name.text }, [
          { span: keywordSpan(d.spans[key]!, key), message: `first \`${key}\` is here` },
        ]),
      );
      continue;
    }
    d.spans[key] = s.span;
    if (
      s.kind === 'prior' ||
      s.kind === 'likelihood' ||
      s.kind === 'conditional' ||
      s.kind === 'encoder' ||
      s.kind === 'decoder' ||
      s.kind === 'target'
    )
      rec[key] = s.value;
    else rec[key] = s;
  }
  return d;
}

const keywordSpan = (span: Span, kw: string): Span => ({ ...span, end: Math.min(span.end, span.start + kw.length) });

export function detectFamily(d: Decls): Family {
  if (d.target) return 'energy';
  if (d.encoder || d.decoder || d.posterior) return 'vae';
  if (d.conditional) return 'autoregressive';
  return 'flow';
}

const REQUIRED: Record<Family, [keyof Decls, string][]> = {
  flow: [
    ['data', 'data x: real[2]'],
    ['prior', 'prior normal'],
    ['flow', 'flow { ... }'],
  ],
  autoregressive: [
    ['data', 'data x: binary[784]'],
    ['conditional', 'conditional made(hidden: [500, 500])'],
    ['likelihood', 'likelihood bernoulli'],
  ],
  vae: [
    ['data', 'data x: binary[784]'],
    ['latent', 'latent z: real[40]'],
    ['prior', 'prior normal'],
    ['encoder', 'encoder mlp(400, 400)'],
    ['decoder', 'decoder mlp(400, 400)'],
    ['likelihood', 'likelihood bernoulli'],
  ],
  energy: [
    ['latent', 'latent z: real[2]'],
    ['prior', 'prior normal'],
    ['flow', 'flow { repeat 32 { planar } }'],
  ],
};
const UNUSED: Record<Family, (keyof Decls)[]> = {
  flow: ['likelihood', 'encoder', 'decoder'],
  autoregressive: ['prior', 'flow', 'latent', 'encoder', 'decoder', 'posterior'],
  vae: ['conditional', 'flow'],
  energy: ['data', 'likelihood', 'conditional', 'encoder', 'decoder', 'posterior', 'order'],
};

/** `real[2]`, `discrete(256)[1, 28, 28]` → domain and shape; undefined (reported) when invalid */
export function checkVar(v: VarDecl, ctx: Ctx): CheckedVar | undefined {
  const t = v.type;
  if (!t || !t.domain) return undefined;
  const kind = resolveKind(t.domain.text, t.domain.span, 'domain', ctx);
  const args: Record<string, unknown> = kind
    ? bindArgs(kind.name, kind.args, t.domainArgs ?? [], { span: t.span, callee: { span: t.domain.span } }, ctx).args
    : {};
  const shape: number[] = [];
  let ok = !!kind;
  for (const e of t.shape ?? []) {
    const { expr, via } = deref(e, ctx);
    if (expr.kind === 'number' && Number.isInteger(expr.value) && expr.value >= 1) shape.push(expr.value);
    else {
      ctx.report(
        makeDiagnostic(T.BAD_TYPE_EXPR, e.span, {
          got: `${via ? `\`${via}\` = ` : ''}${describeExpr(expr)} is not a positive integer`,
        }),
      );
      ok = false;
    }
  }
  const elements = ok ? boundedProduct(shape, limitOf('elements')) : 0;
  if (ok && !(elements <= limitOf('elements'))) {
    const product = shape.reduce((a, b) => a * b, 1);
    ctx.report(
      makeDiagnostic(TOO_MANY_ELEMENTS, t.span, {
        name: v.name.text,
        shape: `[${shape.join(', ')}]`,
        elements: Number.isSafeInteger(product) ? product : Infinity,
        limit: limitOf('elements'),
      }),
    );
    return undefined;
  }
  if (ok && shape.length === 0) {
    ctx.report(
      makeDiagnostic(S.DATA_SHAPE, t.span, {
        shape: `of \`${v.name.text}\``,
        why: 'it is missing; write it after the domain, e.g. `real[2]`',
      }),
    );
    ok = false;
  }
  if (ok && shape.length !== 1 && shape.length !== 3) {
    ctx.report(
      makeDiagnostic(S.DATA_SHAPE, t.span, {
        shape: `[${shape.join(', ')}]`,
        why: `${shape.length} axes; the shape must be [D] or [C, H, W]`,
      }),
    );
    ok = false;
  }
  if (!ok || !kind) return undefined;
  let domain: Domain;
  const K = typeof args.K === 'number' ? args.K : 2;
  switch (kind.name) {
    case 'categorical':
      domain = { kind: 'categorical', K };
      break;
    case 'discrete':
      domain = { kind: 'discrete', K };
      break;
    case 'binary':
      domain = { kind: 'binary' };
      break;
    default:
      domain = { kind: 'real' };
  }
  return { name: v.name.text, domain, shape, span: v.span };
}

function slot(call: CallExpr | undefined, category: Category, ctx: Ctx): CheckedCall | undefined {
  return call ? checkCall(call, category, ctx) : undefined;
}

/** check a model; undefined only when the declaration itself is unusable */
export function checkModelDecl(model: ModelDecl, ctx: Ctx): CheckedModel {
  const d = collectDecls(model, ctx);
  const family = detectFamily(d);
  const where = model.name.span;
  for (const [key, example] of REQUIRED[family]) {
    if (d[key] === undefined)
      ctx.report(
        makeDiagnostic(N.MISSING_DECL, where, {
          what: key,
          model: model.name.text,
          family: familyWord(family),
          example,
        }),
      );
  }
  for (const key of UNUSED[family]) {
    if (d[key] !== undefined)
      ctx.report(
        makeDiagnostic(N.UNUSED_DECL, keywordSpan(d.spans[key]!, key), { what: key, family: familyWord(family) }),
      );
  }

  const out: CheckedModel = { name: model.name.text, node: model, family, train: {}, trainSpans: {} };
  if (d.data) out.data = checkVar(d.data, ctx);
  if (d.condition) out.condition = checkCondition(d.condition, family, ctx);
  if (d.latent) {
    out.latent = checkVar(d.latent, ctx);
    if (out.latent && out.latent.domain.kind !== 'real') {
      ctx.report(makeDiagnostic(S.LATENT_NOT_REAL, d.latent.type.span, { domain: d.latent.type.domain.text }));
    }
  }
  for (const key of ['prior', 'likelihood', 'conditional', 'encoder', 'decoder', 'target'] as const) {
    const c = slot(d[key], SLOT_CATEGORY[key]!, ctx);
    if (c) out[key] = c;
  }

  // order: as written (the proofs verify it is a permutation of 0..D-1)
  if (d.order) {
    const v = d.order.value;
    const dataShape = out.data?.shape;
    let raw: unknown;
    if (v.kind === 'list') {
      const vals: number[] = [];
      let ok = true;
      for (const it of v.items) {
        const { expr } = deref(it, ctx);
        if (expr.kind === 'number' && Number.isInteger(expr.value)) vals.push(expr.value);
        else {
          ctx.report(makeDiagnostic(T.BAD_ORDER, it.span, { got: describeExpr(expr) }));
          ok = false;
        }
      }
      raw = ok ? vals : undefined;
    } else if (v.kind === 'call' || v.kind === 'ident') raw = checkCall(v, 'order', ctx);
    else ctx.report(makeDiagnostic(T.BAD_ORDER, v.span, { got: describeExpr(v) }));
    if (raw !== undefined && dataShape) {
      const isRaster = !Array.isArray(raw) && (raw as CheckedCall).kind.name === 'raster';
      if (isRaster && dataShape.length !== 3)
        ctx.report(makeDiagnostic(S.RASTER_ON_VECTOR, v.span, { shape: dataShape }));
      else {
        const r = resolveOrder(raw, dataShape);
        if (r) out.order = { values: r.values, ...(r.raster ? { raster: r.raster } : {}), span: v.span };
      }
    }
  } else if (family === 'autoregressive' && out.data) {
    // default: natural (row-major; for images the raster order with channels in turn)
    const image = out.data.shape.length === 3;
    const r = resolveOrder(
      checkCall({ kind: 'ident', name: image ? 'raster' : 'natural', span: where }, 'order', ctx),
      out.data.shape,
    );
    if (r) out.order = { values: r.values, ...(r.raster ? { raster: r.raster } : {}), span: where };
  }

  // flows: the density flow starts at the data (energy: at the latent sample)
  if (d.flow) {
    bindArgs(
      'flow',
      [],
      d.flow.args ?? [],
      { span: keywordSpan(d.flow.span, 'flow'), callee: { span: keywordSpan(d.flow.span, 'flow') } },
      ctx,
    );
    const input = family === 'energy' ? out.latent?.shape : out.data?.shape;
    const known = family === 'energy' ? !!out.latent : !!out.data;
    const res: FlowResult = checkFlow(d.flow.body ?? [], known ? input : undefined, ctx, 'flow');
    out.flow = res.layers;
    flowResults.set(out, res);
    if (family !== 'energy') applyModelOrder(out, ctx);
  }
  if (d.posterior) {
    const pv = d.posterior.value;
    const span = d.posterior.span;
    if (pv.kind === 'flow' || (pv.kind === 'call' && pv.callee.text === 'flow' && pv.body)) {
      const kind = lookup('flow', 'posterior');
      const args = pv.args ?? [];
      const { args: resolved } = bindArgs(
        'flow',
        kind?.args ?? [],
        args,
        { span, callee: { span: keywordSpan(pv.span, 'flow') } },
        ctx,
      );
      const res = checkFlow(pv.body ?? [], out.latent?.shape, ctx, 'posterior');
      out.posterior = { args: resolved, layers: res.layers, span };
      posteriorResults.set(out, res);
    } else {
      const c = checkCall(pv, 'posterior', ctx);
      if (c) out.posterior = { args: { kind: c.kind.name, ...c.args }, layers: [], span };
    }
  }
  if (d.train) {
    const kind = lookup('train', 'train');
    const kw = keywordSpan(d.train.span, 'train');
    const b = bindArgs('train', kind?.args ?? [], d.train.entries ?? [], { span: kw, callee: { span: kw } }, ctx);
    out.train = b.args;
    out.trainSpans = b.argSpans;
  } else {
    const kind = lookup('train', 'train');
    const b = bindArgs('train', kind?.args ?? [], [], { span: where, callee: { span: where } }, ctx);
    out.train = b.args;
    out.trainSpans = b.argSpans;
  }
  return out;
}

/** flow results (final shape, factored elements) for the model-level shape checks */
export const flowResults = new WeakMap<CheckedModel, FlowResult>();
export const posteriorResults = new WeakMap<CheckedModel, FlowResult>();

export const familyWord = (f: Family): string =>
  f === 'flow' ? 'flow' : f === 'autoregressive' ? 'autoregressive' : f === 'vae' ? 'VAE' : 'energy-fitting';

export type { Shape };
