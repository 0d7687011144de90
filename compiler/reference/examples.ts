// One example per registry kind and per declaration, for the language reference (docs/LANGUAGE.md,
// `flowc help`). Each example is written as it appears in a spec; CONTEXTS says where (the
// reference test checks every example parses and resolves there). Keyed `category:name`.
import type { Category } from '../registry/types.js';

export const EXAMPLES: Readonly<Record<string, string>> = {
  'flow:dequantize': 'dequantize(uniform)',
  'flow:logit': 'logit(alpha: 0.05)',
  'flow:coupling': 'coupling(affine, mask: alternate, flip: true, net: mlp(64, 64), scale: tanh)',
  'flow:squeeze': 'squeeze',
  'flow:split': 'split(prior: conditional)',
  'flow:planar': 'planar(activation: tanh)',
  'flow:radial': 'radial(inverse: iterative)',
  'flow:actnorm': 'actnorm(data_init: true)',
  'flow:invconv1x1': 'invconv1x1(lu: true)',
  'flow:permute': 'permute([2, 0, 3, 1])',
  'flow:maf': 'maf(hidden: [64, 64], order: reverse)',
  'flow:iaf': 'iaf(hidden: [64, 64])',
  'flow:level': 'level { repeat 4 { coupling(affine, mask: checkerboard, net: resnet(blocks: 2)) } }',
  'net:mlp': 'mlp(64, 64, activation: tanh)',
  'net:resnet': 'resnet(blocks: 4, channels: 64, kernel: 3)',
  'net:made': 'made(hidden: [64, 64], connectivity: random(seed: 1))',
  'net:flowpp': 'flowpp(blocks: 2, channels: 32, heads: 4, dropout: 0.1)',
  'conditional:nade': 'nade(hidden: 500)',
  'conditional:made': 'made(hidden: [500, 500], orders: 8, connectivities: 4, ensemble: 32, direct: true)',
  'conditional:pixelcnn': 'pixelcnn { conv(mask: A, kernel: 7, channels: 64) }',
  'conditional:gated_pixelcnn': 'gated_pixelcnn(layers: 15, channels: 64)',
  'conditional:pixelrnn': 'pixelrnn(row_lstm, layers: 12, hidden: 64)',
  'conditional:pixelcnnpp': 'pixelcnnpp(filters: 160, resnets: 5, scales: 3, dropout: 0.5)',
  'ar-layer:conv': 'conv(mask: B, kernel: 3, channels: 64, activation: relu)',
  'likelihood:bernoulli': 'bernoulli',
  'likelihood:categorical': 'categorical',
  'likelihood:logistic_mixture': 'logistic_mixture(k: 10)',
  'likelihood:gaussian': 'gaussian(learned_std: true)',
  'prior:normal': 'normal(learned)',
  'prior:logistic': 'logistic(0, 1)',
  'prior:laplace': 'laplace(scale: 2)',
  'prior:mixture': 'mixture(normal, k: 8)',
  'order:natural': 'natural',
  'order:reverse': 'reverse',
  'order:random': 'random(seed: 3)',
  'order:raster': 'raster(channels: sequential)',
  'mask:checkerboard': 'checkerboard(1)',
  'mask:channel': 'channel',
  'mask:half': 'half',
  'mask:alternate': 'alternate',
  'connectivity:sequential': 'sequential',
  'connectivity:random': 'random(seed: 1)',
  'transform:affine': 'affine',
  'transform:spline': 'spline(bins: 8, bound: 3)',
  'domain:real': 'real[2]',
  'domain:binary': 'binary[784]',
  'domain:categorical': 'categorical(10)[5]',
  'domain:discrete': 'discrete(256)[1, 28, 28]',
  'dataset:toy': 'toy(moons, n: 4096, noise: 0.05)',
  'dataset:mnist': 'mnist(binarized: true, split: test)',
  'dataset:idx': 'idx("data/train-images-idx3-ubyte.gz")',
  'dataset:csv': 'csv("points.csv")',
  'dataset:npy': 'npy("points.npy")',
  'dataset:words': 'words(len: 8)',
  'dataset:permutations': 'permutations(n: 8, rows: 20000)',
  'optimizer:adam': 'adam(lr: 1e-3, beta2: 0.99)',
  'target:energy': 'energy(u1)',
  'posterior:gaussian': 'gaussian',
  'posterior:flow': 'flow(amortized: true) { repeat 16 { planar } }',
  'train:train': 'train { data: toy(moons), batch: 256, steps: 1500, optimizer: adam(lr: 1e-3) }',
};

