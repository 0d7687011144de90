// Finding the first layer that goes non-finite: run the flow layer by layer on the offending batch.
import * as tf from '@tensorflow/tfjs-core';
import type { FlowModel } from './model.js';

interface LayerLike {
  id: string;
  kind: string;
  forward(x: tf.Tensor): { y: tf.Tensor; logDet: tf.Tensor };
}

const finite = (t: tf.Tensor): boolean => (t.dataSync() as Float32Array).every(Number.isFinite);

/**
 * Returns e.g. "layer flow.3.coupling (coupling, at spec.flow:12:7) produced a non-finite log-det",
 * or undefined when every layer is finite (then the prior or likelihood is at fault) or the model
 * does not expose its layers.
 */
export function firstNonFiniteLayer(model: FlowModel, x: tf.Tensor): string | undefined {
  const at = new Map((model.ir.flow ?? []).map((l) => [l.id, l.at]));
  const where = (id: string, kind: string) => `layer ${id} (${kind}${at.get(id) ? `, at ${at.get(id)}` : ''})`;
  if (!finite(x)) return 'the input batch itself holds non-finite values';
  return tf.tidy(() => {
    if (model.trace) {
      for (const l of model.trace(x)) {
        if (!finite(l.output)) return `${where(l.id, l.kind)} produced a non-finite output`;
        if (!finite(l.logDet)) return `${where(l.id, l.kind)} produced a non-finite log-det`;
      }
      return undefined;
    }
    const layers = (model as unknown as { bijectors?: LayerLike[] }).bijectors;
    if (!Array.isArray(layers)) return undefined;
    // the flow runtime keeps images NHWC internally
    let h: tf.Tensor = x.rank === 4 ? tf.transpose(x, [0, 2, 3, 1]) : tf.cast(x, 'float32');
    for (const b of layers) {
      const r = b.forward(h);
      if (!finite(r.y)) return `${where(b.id, b.kind)} produced a non-finite output`;
      if (!finite(r.logDet)) return `${where(b.id, b.kind)} produced a non-finite log-det`;
      h = r.y;
    }
    return undefined;
  });
}
