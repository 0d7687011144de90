// Masked convolutions (runtime/ar/masked-conv.ts): the fast path (kernel cropped to the rows a
// causal mask reaches, asymmetric explicit padding, fused bias/ReLU, hand-written backward) gives
// the same outputs and the same gradients for x, W and b as the plain path (stock conv2d of W·M
// with symmetric padding, add, activation, autodiff), to float32 rounding, on cpu and wasm: masks
// A and B, k = 1, 3, 5, 7 (and an even k), one and three colour groups, with and without the input
// gradient. The masks' rows below the centre, which the crop drops, are zero. Nothing leaks.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import '../../runtime/gradients.js';
import { initBackend } from '../../runtime/backend.js';
import { channelGroups, convMaskArray, type MaskType } from '../../runtime/ar/convmask.js';
import {
  disposeMaskedConv,
  makeMaskedConv,
  maskedConv2d as plainConv,
  type MaskedConv2d,
} from '../../runtime/ar/masked-conv.js';
import { setConfig } from '../../runtime/config.js';
import { implementationOf } from '../../runtime/plan/planner.js';
import type { ActName } from '../../runtime/ar/common.js';
import { Rng } from '../../runtime/rng.js';

type MaskedConvPath = 'fast' | 'plain';
/** a pixelcnn's masked conv as the planner gives it: the cropped kernel unless the setting maskedConv is plain */
const maskedConv2d = implementationOf<MaskedConv2d>(
  { id: 'conditional', kind: 'pixelcnn', contextShape: null },
  plainConv,
);

beforeAll(async () => {
  await initBackend('wasm'); // wasm paths and the kernel substitutes that training needs
});
afterAll(async () => {
  setConfig({ maskedConv: 'fast' });
  await tf.setBackend('cpu');
});

interface Case {
  k: number;
  cin: number;
  cout: number;
  C: number;
  mask: MaskType;
  act: ActName;
}

const cases: Case[] = [
  { k: 3, cin: 1, cout: 4, C: 1, mask: 'A', act: 'relu' },
  { k: 3, cin: 4, cout: 4, C: 1, mask: 'B', act: 'relu' },
  { k: 5, cin: 3, cout: 6, C: 3, mask: 'A', act: 'relu' },
  { k: 5, cin: 6, cout: 6, C: 3, mask: 'B', act: 'none' },
  { k: 7, cin: 1, cout: 5, C: 1, mask: 'A', act: 'relu' },
  { k: 7, cin: 6, cout: 3, C: 3, mask: 'B', act: 'tanh' },
  { k: 3, cin: 6, cout: 9, C: 3, mask: 'A', act: 'none' },
  { k: 4, cin: 3, cout: 6, C: 3, mask: 'B', act: 'relu' },
  { k: 1, cin: 6, cout: 9, C: 3, mask: 'B', act: 'none' },
  { k: 1, cin: 4, cout: 1, C: 1, mask: 'B', act: 'none' },
  { k: 1, cin: 2, cout: 5, C: 1, mask: 'B', act: 'relu' },
  { k: 3, cin: 2, cout: 3, C: 1, mask: 'none', act: 'relu' },
];

const N = 2,
  H = 5,
  W = 6;

function inputs(c: Case, seed: number) {
  const rng = new Rng(seed);
  return {
    x: rng.uniformTensor([N, H, W, c.cin], -1, 1) as tf.Tensor4D,
    w: rng.uniformTensor([c.k, c.k, c.cin, c.cout], -1, 1) as tf.Tensor4D,
    b: rng.uniformTensor([c.cout], -0.5, 0.5) as tf.Tensor1D,
    r: rng.uniformTensor([N, H, W, c.cout], -1, 1) as tf.Tensor4D, // upstream gradient
  };
}

/** output and gradients of Σ r·y for x (if inputGrad), W, b */
function run(c: Case, p: MaskedConvPath, inputGrad: boolean, seed: number): Float32Array[] {
  const m = makeMaskedConv(c.k, channelGroups(c.cin, c.C), channelGroups(c.cout, c.C), c.mask);
  const { x, w, b, r } = inputs(c, seed);
  const prev = setConfig({ maskedConv: p });
  try {
    return tf.tidy(() => {
      const y = maskedConv2d(x, w, b, m, c.act, { inputGrad });
      const f = inputGrad
        ? (xv: tf.Tensor, wv: tf.Tensor, bv: tf.Tensor) =>
            tf.sum(tf.mul(maskedConv2d(xv as tf.Tensor4D, wv as tf.Tensor4D, bv as tf.Tensor1D, m, c.act), r))
        : (wv: tf.Tensor, bv: tf.Tensor) =>
            tf.sum(tf.mul(maskedConv2d(x, wv as tf.Tensor4D, bv as tf.Tensor1D, m, c.act, { inputGrad: false }), r));
      const gs = tf.grads(f as (...a: tf.Tensor[]) => tf.Tensor)(inputGrad ? [x, w, b] : [w, b]);
      return [y, ...gs].map((t) => Float32Array.from(t.dataSync()));
    });
  } finally {
    setConfig(prev);
    [x, w, b, r].forEach((t) => t.dispose());
    disposeMaskedConv(m);
  }
}

