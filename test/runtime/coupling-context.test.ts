// The conditioning context (runtime/bijectors/context.ts): a coupling built with
// BuildContext.contextShape joins ctx to its conditioner's input. Oracles: the inverse undoes the
// forward for the same ctx, the log-det equals log|det| of the autodiff Jacobian ∂y/∂x (ctx held
// fixed), a different ctx gives a different y, and the parameter shapes without a context are the
// ones they were.
import { describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { FlowModelImpl } from '../../runtime/flow-model.js';
import type { LayerIR, NetIR } from '../../compiler/ir/types.js';
import { alternate, channelMask, checkerboard, coupling, flowIR, layer, mlp, resnet } from './ir-fixtures.js';
import { jacobian, logAbsDet, maxAbsDiff, perturb, randn } from './helpers.js';

interface Case {
  name: string;
  shape: number[]; // FlowIR [D] or [C, H, W]
  flow: (s: number[]) => LayerIR[];
  context: number[]; // internal: [k] or [H, W, k]
  /** the first conditioner weight's shape with the context, and without */
  w0?: { with: number[]; without: number[]; name: string };
}

const cpl = (s: number[], m: number[], net: NetIR) => coupling(s, m, net, 'affine', 'tanh');
const cases: Case[] = [
  {
    name: 'vector coupling, vector ctx',
    shape: [4],
    context: [3],
    flow: (s) => [cpl(s, alternate(4, 0), mlp(8)), cpl(s, alternate(4, 1), mlp(8))],
    w0: { name: 'net.0.W', with: [7, 8], without: [4, 8] },
  },
  {
    name: 'image checkerboard coupling (resnet), vector ctx tiled',
    shape: [2, 2, 2],
    context: [3],
    flow: (s) => [cpl(s, checkerboard(2, 2, 2, 0), resnet(1, 4)), cpl(s, checkerboard(2, 2, 2, 1), resnet(1, 4))],
  },
  {
    name: 'image channel-split coupling, image ctx',
    shape: [2, 2, 2],
    context: [2, 2, 3],
    flow: (s) => [cpl(s, channelMask(2, 2, 2, true), resnet(1, 4)), cpl(s, channelMask(2, 2, 2, false), mlp(6))],
  },
  {
    name: 'squeeze then coupling, image ctx at the data grid (squeezed to the layer)',
    shape: [1, 4, 2],
    context: [4, 2, 1],
    flow: () => [layer('squeeze', [1, 4, 2], {}, [4, 2, 1]), cpl([4, 2, 1], channelMask(4, 2, 1, true), resnet(1, 4))],
  },
];

describe('coupling with a conditioning context', () => {
  for (const c of cases) {
    it(c.name, () => {
      const ir = flowIR({ shape: c.shape, flow: c.flow(c.shape), seed: 3 });
      const m = new FlowModelImpl(ir, { contextShape: c.context });
      perturb(m, 0.4, 5);
      const N = 3;
      const x = randn([N, ...c.shape], 11);
      const c1 = randn([N, ...c.context], 12),
        c2 = randn([N, ...c.context], 13);
      const before = tf.memory().numTensors;
      tf.tidy(() => {
        const f1 = m.forward(x, c1),
          f2 = m.forward(x, c2);
        // the context matters
        expect(maxAbsDiff(f1.z.dataSync(), f2.z.dataSync())).toBeGreaterThan(1e-3);
        expect(maxAbsDiff(f1.logDet.dataSync(), f2.logDet.dataSync())).toBeGreaterThan(1e-4);
        // inverse(forward(x, c), c) = x
        const back = m.inverse(f1.z, c1);
        expect(maxAbsDiff(back.x.dataSync(), x.dataSync())).toBeLessThan(1e-5);
        expect(maxAbsDiff(tf.add(back.logDet, f1.logDet).dataSync(), new Float32Array(N))).toBeLessThan(1e-4);
        // log-det = log|det ∂z/∂x| of each example, ctx held fixed
        for (let n = 0; n < N; n++) {
          const xn = tf.slice(x, [n], [1]),
            cn = tf.slice(c1, [n], [1]);
          const J = jacobian((xx) => m.forward(xx, cn).z, xn);
          expect(J.length).toBe(J[0].length);
          expect(Math.abs(logAbsDet(J) - f1.logDet.dataSync()[n])).toBeLessThan(1e-4);
        }
        // sampling takes the context too
        const s = m.sample(N, { seed: 1, context: c1 });
        expect(s.shape).toEqual([N, ...c.shape]);
      });
      expect(tf.memory().numTensors).toBe(before);
      if (c.w0) {
        const id = ir.flow![0].id;
        expect(m.namedVariables().get(`${id}.${c.w0.name}`)!.shape).toEqual(c.w0.with);
        const plain = new FlowModelImpl(ir);
        expect(plain.namedVariables().get(`${id}.${c.w0.name}`)!.shape).toEqual(c.w0.without);
        plain.dispose();
      }
      x.dispose();
      c1.dispose();
      c2.dispose();
      m.dispose();
    });
  }

  it('an unconditioned flow has the same parameters with contextShape null as without options', () => {
    const ir = flowIR({ shape: [2, 2, 2], flow: cases[2].flow([2, 2, 2]) });
    const a = new FlowModelImpl(ir),
      b = new FlowModelImpl(ir, { contextShape: null });
    const shapes = (m: FlowModelImpl) => [...m.namedVariables()].map(([k, v]) => [k, v.shape]);
    expect(shapes(b)).toEqual(shapes(a));
    a.dispose();
    b.dispose();
  });

  it('refuses a context of the wrong shape, a missing one, and one that does not fit the grid', () => {
    const ir = flowIR({ shape: [4], flow: cases[0].flow([4]) });
    const m = new FlowModelImpl(ir, { contextShape: [3] });
    const x = tf.zeros([2, 4]);
    expect(() => m.logProb(x, tf.zeros([2, 5]))).toThrow(/context has shape \[5\], the model was built for \[3\]/);
    expect(() => m.logProb(x)).toThrow(/built with a conditioning context; pass ctx/);
    m.dispose();
    x.dispose();
    const img = flowIR({ shape: [2, 2, 2], flow: cases[2].flow([2, 2, 2]) });
    expect(() => new FlowModelImpl(img, { contextShape: [3, 3, 1] })).toThrow(/does not fit the layer's 2×2 grid/);
    expect(() => new FlowModelImpl(ir, { contextShape: [2, 2, 1] })).toThrow(/cannot condition a vector layer/);
  });
});
