// Autoregressive proofs: the declared order is a permutation; MADE conditionals, MAF/IAF
// conditioners and user-written literal masks are verified by composing their masks; PixelCNN,
// Gated PixelCNN and PixelRNN stacks by receptive-field propagation in raster order.
import type { Span } from '../../grammar/ast.js';
import type { CheckContext, CheckedCall, CheckedLayer, CheckedModel, ModelCheck } from '../check/model.js';
import { resolveOrder } from '../check/orders.js';
import { likelihoodOutputs } from '../registry/index.js';
import * as P from '../diagnostics/codes-proofs.js';
import { limitOf } from '../limits.js';
import {
  buildMadeMasks,
  describeViolation,
  directMask,
  madeMembers,
  expandOutputMask,
  isAutoregressive,
  isAutoregressiveByDegrees,
  latestPositions,
  maskShapeErrors,
  verifyAutoregressive,
  type Connectivity,
} from './made.js';
import { describeOrderProblems, rasterOrder, verifyPermutation } from './order.js';
import { analyzeArStack, describePixelViolation, type ArStack, type ConvSpec, type ImageSpec } from './pixelcnn.js';
import { describePlanViolation, proofWindow, provePlan } from './pixelcnnpp.js';
import { pixelcnnppPlan } from '../math/pixelcnnpp.js';
import { allLayers, argSpan, callArgs, callName, isNumArray, num, numel, onceReporter } from './util.js';

type Report = ReturnType<typeof onceReporter>;

/** MADE configurations already proved (masks are deterministic in these): a `repeat` body is proved once */
const proved = new Set<string>();
const remember = (key: string) => {
  if (proved.size > 256) proved.clear();
  proved.add(key);
};
/** proofs of MADEs over more dimensions than this are not remembered (their key would be megabytes) */
const MAX_REMEMBERED_DIMS = 1 << 16;
/** MADEs with more mask entries than this are proved on their degree form */
const MAX_MASK_ENTRIES = 4_000_000;
const MAX_FIELD = 48;
/** beyond this many dimensions the variable is refused (FC905): no proof */
export const MAX_PROOF_DIMS = limitOf('elements');

/** above this many dimensions a leak is described by one pair (no D×D dependency relation, no path) */
const MAX_WITNESS_DIMS = 2048;

type Masks = readonly (readonly (readonly number[])[])[];

/** one leaking pair from the latest order position reaching each output row (O(mask entries)) */
function leakWitness(masks: Masks, order: readonly number[], varName: string): string {
  const maskErrors = maskShapeErrors(masks, order.length);
  if (maskErrors.length) return maskErrors.map((e) => e.message).join('; ');
  const D = order.length;
  const pos = new Array<number>(D);
  order.forEach((d, t) => {
    pos[d] = t;
  });
  const latest = latestPositions(masks, order);
  for (let r = 0; r < latest.length; r++) {
    const d = r % D;
    if (latest[r]! >= pos[d]!) return `${varName}[${order[latest[r]!]}] reaches p(${varName}[${d}])`;
  }
  return 'the composed masks connect some input to an output that does not come later in the order';
}

/** the connectivity of a member's args (set by proveConditional), which then has no checked `connectivity` */
const madeMemberConnectivity = new WeakMap<object, Connectivity>();
const connectivityText = (c: Connectivity): string => (c === 'sequential' ? 'sequential' : `random(${c.random})`);

/** a checked `connectivity` value */
export function connectivityOf(v: unknown): Connectivity {
  if (callName(v) === 'random') return { random: num(callArgs(v).seed, 0) };
  return 'sequential';
}

const isMasks = (v: unknown): v is number[][][] =>
  Array.isArray(v) && v.length > 0 && v.every((m) => Array.isArray(m) && m.every(isNumArray));

/** was the argument written (defaults carry the call's own span) */
function written(c: CheckedCall, name: string): boolean {
  const s = c.argSpans?.[name];
  return !!s && !(s.start === c.node.span.start && s.end === c.node.span.end);
}

