// Size: parameter count, activation memory and multiply-adds per example, estimated from the
// registry's parameter and FLOP rules before anything is allocated.
import type { CheckedLayer, CheckedModel, ModelCheck } from '../check/model.js';
import {
  conditionalFlops,
  conditionalOf,
  conditionalParams,
  countParams,
  likelihoodOutputs,
  netFlops,
  netOf,
  netParams,
} from '../registry/index.js';
import { madeHidden } from '../registry/made-masks.js';
import { makeDiagnostic as mk } from '../../grammar/diagnostic.js';
import * as P from '../diagnostics/codes-proofs.js';
import { allLayers, num, numel } from './util.js';

export const LIMITS = {
  /** more parameters than this is an error */
  paramsError: 1e9,
  paramsWarning: 1e8,
  /** activation bytes for one batch */
  activationBytes: 8 * 2 ** 30,
  flopsPerExample: 1e11,
};

export interface SizeEstimate {
  params: number;
  flops: number;
  activationBytes: number;
}

const BYTES = 4; // float32

/** activations of a conditioner net for one example (its hidden features) */
function netActivations(v: unknown, spatial: number): number {
  const n = netOf(v);
  if (!n) return 0;
  if (n.kind === 'resnet') return n.channels * spatial * (2 * n.blocks + 2);
  return n.hidden.reduce((a, b) => a + b, 0);
}

function layerSize(l: CheckedLayer, K?: number): SizeEstimate {
  if (!l.inShape.length) return { params: 0, flops: 0, activationBytes: 0 };
  // the categorical encoding's tables have one row per category of the data (as lower.ts passes them)
  const args = l.kind.name === 'dequantize' && K !== undefined ? { ...l.args, K } : l.args;
  const params = l.kind.params ? countParams(l.kind.params(l.inShape, args)) : 0;
  const flops = l.kind.flops ? l.kind.flops(l.inShape, args) : 0;
  const spatial = l.inShape.length === 3 ? l.inShape[1]! * l.inShape[2]! : 1;
  const acts = numel(l.outShape.length ? l.outShape : l.inShape) + netActivations(l.args.net, spatial);
  return { params, flops, activationBytes: acts * BYTES };
}

export function estimateSize(model: CheckedModel): SizeEstimate {
  const tot: SizeEstimate = { params: 0, flops: 0, activationBytes: 0 };
  const add = (s: SizeEstimate) => {
    tot.params += s.params;
    tot.flops += s.flops;
    tot.activationBytes += s.activationBytes;
  };
  const categories = (model.data?.domain as { K?: number } | undefined)?.K;
  for (const l of allLayers(model.flow)) add(layerSize(l, categories));
  for (const l of allLayers(model.posterior?.layers)) add(layerSize(l));
  const data = model.data;
  if (!data) return tot;
  const D = numel(data.shape);
  const K = data.domain.kind === 'categorical' || data.domain.kind === 'discrete' ? data.domain.K : undefined;
  const o = likelihoodOutputs(model.likelihood, K);
  if (model.conditional) {
    const cond = conditionalOf(model.conditional);
    if (cond) {
      tot.params += conditionalParams(cond, data.shape, o);
      tot.flops += conditionalFlops(cond, data.shape, o);
      const [, H = 1, W = 1] = data.shape.length === 3 ? data.shape : [1, 1, 1];
      const a = cond.args;
      let acts = D * o;
      if (cond.name === 'made') acts += madeHidden(a, [500, 500]).reduce((x, y) => x + y, 0);
      else if (cond.name === 'nade') acts += num(a.hidden, 500) * D;
      else if (cond.name === 'pixelcnn') acts += cond.layers.reduce((x, l) => x + l.channels * H * W, 0);
      else if (cond.name === 'gated_pixelcnn') acts += num(a.layers, 15) * 6 * num(a.channels, 64) * H * W;
      // pixelcnnpp: ~8 maps of `filters` channels per gated block at full resolution, 2 streams
      else if (cond.name === 'pixelcnnpp') acts += (2 * num(a.resnets, 5) + 1) * 2 * 8 * num(a.filters, 160) * H * W;
      else if (cond.name === 'pixelrnn') acts += num(a.layers, 12) * 8 * num(a.hidden, 64) * H * W;
      tot.activationBytes += acts * BYTES;
    }
  }
  const Dz = model.latent ? numel(model.latent.shape) : 0;
  if (model.encoder && Dz) {
    const enc = netOf(model.encoder);
    if (enc) {
      tot.params += netParams(enc, D, 2 * Dz);
      tot.flops += netFlops(enc, D, 2 * Dz);
      tot.activationBytes += netActivations(model.encoder, 1) * BYTES;
    }
  }
  if (model.decoder && Dz) {
    const dec = netOf(model.decoder);
    if (dec) {
      tot.params += netParams(dec, Dz, D * o);
      tot.flops += netFlops(dec, Dz, D * o);
      tot.activationBytes += (netActivations(model.decoder, 1) + D * o) * BYTES;
    }
  }
  return tot;
}

export const sizeCheck: ModelCheck = {
  name: 'size',
  gate: true,
  run(model, ctx) {
    const s = estimateSize(model);
    const span = model.node.name.span;
    const report = (d: Parameters<typeof ctx.report>[0]) => ctx.report(d);
    const batch = num(model.train.batch, 64);
    if (s.params > LIMITS.paramsError)
      report(mk(P.TOO_MANY_PARAMS, span, { params: s.params, limit: LIMITS.paramsError }));
    else if (s.params > LIMITS.paramsWarning)
      report(mk(P.MANY_PARAMS, span, { params: s.params, limit: LIMITS.paramsWarning }));
    if (s.activationBytes * batch > LIMITS.activationBytes) {
      report(
        mk(P.ACTIVATION_MEMORY, span, {
          perExample: s.activationBytes,
          batch,
          total: s.activationBytes * batch,
          limit: LIMITS.activationBytes,
        }),
      );
    }
    if (s.flops > LIMITS.flopsPerExample)
      report(mk(P.TOO_MANY_FLOPS, span, { flops: s.flops, limit: LIMITS.flopsPerExample }));
  },
};
