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
  /**
   * what a conditional model p(x | y) is conditioned on: ySize values per row (a class label: 1), if the
   * source has them
   */
  y?: Float32Array;
  ySize?: number;
}

/** the y rows [start, end) of a data set that has them */
function yRows(ds: Dataset, idx: readonly number[]): Pick<Dataset, 'y' | 'ySize'> {
  if (!ds.y) return {};
  const k = ds.ySize ?? 1;
  const y = new Float32Array(idx.length * k);
  idx.forEach((r, j) => y.set(ds.y!.subarray(r * k, (r + 1) * k), j * k));
  return { y, ySize: k };
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
  const ys = ds.y
    ? yRows(
        ds,
        Array.from({ length: end - start }, (_, i) => start + i),
      )
    : {};
  return { name, n: end - start, shape: ds.shape, x: ds.x.slice(start * d, end * d), ...ys };
}

/** Examples in the order given by `idx`. */
export function takeRows(ds: Dataset, idx: readonly number[], name = ds.name): Dataset {
  const d = prod(ds.shape);
  const x = new Float32Array(idx.length * d);
  idx.forEach((k, r) => x.set(ds.x.subarray(k * d, (k + 1) * d), r * d));
  return { name, n: idx.length, shape: ds.shape, x, ...yRows(ds, idx) };
}

/** the y values of batch k, with the wrap-around of batchRows: (k·B + j) mod N */
export function batchLabels(ds: Dataset, k: number, B: number): Float32Array | undefined {
  if (!ds.y) return undefined;
  const start = (k * B) % ds.n;
  return yRows(
    ds,
    Array.from({ length: B }, (_, j) => (start + j) % ds.n),
  ).y;
}

/**
 * Attaches a labels file's rows to a data set as its y (one value per row: a class label; or a vector per row).
 * Throws DataError when the counts differ.
 */
export function withLabels(ds: Dataset, labels: Dataset): Dataset {
  if (labels.n !== ds.n) {
    throw new DataError(`${labels.name} has ${labels.n} rows of labels, but ${ds.name} has ${ds.n} examples`);
  }
  return { ...ds, name: `${ds.name} with labels ${labels.name}`, y: labels.x, ySize: prod(labels.shape) };
}