/** verify an order; returns it when it is a permutation of 0..D−1 */
function checkOrder(values: number[], D: number, span: Span, report: Report): number[] | undefined {
  const v = verifyPermutation(values, D);
  if (v.ok) return values;
  report(P.ORDER_NOT_PERMUTATION, span, { D, problems: describeOrderProblems(v.problems, D, v.missing) });
  return undefined;
}

/**
 * Prove a MADE: the masks given (literal) or built from order, hidden sizes and connectivity,
 * with `perDim` outputs per dimension.
 */
function proveMade(
  what: string,
  args: Record<string, unknown>,
  order: number[],
  perDim: number,
  span: Span,
  related: { span: Span; message: string }[],
  report: Report,
  varName: string,
  hiddenWritten = false,
): void {
  const literal = isMasks(args.masks) ? args.masks : undefined;
  if (literal) {
    const problem = literalMaskProblem(
      literal,
      order.length,
      perDim,
      hiddenWritten && isNumArray(args.hidden) ? args.hidden : undefined,
    );
    if (problem) {
      report(P.AR_MASK_SHAPE, span, { what, problem });
      return;
    }
  }
  const hidden = isNumArray(args.hidden) ? args.hidden : [];
  const connectivity = madeMemberConnectivity.get(args) ?? connectivityOf(args.connectivity);
  // remembered only for orders of moderate length: the key holds the whole order (kept across checks in editors)
  const key = literal || order.length > MAX_REMEMBERED_DIMS ? undefined : JSON.stringify([order, hidden, connectivity]);
  if (key && proved.has(key)) return;
  const sizes = [order.length, ...hidden, order.length];
  let entries = 0;
  for (let i = 0; i + 1 < sizes.length; i++) entries += sizes[i]! * sizes[i + 1]!;
  if (!literal && entries > MAX_MASK_ENTRIES) {
    // too large to hold the masks: the same (max, ·) proof on their degree form
    if (isAutoregressiveByDegrees(order, hidden, connectivity)) {
      if (key) remember(key);
      return;
    }
    report(
      P.AR_LEAK,
      span,
      {
        what,
        witness: 'the composed masks connect some input to an output that does not come later in the order',
        more: 0,
      },
      related,
    );
    return;
  }
  // built masks: the output mask is replicated per output (expandOutputMask) only when small;
  // replicas are identical rows, so the proof on one copy covers them all
  const masks =
    literal ??
    (() => {
      const m = buildMadeMasks({ order, hidden, connectivity });
      const last = m[m.length - 1]!;
      if (perDim > 1 && last.length * perDim * (last[0]?.length ?? 0) <= 1 << 20)
        m[m.length - 1] = expandOutputMask(last, perDim);
      return m;
    })();
  if (isAutoregressive(masks, order)) {
    if (key) remember(key);
    return;
  }
  if (order.length > MAX_WITNESS_DIMS) {
    // the full relation is D×D: the (max, ·) positions name one leaking pair instead
    report(P.AR_LEAK, span, { what, witness: leakWitness(masks, order, varName), more: 0 }, related);
    return;
  }
  const proof = verifyAutoregressive(masks, order);
  if (proof.shapeErrors.length) {
    report(P.AR_MASK_SHAPE, span, { what, problem: proof.shapeErrors.map((e) => e.message).join('; ') });
    return;
  }
  if (!proof.ok) {
    const pos = new Array<number>(order.length);
    order.forEach((d, t) => {
      pos[d] = t;
    });
    let pairs = 0;
    proof.dependency.forEach((row, d) =>
      row.forEach((dep, j) => {
        if (dep && pos[j]! >= pos[d]!) pairs++;
      }),
    );
    report(
      P.AR_LEAK,
      span,
      { what, witness: describeViolation(proof.violations[0]!, varName), more: pairs - 1 },
      related,
    );
  }
}

/**
 * What the proof's shape check does not cover for literal masks: the output mask must have D rows
 * (replicated per output) or perDim·D (blocked rows p·D + d); a `hidden` written beside the masks
 * must agree with them.
 */
