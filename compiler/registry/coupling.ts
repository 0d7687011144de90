// The coupling layer: mask normalization, the conditioner's input/output sizes, and its shape rule.
// Conditioner convention (matches bench W1/W3):
//  - element-wise masks (checkerboard, alternate, half, element-wise literal), and every mask on vectors:
//    the net sees x⊙b with all C (or D) channels and emits m·C (or m·D) values (m = 2 affine: s, t; 1 additive: t);
//  - channel masks on images (channel, or a literal constant over H×W): the net sees the C_b pass-through
//    channels and emits m·(C − C_b) channels.
import { makeDiagnostic } from '../../grammar/diagnostic.js';
import * as codes from '../diagnostics/codes-registry.js';
import type { ResolvedArgs, Shape, ShapeContext } from './types.js';
import { netOf, type Spatial } from './nets.js';
import { imageDims, isNumArray, numel } from './tensors.js';
import { paramsPerElement, TRANSFORM_KINDS, type TransformKind, type TransformSettings } from '../math/elementwise.js';

export type MaskKindName = 'checkerboard' | 'channel' | 'half' | 'alternate' | 'literal';

export interface MaskInfo {
  kind: MaskKindName | undefined;
  complement: boolean;
  /** the flattened 0/1 values when they are already resolved (IR or literal) */
  values?: number[];
}

const MASK_NAMES = new Set(['checkerboard', 'channel', 'half', 'alternate', 'literal']);

/**
 * Read a mask in whichever form it arrives: number[], name, CheckedCall, `!` (AST NotExpr), or IR (mask + maskKind).
 */
export function maskOf(v: unknown, maskKind?: unknown): MaskInfo {
  const info = readMask(v, false);
  if (typeof maskKind === 'string' && MASK_NAMES.has(maskKind)) info.kind = maskKind as MaskKindName;
  return info;
}

function readMask(v: unknown, complement: boolean): MaskInfo {
  if (isNumArray(v)) return literal(v, complement);
  if (typeof v === 'string') return { kind: MASK_NAMES.has(v) ? (v as MaskKindName) : undefined, complement };
  if (v && typeof v === 'object') {
    const o = v as Record<string, unknown>;
    if (o.kind === 'not') return readMask(o.operand ?? o.value, !complement);
    if (o.kind === 'list' && Array.isArray(o.items)) {
      const vals = (o.items as { value?: unknown }[]).map((i) => i.value);
      if (isNumArray(vals)) return literal(vals, complement);
    }
    if (o.kind && typeof o.kind === 'object') return readMask((o.kind as { name?: unknown }).name, complement);
    if (typeof o.kind === 'string') return readMask(o.kind, complement);
    if (typeof o.name === 'string') return readMask(o.name, complement);
  }
  return { kind: undefined, complement };
}

/** literal values with any `!` applied (so `values` are always the effective mask) */
const literal = (v: number[], complement: boolean): MaskInfo => ({
  kind: 'literal',
  complement: false,
  values: complement ? v.map((x) => (x === 0 ? 1 : x === 1 ? 0 : x)) : v,
});

/** For an image literal mask constant over H×W per channel: the pass-through channel count. */
function channelConstantPassCount(values: number[], C: number, HW: number): number | undefined {
  let pass = 0;
  for (let c = 0; c < C; c++) {
    const v0 = values[c * HW];
    for (let i = 1; i < HW; i++) if (values[c * HW + i] !== v0) return undefined;
    if (v0 === 1) pass++;
  }
  return pass;
}

export interface ConditionerSizes {
  /** features (channels on images) the net reads */
  inSize: number;
  /** features (channels on images) the net emits */
  outSize: number;
  spatial?: Spatial;
  /** true when the net reads the pass-through channels only (channel masks) */
  channelWise: boolean;
}

/** the coupling's elementwise transform and its settings, from checked or lowered arguments */
export function couplingTransform(args: ResolvedArgs): { kind: TransformKind; settings: TransformSettings } {
  const kind = (TRANSFORM_KINDS as readonly unknown[]).includes(args.type) ? (args.type as TransformKind) : 'affine';
  const n = (v: unknown): number | undefined => (typeof v === 'number' && Number.isFinite(v) ? v : undefined);
  return { kind, settings: { k: n(args.k), bins: n(args.bins), bound: n(args.bound) } };
}