/** Where an example of each category sits: `$` is replaced by the example (a .flow model body). */
export const CONTEXTS: Readonly<Record<Category, string>> = {
  flow: 'data x: real[4]\n  prior normal\n  flow { $ }',
  net: 'data x: real[4]\n  prior normal\n  flow { coupling(affine, mask: half, net: $) }',
  conditional: 'data x: binary[4]\n  order natural\n  conditional $\n  likelihood bernoulli',
  'ar-layer': 'data x: binary[1, 4, 4]\n  order raster\n  conditional pixelcnn { $ }\n  likelihood bernoulli',
  likelihood: 'data x: discrete(256)[4]\n  order natural\n  conditional made(hidden: [8])\n  likelihood $',
  prior: 'data x: real[4]\n  prior $\n  flow { actnorm }',
  order: 'data x: binary[4]\n  order $\n  conditional made(hidden: [8])\n  likelihood bernoulli',
  mask: 'data x: real[4]\n  prior normal\n  mask m = $\n  flow { coupling(affine, mask: m, net: mlp(8)) }',
  transform: 'data x: real[4]\n  prior normal\n  flow { maf([16], transform: $) }',
  connectivity:
    'data x: binary[4]\n  order natural\n  conditional made(hidden: [8], connectivity: $)\n' + '  likelihood bernoulli',
  domain: 'data x: $\n  order natural\n  conditional made(hidden: [8])\n  likelihood bernoulli',
  dataset: 'data x: real[2]\n  prior normal\n  flow { actnorm }\n  train { data: $ }',
  optimizer: 'data x: real[2]\n  prior normal\n  flow { actnorm }\n  train { optimizer: $ }',
  posterior:
    'data x: binary[4]\n  latent z: real[2]\n  prior normal\n  encoder mlp(8)\n  posterior $\n' +
    '  decoder mlp(8)\n  likelihood bernoulli',
  target: 'latent z: real[2]\n  prior normal\n  target $\n  flow { planar }',
  train: 'data x: real[2]\n  prior normal\n  flow { actnorm }\n  $',
};

/** The forms the parser knows (everything else is a registry call inside them). */
export interface Declaration {
  name: string;
  form: string;
  doc: string;
  example: string;
  where: 'top' | 'model' | 'block';
}

const decl = (where: Declaration['where'], name: string, form: string, doc: string, example: string): Declaration => ({
  name,
  where,
  form,
  doc,
  example,
});

