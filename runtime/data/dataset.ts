// The in-memory data set every source produces: N examples, each flattened (C,H,W order for
// images) into a row of a Float32Array.

export interface Dataset {
  /** human-readable origin, e.g. "toy:moons (n=8192, noise=0.05, seed=7)" */
  name: string;
  /** number of examples */
  n: number;
  /** shape of one example as stored in the source (e.g. [784] or [1, 28, 28] or [2]) */
  shape: number[];
  /** row-major values, length n · prod(shape) */
  x: Float32Array;
}

export interface DataSplit {
  train: Dataset;
  /** held-out rows for periodic evaluation */
  test: Dataset;
}

/** A user-facing error about data (bad file, wrong shape, bad values). Never shown with a trace. */
export class DataError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'DataError';
  }
}

export const prod = (shape: readonly number[]): number => shape.reduce((a, b) => a * b, 1);

export function rowsOf(ds: Dataset, start: number, end: number, name = ds.name): Dataset {
  const d = prod(ds.shape);
  return { name, n: end - start, shape: ds.shape, x: ds.x.slice(start * d, end * d) };
}

/** Examples in the order given by `idx`. */
export function takeRows(ds: Dataset, idx: readonly number[], name = ds.name): Dataset {
  const d = prod(ds.shape);
  const x = new Float32Array(idx.length * d);
  idx.forEach((k, r) => x.set(ds.x.subarray(k * d, (k + 1) * d), r * d));
  return { name, n: idx.length, shape: ds.shape, x };
}
