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
  /** a CSV file's header names, one per column (absent without a header row) */
  columns?: string[];
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

/**
 * Moves column `col` of a CSV data set (a 0-based index, or a header name) to its y: the labels of a conditional
 * model, one per row; x keeps the other columns. Throws DataError naming the file's columns when it has no such one.
 */
export function withLabelColumn(ds: Dataset, col: string): Dataset {
  const d = prod(ds.shape);
  const named = ds.columns?.indexOf(col) ?? -1;
  let c: number;
  if (named >= 0) c = named;
  else if (/^\d+$/.test(col)) c = Number(col);
  else {
    throw new DataError(
      ds.columns
        ? `${ds.name}: no column named '${col}' (its header names ${nameList(ds.columns)}; or give a 0-based index)`
        : `${ds.name}: no column named '${col}' (the file has no header row: give the column's 0-based index)`,
    );
  }
  if (c >= d) throw new DataError(`${ds.name}: label column ${c} does not exist (columns 0..${d - 1})`);
  if (d < 2) throw new DataError(`${ds.name}: the label column is its only column (no data would be left)`);
  const x = new Float32Array(ds.n * (d - 1));
  const y = new Float32Array(ds.n);
  for (let r = 0; r < ds.n; r++) {
    const row = ds.x.subarray(r * d, (r + 1) * d);
    y[r] = row[c]!;
    x.set(row.subarray(0, c), r * (d - 1));
    x.set(row.subarray(c + 1), r * (d - 1) + c);
  }
  const label = ds.columns ? `'${ds.columns[c]}'` : String(c);
  const columns = ds.columns?.filter((_, i) => i !== c);
  return {
    name: `${ds.name} with labels from column ${label}`,
    n: ds.n,
    shape: [d - 1],
    x,
    y,
    ySize: 1,
    ...(columns ? { columns } : {}),
  };
}

/** up to 8 names, quoted, then how many more */
const nameList = (names: readonly string[]): string =>
  names
    .slice(0, 8)
    .map((n) => `'${n}'`)
    .join(', ') + (names.length > 8 ? ` and ${names.length - 8} more` : '');
