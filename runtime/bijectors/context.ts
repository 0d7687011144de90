// The conditioning context a layer may receive: forward(x, ctx) / inverse(y, out, ctx), ctx [batch, k]
// (a vector, e.g. a one-hot label) or [batch, H, W, k] (an NHWC feature map). A layer that uses it
// (the coupling) concatenates it to its conditioner's input along the last axis; this module says
// how many inputs that adds and reshapes ctx to the layer's grid:
//   vector layer [D],     vector ctx [k]        → +k inputs
//   image layer [H,W,C],  vector ctx [k]        → tiled over H×W, +k channels
//   image layer [H,W,C],  image ctx [H,W,k]     → +k channels
//   image layer [H,W,C],  image ctx [2ⁿH,2ⁿW,k] → squeezed n times like the flow's squeeze, +4ⁿk channels
import * as tf from '@tensorflow/tfjs-core';
import { squeezeNHWC } from './squeeze.js';

export interface ContextInput {
  /** inputs (last-axis entries) the context adds to the conditioner's input */
  readonly extra: number;
  /** the conditioner's input: cond ‖ ctx (ctx tiled or squeezed to cond's grid) */
  join(cond: tf.Tensor, ctx: tf.Tensor): tf.Tensor;
}

/**
 * How a layer of internal shape `layerShape` takes a context of shape `contextShape` (no batch axis);
 * null when there is no context. Throws, naming the layer, when the two cannot be combined.
 */
export function contextInput(
  id: string,
  contextShape: number[] | null | undefined,
  layerShape: number[],
): ContextInput | null {
  if (!contextShape) return null;
  const k = contextShape[contextShape.length - 1];
  const what = `${id}: a conditioning context of shape [${contextShape.join(', ')}]`;
  if (!(k >= 1) || !(contextShape.length === 1 || contextShape.length === 3)) {
    throw new Error(`${what} is neither a vector [k] nor a feature map [H, W, k]`);
  }
  if (contextShape.length === 1) {
    if (layerShape.length === 1) return { extra: k, join: (c, x) => tf.concat([c, check(id, x, contextShape)], 1) };
    return {
      extra: k,
      join: (c, x) => {
        const [N, H, W] = c.shape;
        const t = tf.tile(tf.reshape(check(id, x, contextShape), [N, 1, 1, k]), [1, H, W, 1]);
        return tf.concat([c, t], 3);
      },
    };
  }
  if (layerShape.length !== 3) throw new Error(`${what} cannot condition a vector layer (use a vector context)`);
  const [Hc, Wc] = contextShape;
  const [H, W] = layerShape;
  let n = 0;
  while (Hc >> n > H && (Hc >> n) % 2 === 0) n++;
  if (Hc !== H << n || Wc !== W << n) {
    throw new Error(`${what} does not fit the layer's ${H}×${W} grid (it must be that grid times 2ⁿ)`);
  }
  return {
    extra: k * 4 ** n,
    join: (c, x) => {
      let t = check(id, x, contextShape);
      for (let i = 0; i < n; i++) t = squeezeNHWC(t);
      return tf.concat([c, t], 3);
    },
  };
}

function check(id: string, ctx: tf.Tensor, shape: number[]): tf.Tensor {
  const got = ctx.shape.slice(1);
  if (got.length !== shape.length || got.some((d, i) => d !== shape[i])) {
    throw new Error(
      `${id}: the conditioning context has shape [${got.join(', ')}], the model was built for ` +
        `[${shape.join(', ')}]`,
    );
  }
  return ctx;
}

/** a layer built with a context, called without one */
export function missingContext(id: string): Error {
  return new Error(`${id}: this layer was built with a conditioning context; pass ctx to forward/inverse`);
}