function expectClose(a: Float32Array, b: Float32Array, what: string): void {
  expect(a.length, what).toBe(b.length);
  let scale = 0,
    err = 0;
  for (let i = 0; i < a.length; i++) {
    scale = Math.max(scale, Math.abs(b[i]!));
    err = Math.max(err, Math.abs(a[i]! - b[i]!));
  }
  expect(scale, `${what}: not all zero`).toBeGreaterThan(0);
  expect(err, what).toBeLessThanOrEqual(2e-6 * (scale + 1) * 8);
}

const label = (c: Case) => `k=${c.k} mask ${c.mask} ${c.cin}→${c.cout} (${c.C} group${c.C > 1 ? 's' : ''}, ${c.act})`;

describe('a causal mask is zero below the centre row (what the crop drops)', () => {
  for (const k of [1, 3, 4, 5, 7]) {
    for (const type of ['A', 'B'] as MaskType[]) {
      it(`k=${k} mask ${type}`, () => {
        const c = Math.floor((k - 1) / 2);
        const inG = channelGroups(6, 3),
          outG = channelGroups(9, 3);
        const m = convMaskArray(k, k, c, c, inG, outG, type);
        const per = k * 6 * 9;
        expect(m.subarray((c + 1) * per).every((v) => v === 0)).toBe(true);
        expect(m.subarray(0, (c + 1) * per).some((v) => v !== 0) || (k === 1 && type === 'A')).toBe(true);
        const mc = makeMaskedConv(k, inG, outG, type);
        expect(mc.rows).toBe(c + 1);
        expect(Array.from(mc.Mc!.dataSync())).toEqual(Array.from(m.subarray(0, (c + 1) * per)));
        disposeMaskedConv(mc);
      });
    }
  }
});

for (const backend of ['cpu', 'wasm'] as const) {
  describe(`fast masked conv equals the plain one on ${backend}`, () => {
    type MaskedConvPath = 'fast' | 'plain';
    /** a pixelcnn's masked conv as the planner gives it: the cropped kernel unless the setting maskedConv is plain */
    const maskedConv2d = implementationOf<MaskedConv2d>(
      { id: 'conditional', kind: 'pixelcnn', contextShape: null },
      plainConv,
    );

    beforeAll(async () => {
      await tf.setBackend(backend);
    });

    cases.forEach((c, i) => {
      it(label(c), () => {
        const before = tf.memory().numTensors;
        const fast = run(c, 'fast', true, 11 + i);
        const plain = run(c, 'plain', true, 11 + i);
        ['y', 'dx', 'dW', 'db'].forEach((n, j) => expectClose(fast[j]!, plain[j]!, `${label(c)} ${n}`));
        // without the input gradient (the data layer): same W and b gradients
        const fastNoX = run(c, 'fast', false, 11 + i);
        ['y', 'dW', 'db'].forEach((n, j) =>
          expectClose(fastNoX[j]!, plain[j === 0 ? 0 : j + 1]!, `${label(c)} ${n} (no dx)`),
        );
        expect(tf.memory().numTensors).toBe(before);
      });
    });

    it('the fast path crops the kernel to the rows the mask reaches (3×3 mask B runs a 2×3 conv)', () => {
      const c = cases[1]!;
      const m = makeMaskedConv(c.k, channelGroups(c.cin, 1), channelGroups(c.cout, 1), c.mask);
      const { x, w, b, r } = inputs(c, 5);
      const shapes = (p: MaskedConvPath) => {
        const prev = setConfig({ maskedConv: p });
        const seen: number[][] = [];
        const orig = tf.engine().runKernel.bind(tf.engine());
        const spy = (name: string, ins: tf.NamedTensorMap, attrs?: tf.NamedAttrMap) => {
          if (name === tf.Conv2D || name === tf.FusedConv2D) seen.push((ins.filter as tf.Tensor).shape);
          return orig(name, ins, attrs);
        };
        (tf.engine() as unknown as { runKernel: typeof spy }).runKernel = spy;
        try {
          tf.tidy(() => {
            maskedConv2d(x, w, b, m, 'relu');
          });
        } finally {
          (tf.engine() as unknown as { runKernel: typeof orig }).runKernel = orig;
          setConfig(prev);
        }
        return seen;
      };
      expect(shapes('plain')).toEqual([[3, 3, 4, 4]]);
      expect(shapes('fast')).toEqual([[2, 3, 4, 4]]);
      [x, w, b, r].forEach((t) => t.dispose());
      disposeMaskedConv(m);
    });
  });
}
