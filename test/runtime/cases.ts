// One small FlowIR per layer kind / variant, shared by the log-det and inverse tests.
import type { FlowIR } from '../../compiler/ir/types.js';
import {
  alternate,
  channelMask,
  checkerboard,
  coupling,
  flowIR,
  layer,
  made,
  mlp,
  resnet,
  tanhMlp,
} from './ir-fixtures.js';

export interface Case {
  name: string;
  ir: FlowIR;
  /** inputs in (lo, hi) instead of N(0,1) */ range?: [number, number];
  /** parameter noise (default 0.3) */ noise?: number;
}

const v = (D: number, ...flow: FlowIR['flow'] & object) => ({ shape: [D], flow });

export function layerCases(): Case[] {
  const img = [2, 4, 4];
  return [
    { name: 'coupling affine tanh (mlp, alternate)', ir: flowIR(v(4, coupling([4], alternate(4), mlp(8)))) },
    {
      name: 'coupling affine exp (mlp, tanh act)',
      ir: flowIR(v(4, coupling([4], alternate(4, 1), tanhMlp(8, 8), 'affine', 'exp'))),
    },
    { name: 'coupling affine sigmoid', ir: flowIR(v(4, coupling([4], [1, 1, 0, 0], mlp(8), 'affine', 'sigmoid'))) },
    { name: 'coupling additive', ir: flowIR(v(4, coupling([4], [0, 1, 0, 1], mlp(8), 'additive'))) },
    {
      name: 'coupling checkerboard resnet',
      ir: flowIR({ shape: img, flow: [coupling(img, checkerboard(2, 4, 4, 1), resnet(1, 4))] }),
    },
    {
      name: 'coupling channel resnet',
      ir: flowIR({ shape: [4, 2, 2], flow: [coupling([4, 2, 2], channelMask(4, 2, 2, false), resnet(1, 4))] }),
    },
    {
      name: 'coupling checkerboard mlp on an image',
      ir: flowIR({ shape: [2, 2, 2], flow: [coupling([2, 2, 2], checkerboard(2, 2, 2), mlp(8))] }),
    },
    { name: 'squeeze', ir: flowIR({ shape: img, flow: [layer('squeeze', img, {}, [8, 2, 2])] }) },
    {
      name: 'split fixed (image)',
      ir: flowIR({ shape: [4, 2, 2], flow: [layer('split', [4, 2, 2], { prior: 'fixed' }, [2, 2, 2])] }),
    },
    {
      name: 'split conditional (image)',
      ir: flowIR({ shape: [4, 2, 2], flow: [layer('split', [4, 2, 2], { prior: 'conditional' }, [2, 2, 2])] }),
    },
    { name: 'split conditional (vector)', ir: flowIR(v(4, layer('split', [4], { prior: 'conditional' }, [2]))) },
    { name: 'permute (vector)', ir: flowIR(v(4, layer('permute', [4], { perm: [2, 0, 3, 1] }))) },
    {
      name: 'permute (image channels)',
      ir: flowIR({ shape: [3, 2, 2], flow: [layer('permute', [3, 2, 2], { perm: [2, 0, 1] })] }),
    },
    { name: 'logit', ir: flowIR(v(4, layer('logit', [4], { alpha: 0.05 }))), range: [0.05, 0.95] },
    { name: 'actnorm (vector)', ir: flowIR(v(3, layer('actnorm', [3], { dataInit: false }))) },
    {
      name: 'actnorm (image)',
      ir: flowIR({ shape: [2, 2, 2], flow: [layer('actnorm', [2, 2, 2], { dataInit: false })] }),
    },
    {
      name: 'invconv1x1 lu (image)',
      ir: flowIR({ shape: [3, 2, 2], flow: [layer('invconv1x1', [3, 2, 2], { lu: true })] }),
    },
    {
      name: 'invconv1x1 no lu (image)',
      ir: flowIR({ shape: [3, 2, 2], flow: [layer('invconv1x1', [3, 2, 2], { lu: false })] }),
    },
    { name: 'invconv1x1 lu (vector)', ir: flowIR(v(3, layer('invconv1x1', [3], { lu: true }))) },
    {
      name: 'planar tanh iterative',
      ir: flowIR(v(3, layer('planar', [3], { activation: 'tanh', inverse: 'iterative' }))),
    },
    {
      name: 'planar leaky_relu iterative',
      ir: flowIR(v(3, layer('planar', [3], { activation: 'leaky_relu', inverse: 'iterative' }))),
    },
    {
      name: 'planar softplus iterative',
      ir: flowIR(v(3, layer('planar', [3], { activation: 'softplus', inverse: 'iterative' }))),
    },
    { name: 'radial iterative', ir: flowIR(v(3, layer('radial', [3], { inverse: 'iterative' }))) },
    { name: 'maf', ir: flowIR(v(4, layer('maf', [4], { order: [3, 1, 0, 2], net: made(8, 8) }))) },
    { name: 'iaf', ir: flowIR(v(4, layer('iaf', [4], { order: [0, 1, 2, 3], net: made(8) }))) },
    {
      name: 'maf (image)',
      ir: flowIR({
        shape: [2, 2, 2],
        flow: [layer('maf', [2, 2, 2], { order: [7, 6, 5, 4, 3, 2, 1, 0], net: made(8) })],
      }),
    },
  ];
}

/** a whole multi-scale model: level(coupling ×2, squeeze, split) then couplings, actnorm, invconv */
export function multiScaleIR(splitPrior: 'fixed' | 'conditional' = 'fixed', seed = 1): FlowIR {
  const s0 = [1, 4, 4],
    s1 = [4, 2, 2],
    s2 = [2, 2, 2];
  return flowIR({
    shape: s0,
    seed,
    flow: [
      coupling(s0, checkerboard(1, 4, 4, 0), resnet(1, 4)),
      coupling(s0, checkerboard(1, 4, 4, 1), resnet(1, 4)),
      layer('squeeze', s0, {}, s1),
      coupling(s1, channelMask(4, 2, 2, true), resnet(1, 4)),
      layer('actnorm', s1, { dataInit: false }),
      layer('invconv1x1', s1, { lu: true }),
      layer('split', s1, { prior: splitPrior }, s2),
      coupling(s2, checkerboard(2, 2, 2, 0), resnet(1, 4)),
      coupling(s2, checkerboard(2, 2, 2, 1), resnet(1, 4), 'affine', 'sigmoid'),
    ],
  });
}
