// Invertibility: every flow layer keeps the element count (split hands half to the prior), a
// coupling transforms something and conditions on something, planar activations are smooth
// and monotone, and 1×1 convolutions stay invertible by parameterization. (Positive coupling
// scales — exp, sigmoid, exp∘tanh — and planar's wᵀu ≥ −1 / radial's β ≥ −α reparameterizations
// are built in: the registry admits no other form.)
import type { CheckedLayer, ModelCheck } from '../check/model.js';
import * as P from '../diagnostics/codes-proofs.js';
import { allLayers, argSpan, numel, onceReporter, shaped } from './util.js';

const NOT_SMOOTH = new Set(['relu']);
const NOT_MONOTONE = new Set(['sin', 'cos', 'gelu', 'swish']);

export const invertibilityCheck: ModelCheck = {
  name: 'invertibility',
  run(model, ctx) {
    const report = onceReporter(ctx);
    const layers: CheckedLayer[] = [...allLayers(model.flow), ...allLayers(model.posterior?.layers)];
    for (const l of layers) {
      const name = l.kind.name;
      if (shaped(l)) {
        const nin = numel(l.inShape),
          nout = numel(l.outShape);
        // split halves; the categorical encoding is not a bijection but an encoder q(z|x) scored by its bound (×d)
        const d = name === 'dequantize' && l.args.type === 'categorical' ? nout / Math.max(1, nin) : 1;
        const ok = name === 'split' ? nout * 2 === nin : d >= 1 && Number.isInteger(d) ? true : nout === nin;
        if (!ok) report(P.ELEMENT_COUNT, l.node.span, { layer: name, inShape: l.inShape, outShape: l.outShape });
      }
      if (name === 'coupling' && l.mask && l.mask.length > 0) {
        const ones = l.mask.filter((x) => x === 1).length;
        if (ones === l.mask.length) report(P.COUPLING_NOTHING, argSpan(l, 'mask'), { n: l.mask.length });
        else if (ones === 0) report(P.COUPLING_EVERYTHING, argSpan(l, 'mask'), { n: l.mask.length });
      }
      if (name === 'planar') {
        const act = typeof l.args.activation === 'string' ? l.args.activation : 'tanh';
        if (NOT_MONOTONE.has(act)) report(P.PLANAR_NOT_MONOTONE, argSpan(l, 'activation'), { activation: act });
        else if (NOT_SMOOTH.has(act)) report(P.PLANAR_NOT_SMOOTH, argSpan(l, 'activation'), { activation: act });
      }
      if (name === 'invconv1x1' && l.args.lu === false) {
        report(P.INVCONV_NO_LU, argSpan(l, 'lu'), { C: l.inShape[0] ?? 1 });
      }
    }
  },
};
