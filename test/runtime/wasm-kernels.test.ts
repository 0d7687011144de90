// The kernel substitutes registered for the wasm backend (Conv2DBackpropFilter, UnsortedSegmentSum,
// the stride-1 Conv2DBackpropInput) give the cpu backend's gradients; a conv coupling model's
// training gradients on wasm equal those on cpu.
import { describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { build } from '../../runtime/build.js';
import { Rng } from '../../runtime/rng.js';
import { checkerboard, coupling, flowIR, layer, resnet } from './ir-fixtures.js';
import { maxAbsDiff, perturb, useWasmBackend } from './helpers.js';
import { layerCases, multiScaleIR } from './cases.js';

useWasmBackend();

function on<T>(backend: string, f: () => T): T {
  tf.setBackend(backend);
  return f();
}

function arr(shape: number[], seed: number): Float32Array {
  return new Rng(seed).normalArray(shape.reduce((a, b) => a * b, 1));
}

describe('wasm substitute kernels', () => {
  it('the wasm backend loads, with the substitutes registered', () => {
    expect(tf.getKernel('Conv2DBackpropFilter', 'wasm')).toBeDefined();
    expect(tf.getKernel('UnsortedSegmentSum', 'wasm')).toBeDefined();
  });

  type Pad = 'same' | 'valid' | tf.backend_util.ExplicitPadding;
  const convs: { k: number; s: number | [number, number]; pad: Pad; x: number[]; co: number }[] = [
    { k: 3, s: 1, pad: 'same', x: [2, 6, 6, 3], co: 4 },
    { k: 3, s: 2, pad: 'valid', x: [2, 7, 7, 2], co: 3 },
    { k: 5, s: 2, pad: 'same', x: [1, 8, 8, 2], co: 2 },
    { k: 1, s: 1, pad: 'valid', x: [3, 4, 4, 5], co: 2 },
    { k: 3, s: [1, 2], pad: 'same', x: [2, 5, 6, 2], co: 3 },
    { k: 3, s: 2, pad: 'valid', x: [2, 8, 8, 2], co: 3 }, // last row/col never visited
    {
      k: 3,
      s: 1,
      pad: [
        [0, 0],
        [2, 0],
        [1, 1],
        [0, 0],
      ],
      x: [2, 6, 5, 3],
      co: 2,
    }, // causal, asymmetric
    {
      k: 3,
      s: 2,
      pad: [
        [0, 0],
        [1, 2],
        [0, 1],
        [0, 0],
      ],
      x: [1, 7, 6, 2],
      co: 2,
    }, // more padding than visited
  ];
  for (const c of convs) {
    it(`conv2d gradients (k=${c.k}, stride ${c.s}, ${JSON.stringify(c.pad)}) match cpu`, () => {
      const fshape = [c.k, c.k, c.x[3], c.co];
      const xv = arr(c.x, 1),
        fv = arr(fshape, 2);
      const grads = (backend: string) =>
        on(backend, () =>
          tf.tidy(() => {
            const x = tf.tensor4d(xv, c.x as [number, number, number, number]);
            const f = tf.tensor4d(fv, fshape as [number, number, number, number]);
            const w = tf.tidy(() => tf.randomNormal(tf.conv2d(x, f, c.s, c.pad).shape, 0, 1, 'float32', 5));
            const [gx, gf] = tf.grads((a: tf.Tensor, b: tf.Tensor) =>
              tf.sum(tf.mul(tf.conv2d(a as tf.Tensor4D, b as tf.Tensor4D, c.s, c.pad), w)),
            )([x, f]);
            return [Array.from(gx.dataSync()), Array.from(gf.dataSync())];
          }),
        );
      const cpu = grads('cpu'),
        wasm = grads('wasm');
      expect(maxAbsDiff(wasm[0], cpu[0])).toBeLessThan(1e-4);
      expect(maxAbsDiff(wasm[1], cpu[1])).toBeLessThan(1e-4);
    });
  }

  it('gather gradient (UnsortedSegmentSum) matches cpu', () => {
    const xv = arr([3, 5], 3);
    const g = (backend: string) =>
      on(backend, () =>
        tf.tidy(() => {
          const x = tf.tensor2d(xv, [3, 5]);
          const idx = tf.tensor1d([4, 0, 0, 2, 3, 1, 4], 'int32');
          const w = tf.tensor2d(arr([3, 7], 4), [3, 7]);
          return Array.from(
            tf
              .grad((a: tf.Tensor) => tf.sum(tf.mul(tf.gather(a, idx, 1), w)))(x)
              .dataSync(),
          );
        }),
      );
    expect(maxAbsDiff(g('wasm'), g('cpu'))).toBeLessThan(1e-5);
  });

  it('a conv coupling model (checkerboard, channel permute) has the same training gradients on wasm and cpu', () => {
    tf.setBackend('cpu');
    const ir = flowIR({
      shape: [2, 4, 4],
      flow: [
        coupling([2, 4, 4], checkerboard(2, 4, 4), resnet(1, 8)),
        layer('permute', [2, 4, 4], { perm: [1, 0] }),
        layer('squeeze', [2, 4, 4], {}, [8, 2, 2]),
        layer('split', [8, 2, 2], { prior: 'conditional' }, [4, 2, 2]),
      ],
    });
    const model = build(ir);
    perturb(model, 0.2);
    const xv = arr([4, 2, 4, 4], 6);
    const grads = (backend: string) =>
      on(backend, () =>
        tf.tidy(() => {
          const x = tf.tensor(xv, [4, 2, 4, 4]);
          const { grads: g } = tf.variableGrads(
            () => tf.neg(tf.mean(model.logProb(x))) as tf.Scalar,
            model.variables.filter((v) => v.trainable),
          );
          return model.variables.filter((v) => v.trainable).map((v) => Array.from(g[v.name].dataSync()));
        }),
      );
    const cpu = grads('cpu'),
      wasm = grads('wasm');
    for (let i = 0; i < cpu.length; i++) expect(maxAbsDiff(wasm[i], cpu[i])).toBeLessThan(1e-3);
    tf.setBackend('cpu');
    model.dispose();
  });

  const dequant = flowIR({
    shape: [1, 2, 2],
    domain: { kind: 'discrete', K: 8 },
    flow: [
      layer('dequantize', [1, 2, 2], {
        type: 'variational',
        K: 8,
        flow: [coupling([1, 2, 2], checkerboard(1, 2, 2), resnet(1, 4))],
      }),
      layer('logit', [1, 2, 2], { alpha: 0.05 }),
      coupling([1, 2, 2], checkerboard(1, 2, 2, 1), resnet(1, 4)),
    ],
  });
  const all = [
    ...layerCases(),
    { name: 'multi-scale model', ir: multiScaleIR('conditional'), range: undefined },
    { name: 'variational dequantization', ir: dequant, range: [0, 8] as [number, number] },
  ];
  for (const c of all) {
    it(`training gradients of ${c.name} on wasm equal cpu's (every kernel its grads need exists)`, () => {
      tf.setBackend('cpu');
      const model = build(c.ir);
      perturb(model, 0.1);
      const shape = [3, ...c.ir.data.shape];
      const rng = new Rng(8);
      const xv = c.range
        ? rng.uniformArray(
            shape.reduce((a, b) => a * b, 1),
            c.range[0],
            c.range[1],
          )
        : rng.normalArray(shape.reduce((a, b) => a * b, 1));
      const trainable = model.variables.filter((v) => v.trainable);
      const st = model.rng!.getState();
      const grads = (backend: string) =>
        on(backend, () =>
          tf.tidy(() => {
            model.rng!.setState(st); // the same dequantization noise on both backends
            const x = tf.tensor(xv, shape);
            if (!trainable.length) {
              // parameter-free layers: the gradient with respect to x
              const gx = tf.grad((xx: tf.Tensor) => tf.sum(model.logProb(xx)))(x);
              return [Array.from(gx.dataSync())];
            }
            const { value, grads: g } = tf.variableGrads(
              () => tf.neg(tf.mean(model.logProb(x))) as tf.Scalar,
              trainable,
            );
            return [Array.from(value.dataSync()), ...trainable.map((v) => Array.from(g[v.name].dataSync()))];
          }),
        );
      const cpu = grads('cpu'),
        wasm = grads('wasm');
      for (let i = 0; i < cpu.length; i++)
        expect(maxAbsDiff(wasm[i], cpu[i])).toBeLessThan(2e-3 * (1 + Math.max(...cpu[i].map(Math.abs))));
      tf.setBackend('cpu');
      model.dispose();
    });
  }
});