export function literalMaskProblem(
  masks: readonly (readonly (readonly number[])[])[],
  D: number,
  perDim: number,
  hidden?: readonly number[],
): string | undefined {
  const shape = maskShapeErrors(masks, D);
  if (shape.length) return shape.map((e) => e.message).join('; ');
  const rows = masks[masks.length - 1]!.length;
  if (rows !== D && rows !== perDim * D) {
    return (
      `the output mask has ${rows} rows; expected ${D} (one per ` +
      `dimension)${perDim > 1 ? ` or ${perDim * D} (${perDim} outputs per dimension)` : ''}`
    );
  }
  const fromMasks = masks.slice(0, -1).map((M) => M.length);
  if (hidden && (hidden.length !== fromMasks.length || hidden.some((h, i) => h !== fromMasks[i]))) {
    return (
      `hidden: [${hidden.join(', ')}] disagrees with the masks, whose hidden layers have ` +
      `[${fromMasks.join(', ')}] units`
    );
  }
  return undefined;
}

/** `permute([2, 0, 3, 1])`: a literal order must be a permutation of the channels (or of the D dimensions) */
function permuteLayers(model: CheckedModel, report: Report): void {
  for (const l of [...allLayers(model.flow), ...allLayers(model.posterior?.layers)]) {
    if (l.kind.name !== 'permute' || !l.inShape.length || !Array.isArray(l.args.order)) continue;
    const C = l.inShape.length === 3 ? l.inShape[0]! : numel(l.inShape);
    if (C <= MAX_PROOF_DIMS) checkOrder(l.args.order as number[], C, argSpan(l, 'order'), report);
  }
}

/** `coupling(net: made(masks: ...))`: the literal masks must fit the net's input (no order to prove) */
function couplingNetMasks(model: CheckedModel, report: Report): void {
  for (const l of [...allLayers(model.flow), ...allLayers(model.posterior?.layers)]) {
    if (l.kind.name !== 'coupling' || !l.inShape.length || callName(l.args.net) !== 'made') continue;
    const masks = callArgs(l.args.net).masks;
    if (!isMasks(masks)) continue;
    const D = l.inShape.length === 3 ? l.inShape[0]! : numel(l.inShape);
    const problem = literalMaskProblem(masks, D, 2);
    if (problem) report(P.AR_MASK_SHAPE, argSpan(l, 'net'), { what: 'the `made` net of `coupling`', problem });
  }
}

function madeLayers(model: CheckedModel, report: Report): void {
  const layers: CheckedLayer[] = [...allLayers(model.flow), ...allLayers(model.posterior?.layers)];
  for (const l of layers) {
    if (l.kind.name !== 'maf' && l.kind.name !== 'iaf') continue;
    if (!l.inShape.length) continue;
    const D = numel(l.inShape);
    if (D > MAX_PROOF_DIMS) continue;
    const raw = l.args.order;
    const r =
      typeof raw === 'string'
        ? {
            values:
              raw === 'reverse'
                ? Array.from({ length: D }, (_, i) => D - 1 - i)
                : Array.from({ length: D }, (_, i) => i),
          }
        : resolveOrder(raw, l.inShape);
    if (!r) continue;
    const order = checkOrder(r.values, D, argSpan(l, 'order'), report);
    if (!order) continue;
    const net = l.args.net && typeof l.args.net === 'object' ? callArgs(l.args.net) : {};
    const args = { hidden: l.args.hidden, connectivity: l.args.connectivity, masks: l.args.masks, ...net };
    proveMade(
      `the MADE of \`${l.kind.name}\``,
      args,
      order,
      2,
      isMasks(args.masks) ? argSpan(l, 'masks') : l.node.callee.span,
      [{ span: argSpan(l, 'order'), message: 'the order it must respect' }],
      report,
      'x',
    );
  }
}

