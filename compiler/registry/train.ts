// The entries of a `train { ... }` block, as one pseudo-kind `train` (category 'train').
import type { LayerKind } from './types.js';
import { T, arg } from './spec.js';

export const TRAIN: LayerKind[] = [
  {
    name: 'train',
    category: 'train',
    doc: 'Training settings: data, batch size, length (steps or epochs), optimizer and bookkeeping.',
    args: [
      arg('data', T.call('dataset'), 'training data (energy models draw base samples instead)'),
      arg('test', T.call('dataset'), 'held-out data for the test NLL'),
      arg('batch', T.int(1), 'examples per step', { default: 64 }),
      arg('steps', T.int(1), 'number of optimizer steps'),
      arg('epochs', T.int(1), 'number of passes over the data (alternative to steps)'),
      arg('optimizer', T.call('optimizer'), 'the optimizer', { default: 'adam' }),
      arg('clip', T.num(0, undefined, true), 'clip the global gradient norm to this value'),
      arg('seed', T.int(0), 'seed of initialization, noise and sampling', { default: 0 }),
      arg('eval_every', T.int(1), 'evaluate the test NLL every this many steps'),
      arg('checkpoint_every', T.int(1), 'write a checkpoint every this many steps'),
    ],
  },
];