export const DECLARATIONS: readonly Declaration[] = [
  decl(
    'top',
    'let',
    'let NAME = VALUE',
    'A named value (number, list, call, ...) usable in any argument.',
    'let width = 64',
  ),
  decl(
    'top',
    'model',
    'model NAME { ... }',
    'One model; a file may hold several (`--model NAME` picks one).',
    'model TwoMoons {\n  data x: real[2]\n  prior normal\n  flow { actnorm }\n}',
  ),
  decl(
    'model',
    'data',
    'data NAME: DOMAIN[SHAPE]',
    'The observed variable: its domain (see Data domains) and shape, [D] or [C, H, W].',
    'data x: real[2]',
  ),
  decl(
    'model',
    'latent',
    'latent NAME: real[SHAPE]',
    'The latent variable of a VAE or an energy fit.',
    'latent z: real[40]',
  ),
  decl(
    'model',
    'condition',
    'condition NAME: categorical(K) | real[n]',
    'What a conditional model p(x | y) is conditioned on: one class label (fed as a one-hot vector of K) or a ' +
      "real vector. It reaches every `coupling` conditioner of a flow (joined to the conditioner's input), the " +
      "MADE of every `maf` (extra unmasked inputs), every autoregressive conditional (each kind's section says " +
      "how), and a VAE's encoder q(z | x, y) and decoder p(x | z, y) (joined to their inputs; the prior p(z) " +
      'stays unconditional); labels come from the data (`mnist` has them; files take `--labels FILE`, a CSV also ' +
      '`--label-column COL`). `flowc sample --condition y` draws class y; `flowc eval` reports −log p(x | y).',
    'condition y: categorical(10)',
  ),
  decl(
    'model',
    'order',
    'order ORDER | [i, j, ...]',
    'The autoregressive order of the dimensions (an explicit list must be a permutation of 0..D−1). In a flow ' +
      'model every `maf`/`iaf` without its own `order:` follows it (an error where the layer sees fewer dimensions).',
    'order [2, 0, 3, 1]',
  ),
  decl(
    'top',
    'mask',
    'mask NAME = MASK | [1, 0, ...]',
    'A named coupling mask (top level or in a model); 1 passes through, `!m` is its complement.',
    'mask m = [1, 0, 0, 1]',
  ),
  decl('model', 'prior', 'prior PRIOR', 'The base density of a flow or the prior of a VAE.', 'prior normal'),
  decl(
    'model',
    'likelihood',
    'likelihood LIKELIHOOD',
    'The output distribution of an autoregressive model or a VAE decoder.',
    'likelihood bernoulli',
  ),
  decl(
    'model',
    'conditional',
    'conditional CONDITIONAL',
    'The autoregressive conditional p(x_i | x_<i).',
    'conditional made(hidden: [500, 500])',
  ),
  decl('model', 'encoder', 'encoder NET', 'The encoder net of a VAE.', 'encoder mlp(400, 400)'),
  decl('model', 'decoder', 'decoder NET', 'The decoder net of a VAE.', 'decoder mlp(400, 400)'),
  decl('model', 'target', 'target TARGET', 'An unnormalized density fitted by reverse KL.', 'target energy(u2)'),
  decl(
    'model',
    'flow',
    'flow { LAYER ... }',
    'The flow of a flow model, written in the density direction data → latent.',
    'flow {\n  actnorm\n  invconv1x1\n}',
  ),
  decl(
    'model',
    'posterior',
    'posterior POSTERIOR',
    'The approximate posterior q(z|x) of a VAE. `flow(amortized: true)`: the encoder emits the parameters of ' +
      'planar and radial layers per example and a context h (`context:` entries) that every iaf, maf and coupling ' +
      "step reads as an extra input of its conditioner (Kingma et al. 2016's IAF posterior).",
    'posterior flow(amortized: true) { repeat 16 { planar } }',
  ),
  decl(
    'model',
    'train',
    'train { KEY: VALUE, ... }',
    'Training defaults (the `train` entries below); `flowc train` flags override them.',
    'train { data: toy(moons), steps: 1500 }',
  ),
  decl(
    'block',
    'repeat',
    'repeat N { LAYER ... }',
    'N copies of the layers, each with fresh parameters. Inside it, `coupling(..., flip: true)` complements ' +
      'the mask on every other repetition.',
    'repeat 8 { coupling(affine, mask: alternate, flip: true, net: mlp(64)) }',
  ),
  decl(
    'block',
    'level',
    'level(squeeze: true, split: true) { LAYER ... }',
    'One scale of a multi-scale flow: squeeze, the layers, then split off half the channels.',
    'level { repeat 3 { coupling(affine, mask: checkerboard, net: resnet) } }',
  ),
];