/** the raster order a PixelCNN-style network factorizes in, for data [C, H, W] */
const sameOrder = (a: readonly number[], b: readonly number[]) =>
  a.length === b.length && a.every((x, i) => x === b[i]);

function convSpecs(call: CheckedCall): { specs: ConvSpec[]; spans: Span[] } {
  const specs: ConvSpec[] = [];
  const spans: Span[] = [];
  for (const c of call.body ?? []) {
    const a = c.args;
    const mask = a.mask === 'A' || a.mask === 'B' || a.mask === 'none' ? a.mask : 'B';
    specs.push({ mask, kernel: num(a.kernel, 3), residual: a.residual === true });
    spans.push(c.node.span);
  }
  return { specs, spans };
}

function proveImageConditional(model: CheckedModel, call: CheckedCall, report: Report): void {
  const shape = model.data?.shape;
  if (!shape || shape.length !== 3) return; // reported by the checker
  const [C, H, W] = shape as [number, number, number];
  const channels = model.order?.raster?.channels ?? 'sequential';
  // receptive fields are translation invariant: a window of at most 48×48 offsets decides causality
  // and the blind spot of any realistic stack, and keeps the proof fast on large images
  const img: ImageSpec = { C, H: Math.min(H, MAX_FIELD), W: Math.min(W, MAX_FIELD), channels };
  const name = call.kind.name;
  if (model.order && !model.order.raster) {
    const expected = rasterOrder(shape, 'sequential').order;
    if (!sameOrder(model.order.values, expected)) {
      report(P.ORDER_MISMATCH, model.order.span, { model: `\`${name}\``, expected: 'raster(channels: sequential)' });
      return;
    }
  }
  // PixelCNN++ predicts whole pixels; the masked-conv stacks predict one channel at a time
  const wants = name === 'pixelcnnpp' ? 'joint' : 'sequential';
  if (C > 1 && model.order?.raster && channels !== wants) {
    report(P.ORDER_MISMATCH, model.order.span, { model: `\`${name}\``, expected: `raster(channels: ${wants})` });
    return;
  }
  if (name === 'pixelcnnpp') {
    const scales = num(call.args.scales, 3);
    const [h, w] = proofWindow(H, W, scales);
    const plan = pixelcnnppPlan({ filters: 1, resnets: num(call.args.resnets, 5), scales });
    const pp = provePlan(plan, h, w);
    if (!pp.ok && pp.violation) {
      const witness = describePlanViolation(pp.violation);
      report(P.PIXEL_LEAK, call.node.callee.span, { what: `\`${name}\``, witness });
    }
    return;
  }
  let stack: ArStack;
  let spans: Span[] = [];
  if (name === 'pixelcnn') {
    const cs = convSpecs(call);
    if (cs.specs.length === 0) return;
    stack = { kind: 'pixelcnn', layers: cs.specs };
    spans = cs.spans;
  } else if (name === 'gated_pixelcnn') {
    stack = { kind: 'gated_pixelcnn', layers: num(call.args.layers, 15), kernel: num(call.args.kernel, 3) };
  } else {
    const cell = call.args.cell === 'diagonal_bilstm' ? 'diagonal_bilstm' : 'row_lstm';
    stack = { kind: cell, layers: num(call.args.layers, 12) };
  }
  const proof = analyzeArStack(stack, img);
  const what = `\`${name}\``;
  if (!proof.ok && proof.violation) {
    const v = proof.violation;
    const witness = describePixelViolation(v, img);
    const culprit = spans[v.layer - 1];
    const related = culprit
      ? [{ span: culprit, message: `the prediction first depends on a non-causal pixel after ${v.label}` }]
      : [];
    if (stack.kind === 'pixelcnn' && stack.layers[0]!.mask === 'B' && v.layer === 1) {
      report(P.FIRST_MASK_B, spans[0] ?? call.node.callee.span, { witness });
    } else {
      report(
        P.PIXEL_LEAK,
        culprit ?? call.node.callee.span,
        { what, witness },
        culprit ? [{ span: call.node.callee.span, message: 'in this conditional' }] : related,
      );
    }
    return;
  }
  if (stack.kind === 'pixelcnn' && stack.layers[0]!.mask === 'B') {
    // causal overall (a later layer re-masks), but the first layer still sees its own pixel
    report(P.FIRST_MASK_B, spans[0] ?? call.node.callee.span, {
      witness: 'each pixel reaches its own features in layer 1 (mask B)',
    });
  }
  if (stack.kind === 'pixelcnn' && proof.blindSpot && proof.blindSpot.size > 0) {
    report(P.BLIND_SPOT, call.node.callee.span, {
      size: proof.blindSpot.size,
      context: proof.blindSpot.context,
      rows: -proof.blindSpot.box.dyMin,
    });
  }
}

