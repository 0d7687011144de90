// A model-level `order` in a flow model: every `maf`/`iaf` of the density flow that does not write its own
// `order:` follows it (as the literal permutation); a layer that sees a different number of dimensions
// (after squeeze/split) cannot, and is an error (FC608) — the model's order is never silently ignored.
import { makeDiagnostic } from '../../grammar/diagnostic.js';
import { MODEL_ORDER_SIZE } from '../diagnostics/codes-proofs.js';
import type { CheckedCall, CheckedLayer, CheckedModel } from './model.js';
import type { Ctx } from './context.js';

/** was the argument written (defaults carry the call's own span) */
function written(c: CheckedCall, name: string): boolean {
  const s = c.argSpans?.[name];
  return !!s && !(s.start === c.node.span.start && s.end === c.node.span.end);
}

function* layersOf(ls: readonly CheckedLayer[] | undefined): Generator<CheckedLayer> {
  for (const l of ls ?? []) {
    yield l;
    if (l.children) yield* layersOf(l.children);
  }
}

export function applyModelOrder(model: CheckedModel, ctx: Ctx): void {
  const order = model.order;
  if (!order || !model.flow) return;
  for (const l of layersOf(model.flow)) {
    if ((l.kind.name !== 'maf' && l.kind.name !== 'iaf') || written(l, 'order') || !l.inShape.length) continue;
    const n = l.inShape.reduce((a, b) => a * b, 1);
    if (n === order.values.length) {
      l.args.order = [...order.values];
      l.argSpans.order = order.span;
    } else {
      const p = { layer: l.kind.name, D: order.values.length, n };
      ctx.report(makeDiagnostic(MODEL_ORDER_SIZE, l.node.callee.span, p));
    }
  }
}
