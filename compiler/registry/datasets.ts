// Data sources (category 'dataset'): the value of `train { data: ... }` and `train { test: ... }`.
// This file is the one table of their arguments and defaults: the checker, the lowering to FlowIR, the
// runtime (runtime/data/source.ts) and the command line's `--data toy:NAME?...` all read it.
import { makeDiagnostic } from '../../grammar/diagnostic.js';
import { BAD_DATA_PATH } from '../diagnostics/codes-registry.js';
import { DATA_LIMITS, specPathProblem } from './data-rules.js';
import type { LayerKind, ResolvedArgs } from './types.js';
import { T, arg } from './spec.js';

export interface ToyDefaults {
  n: number;
  noise: number;
  seed: number;
}

/** Defaults of each toy density (moons: bench W1's recipe; the others follow FFJORD's noise levels). */
export const TOY_DEFAULTS: Readonly<Record<string, ToyDefaults>> = {
  moons: { n: 8192, noise: 0.05, seed: 7 },
  circles: { n: 8192, noise: 0.05, seed: 7 },
  '8gaussians': { n: 8192, noise: 0.1, seed: 7 },
  checkerboard: { n: 8192, noise: 0, seed: 7 },
  pinwheel: { n: 8192, noise: 0.1, seed: 7 },
  spirals: { n: 8192, noise: 0.1, seed: 7 },
};

export const TOY_NAMES = Object.keys(TOY_DEFAULTS);

const perToy = (k: keyof ToyDefaults): string =>
  `default per density: ${TOY_NAMES.map((t) => `${t} ${TOY_DEFAULTS[t]![k]}`).join(', ')}`;

/** the default MNIST split, and the threshold `binarized` / `binarize` stand for */
export const MNIST_DEFAULT_SPLIT = 'train';
export const BINARIZE_THRESHOLD = 128;

const path = arg('path', T.str(), "file path, relative to the spec's folder (see the data file rules)", {
  positional: true,
  required: true,
});
const binarize = arg('binarize', T.num(), 'threshold to {0, 1}: x ≥ binarize → 1, else 0 (e.g. 128 for bytes)');

/** `flowc check`: a file path must follow DATA_FILE_RULES; reported at the path string. */
function checkPath(args: ResolvedArgs, ctx: Parameters<NonNullable<LayerKind['check']>>[1]): void {
  if (typeof args.path !== 'string') return;
  const problem = specPathProblem(args.path);
  if (problem) ctx.report(makeDiagnostic(BAD_DATA_PATH, ctx.span('path'), { path: args.path, problem }));
}

const file = (name: string, doc: string): LayerKind => ({
  name,
  category: 'dataset',
  doc,
  args: [path, binarize],
  check: checkPath,
});

export const DATASETS: LayerKind[] = [
  {
    name: 'toy',
    category: 'dataset',
    doc: '2-D toy densities sampled on the fly (write `toy("8gaussians")`: a name may not start with a digit).',
    args: [
      arg('name', T.oneOf(...TOY_NAMES), 'which toy density', { positional: true, required: true }),
      arg('n', T.int(2, DATA_LIMITS.maxToyPoints), `number of points (${perToy('n')})`),
      arg('noise', T.num(0), `standard deviation of the added Gaussian noise (${perToy('noise')})`),
      arg('seed', T.int(0), `seed of the generator (${perToy('seed')})`),
    ],
  },
  {
    name: 'mnist',
    category: 'dataset',
    doc:
      'MNIST digits as [1, 28, 28] (bytes 0..255, or {0,1} when binarized: byte ≥ 128); ' +
      'split train = 8000 rows, test = 2000 rows, all = both.',
    args: [
      arg('binarized', T.bool(), 'threshold at 128 to {0, 1}', { positional: true, default: false }),
      arg('split', T.oneOf('train', 'test', 'all'), 'which rows', { default: MNIST_DEFAULT_SPLIT }),
      arg('color', T.bool(), 'coloured digits [3, 28, 28]: each painted in one of 8 fixed colours (seeded per row)', {
        default: false,
      }),
    ],
  },
  {
    name: 'words',
    category: 'dataset',
    doc:
      'The letters of the words of a word list as categorical(27)[len]: a..z = 0..25, 26 = end of word; words ' +
      'of other characters or longer than len are skipped. ' +
      "Default list: /usr/share/dict/words (Debian's wamerican).",
    args: [
      arg('path', T.str(), "word list, one word per line, relative to the spec's folder (default: the system list)", {
        positional: true,
      }),
      arg('len', T.int(1, 64), 'letters per example (default 8)'),
    ],
    check: checkPath,
  },
  {
    name: 'permutations',
    category: 'dataset',
    doc:
      'Random permutations of 0..n−1 as categorical(n)[n] ("set shuffling", Lippe & Gavves 2021); ' +
      'the optimum is log₂(n!)/n bits per category.',
    args: [
      arg('n', T.int(2, 256), 'elements per permutation (default 8)'),
      arg('rows', T.int(1, 1_000_000), 'number of permutations (default 20000)'),
      arg('seed', T.int(0), 'seed of the generator (default 7)'),
    ],
  },
  file('idx', 'An IDX file (the MNIST file format), optionally gzip-compressed.'),
  file('csv', 'A CSV file of numbers, one example per row (a header row is skipped).'),
  file('npy', 'A NumPy .npy array, first axis = examples.'),
];

/**
 * A data source's arguments with every default filled in from this table, so that FlowIR (and the run's
 * log) says exactly which data runs: `toy(moons)` → `{ name: 'moons', n: 8192, noise: 0.05, seed: 7 }`.
 */
export function datasetArgs(source: string, args: Record<string, unknown>): Record<string, unknown> {
  if (source === 'toy' && typeof args.name === 'string' && TOY_DEFAULTS[args.name]) {
    return { ...TOY_DEFAULTS[args.name], ...args };
  }
  return args;
}
