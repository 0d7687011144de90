// Data sources (category 'dataset'): the value of `train { data: ... }`.
import type { LayerKind } from './types.js';
import { T, arg } from './spec.js';

export const TOY_NAMES = ['moons', 'circles', '8gaussians', 'checkerboard', 'pinwheel', 'spirals'] as const;

const path = arg('path', T.str(), 'file path, relative to the spec file', { positional: true, required: true });

export const DATASETS: LayerKind[] = [
  {
    name: 'toy',
    category: 'dataset',
    doc: '2-D toy densities sampled on the fly.',
    args: [
      arg('name', T.oneOf(...TOY_NAMES), 'which toy density', { positional: true, required: true }),
      arg('n', T.int(1), 'number of points', { default: 8192 }),
      arg('noise', T.num(0), 'standard deviation of the added Gaussian noise', { default: 0.05 }),
      arg('seed', T.int(0), 'seed of the generator', { default: 0 }),
    ],
  },
  {
    name: 'mnist',
    category: 'dataset',
    doc: 'MNIST digits as [1, 28, 28] (bytes 0..255, or {0,1} when binarized: byte ≥ 128).',
    args: [
      arg('binarized', T.bool(), 'threshold at 128 to {0, 1}', { positional: true, default: false }),
      arg('split', T.oneOf('train', 'test', 'all'), 'which rows', { default: 'train' }),
    ],
  },
  { name: 'idx', category: 'dataset', doc: 'An IDX file (the MNIST file format).', args: [path] },
  { name: 'csv', category: 'dataset', doc: 'A CSV file of numbers, one example per row.', args: [path] },
  { name: 'npy', category: 'dataset', doc: 'A NumPy .npy array, first axis = examples.', args: [path] },
];
