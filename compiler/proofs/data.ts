// Data: a continuous flow fitted to discrete data needs dequantization, otherwise the
// likelihood is unbounded (δ-peaks on the data points); `logit` expects continuous values in
// [0, 1]; `dequantize` belongs first, and only on discrete data.
import type { ModelCheck } from '../check/model.js';
import * as P from '../diagnostics/codes-proofs.js';
import { argSpan, onceReporter } from './util.js';
import type { CheckedLayer, CheckedModel } from '../check/model.js';

const CATEGORICAL_ONLY = ['dim', 'k', 'context'] as const;

/** dequantize(uniform|variational) on categories is an error, dequantize(categorical) on ordered data a warning */
function categoricalChecks(
  l: CheckedLayer,
  domain: string,
  model: CheckedModel,
  report: ReturnType<typeof onceReporter>,
): void {
  const type = String(l.args.type ?? 'uniform');
  const K = (model.data?.domain as { K?: number } | undefined)?.K ?? 2;
  if (type !== 'categorical') {
    if (domain === 'categorical') report(P.ORDINAL_DEQUANTIZE_ON_CATEGORIES, argSpan(l, 'type'), { type, K });
    for (const a of CATEGORICAL_ONLY) {
      if (l.argSpans?.[a]) {
        const what = `\`${a}:\` is an argument of \`dequantize(categorical)\`, not of \`dequantize(${type})\``;
        report(P.CATEGORICAL_ARGUMENT_MISUSED, l.argSpans[a]!, { what });
      }
    }
    return;
  }
  if (domain === 'binary' || domain === 'discrete') report(P.CATEGORICAL_ON_ORDERED, argSpan(l, 'type'), { domain });
  if (l.node.body) {
    const what = '`dequantize(categorical)` takes no nested flow block: its encoding is learned per category';
    report(P.CATEGORICAL_ARGUMENT_MISUSED, l.node.span, { what });
  }
}

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
    for (const l of layers) if (l.kind.name === 'dequantize') categoricalChecks(l, domain, model, report);
    if (discrete) {
      layers.forEach((l, i) => {
        if (l.kind.name === 'logit' && (dq < 0 || dq > i))
          report(P.LOGIT_UNDEQUANTIZED, l.node.callee.span, { domain });
      });
    }
  },
};
