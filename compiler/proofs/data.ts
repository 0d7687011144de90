// Data: a continuous flow fitted to discrete data needs dequantization, otherwise the
// likelihood is unbounded (δ-peaks on the data points); `logit` expects continuous values in
// [0, 1]; `dequantize` belongs first, and only on discrete data.
import type { ModelCheck } from '../check/model.js';
import * as P from '../diagnostics/codes-proofs.js';
import { onceReporter } from './util.js';

const DISCRETE = new Set(['binary', 'discrete', 'categorical']);

export const dataCheck: ModelCheck = {
  name: 'data',
  run(model, ctx) {
    if (model.family !== 'flow' || !model.data || !model.flow || model.flow.length === 0) return;
    const report = onceReporter(ctx);
    const domain = model.data.domain.kind;
    const discrete = DISCRETE.has(domain);
    const layers = model.flow;
    const dq = layers.findIndex((l) => l.kind.name === 'dequantize');
    if (discrete && dq < 0) report(P.DELTA_PEAK, model.data.span, { domain });
    if (!discrete) {
      for (const l of layers) if (l.kind.name === 'dequantize') report(P.DEQUANTIZE_REAL, l.node.callee.span, {});
    } else if (dq > 0) {
      report(P.DEQUANTIZE_NOT_FIRST, layers[dq]!.node.callee.span, { before: layers[0]!.kind.name });
    }
    if (discrete) {
      layers.forEach((l, i) => {
        if (l.kind.name === 'logit' && (dq < 0 || dq > i)) report(P.LOGIT_UNDEQUANTIZED, l.node.callee.span, { domain });
      });
    }
  },
};