export function couplingSizes(input: Shape, args: ResolvedArgs): ConditionerSizes {
  const t = couplingTransform(args);
  const m = paramsPerElement(t.kind, t.settings);
  // inputs a conditioning context adds (set by the lowering inside a variational dequantization)
  const extra = typeof args.contextInputs === 'number' ? args.contextInputs : 0;
  const img = imageDims(input);
  const mask = maskOf(args.mask, args.maskKind);
  if (img) {
    const { C, H, W } = img;
    const spatial = { H, W };
    let pass: number | undefined;
    if (mask.values && mask.values.length === C * H * W && (mask.kind === 'literal' || mask.kind === 'channel')) {
      pass = channelConstantPassCount(mask.values, C, H * W);
      // resolved values are already complemented by the checker; only unresolved names are complemented here
    } else if (mask.kind === 'channel') {
      const half = Math.floor(C / 2);
      pass = mask.complement ? C - half : half;
    }
    if (pass !== undefined && mask.kind === 'literal' && H * W === 1) pass = undefined; // 1×1 images: element-wise
    if (pass !== undefined) return { inSize: pass + extra, outSize: m * (C - pass), spatial, channelWise: true };
    return { inSize: C + extra, outSize: m * C, spatial, channelWise: false };
  }
  const D = numel(input);
  return { inSize: D + extra, outSize: m * D, channelWise: false };
}

/** Shape rule of coupling: same shape; checks the mask against the input and the net against the rank. */
export function couplingShape(input: Shape, args: ResolvedArgs, ctx: ShapeContext): Shape | undefined {
  if (!validRank(input, 'coupling', ctx)) return undefined;
  const img = imageDims(input);
  const mask = maskOf(args.mask, args.maskKind);
  let ok = true;
  if (mask.kind === 'checkerboard' && !img) {
    ctx.report(makeDiagnostic(codes.CHECKERBOARD_ON_VECTOR, ctx.span, { shape: input }));
    ok = false;
  }
  if (mask.kind === 'channel' && !mask.values && (!img || img.C < 2)) {
    ctx.report(makeDiagnostic(codes.CHANNEL_MASK_NEEDS_CHANNELS, ctx.span, { shape: input }));
    ok = false;
  }
  if (mask.values) {
    const n = numel(input);
    if (mask.values.length !== n) {
      ctx.report(
        makeDiagnostic(codes.MASK_LENGTH_MISMATCH, ctx.span, { length: mask.values.length, expected: n, shape: input }),
      );
      ok = false;
    }
    const bad = mask.values.findIndex((x) => x !== 0 && x !== 1);
    if (bad >= 0) {
      ctx.report(makeDiagnostic(codes.MASK_NOT_BINARY, ctx.span, { index: bad, value: mask.values[bad]! }));
      ok = false;
    }
  }
  const net = netOf(args.net);
  if (net?.kind === 'flowpp' && net.channels % (net.heads ?? 4) !== 0) {
    ctx.report(makeDiagnostic(codes.HEADS_NOT_DIVIDING, ctx.span, { channels: net.channels, heads: net.heads ?? 4 }));
    ok = false;
  }
  if (net?.kind === 'resnet' && !img) {
    ctx.report(makeDiagnostic(codes.CONV_NET_ON_VECTOR, ctx.span, { net: 'resnet', shape: input }));
    ok = false;
  }
  return ok ? [...input] : undefined;
}

/** [D] or [C, H, W] with positive integer dimensions; reports otherwise. */
export function validRank(input: Shape, layer: string, ctx: ShapeContext): boolean {
  if (input.length !== 1 && input.length !== 3) {
    ctx.report(makeDiagnostic(codes.UNSUPPORTED_RANK, ctx.span, { layer, shape: input }));
    return false;
  }
  if (!input.every((d) => Number.isInteger(d) && d > 0)) {
    ctx.report(makeDiagnostic(codes.EMPTY_DIMENSION, ctx.span, { layer, shape: input }));
    return false;
  }
  return true;
}