function proveConditional(model: CheckedModel, report: Report): void {
  const call = model.conditional;
  const data = model.data;
  if (!call || !data) return;
  const D = numel(data.shape);
  if (D > MAX_PROOF_DIMS) return;
  const name = call.kind.name;
  let order: number[] | undefined;
  if (model.order) {
    order = checkOrder(model.order.values, D, model.order.span, report);
    if (!order) return;
  }
  if (name === 'made') {
    if (!order) return;
    const K = data.domain.kind === 'categorical' || data.domain.kind === 'discrete' ? data.domain.K : undefined;
    const perDim = likelihoodOutputs(model.likelihood, K);
    const literal = isMasks(call.args.masks);
    const span = literal ? argSpan(call, 'masks') : call.node.callee.span;
    const related = model.order ? [{ span: model.order.span, message: 'the declared order' }] : [];
    const S = num(call.args.orders, 1),
      C = num(call.args.connectivities, 1),
      E = num(call.args.ensemble, 1);
    if (literal && S * C > 1) {
      report(P.MADE_MEMBERS, argSpan(call, S > 1 ? 'orders' : 'connectivities'), {
        problem: 'literal `masks` are one fixed mask set; they cannot be resampled over orders or connectivities',
      });
      return;
    }
    if (S * C > 1 && E > S * C) {
      report(P.MADE_MEMBERS, argSpan(call, 'ensemble'), {
        problem: `ensemble: ${E} averages more mask sets than the ${S * C} trained (orders ${S} × connectivities ${C})`,
      });
      return;
    }
    // every order/connectivity the training draws is proved, each the same way as the declared one
    for (const m of S * C > 1 ? madeMembers(order, S, C, connectivityOf(call.args.connectivity)) : [undefined]) {
      const args = m ? { ...call.args, connectivity: undefined } : call.args;
      const what = m ? `\`made\` (order [${m.order.join(', ')}], ${connectivityText(m.connectivity)})` : '`made`';
      if (m) madeMemberConnectivity.set(args, m.connectivity);
      proveMade(
        what,
        args,
        m?.order ?? order,
        perDim,
        span,
        related,
        report,
        data.name,
        literal && written(call, 'hidden'),
      );
    }
    if (call.args.direct === true && !isAutoregressive([directMask(order)], order)) {
      report(P.AR_LEAK, argSpan(call, 'direct'), {
        what: 'the direct connections of `made`',
        witness: 'a direct input reaches its own output',
        more: 0,
      });
    }
  } else if (name === 'pixelcnn' || name === 'gated_pixelcnn' || name === 'pixelrnn' || name === 'pixelcnnpp') {
    proveImageConditional(model, call, report);
  }
}

export const autoregressiveCheck: ModelCheck = {
  name: 'autoregressive',
  run(model: CheckedModel, ctx: CheckContext) {
    const report = onceReporter(ctx);
    proveConditional(model, report);
    madeLayers(model, report);
    permuteLayers(model, report);
    couplingNetMasks(model, report);
    // an order declared on a model without a conditional still has to be a permutation
    if (!model.conditional && model.order && model.data && model.order.values.length <= MAX_PROOF_DIMS)
      checkOrder(model.order.values, numel(model.data.shape), model.order.span, report);
  },
};
