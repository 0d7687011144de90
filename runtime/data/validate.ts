// Checks a data set against the spec's `data` declaration (shape and domain) before training.
import type { Domain, FlowIR, VarIR } from '../../compiler/ir/types.js';
import { DataError, prod, type Dataset } from './dataset.js';

export function domainText(d: Domain): string {
  if (d.kind === 'real' || d.kind === 'binary') return d.kind;
  return `${d.kind}(${d.K})`;
}

export function declText(v: VarIR): string {
  return `${domainText(v.domain)}[${v.shape.join(', ')}]`;
}

const fmt = (v: number): string => String(Number(v.toPrecision(4)));
const squeeze1 = (s: readonly number[]): string => s.filter((d) => d !== 1).join(',');

/** Throws a DataError naming the first problem; returns silently when the data fits the spec. */
export function checkData(ds: Dataset, v: VarIR): void {
  const d = prod(ds.shape);
  const want = prod(v.shape);
  if (d !== want) {
    const what =
      ds.shape.length === 1 ? `${d} column${d === 1 ? '' : 's'}` : `examples of shape [${ds.shape.join(', ')}]`;
    throw new DataError(`${ds.name}: data has ${what}, spec declares ${declText(v)}`);
  }
  // flattening is fine either way (rows are C,H,W order); two image shapes must agree
  if (ds.shape.length > 1 && v.shape.length > 1 && squeeze1(ds.shape) !== squeeze1(v.shape)) {
    throw new DataError(
      `${ds.name}: data has examples of shape [${ds.shape.join(', ')}], spec declares ${declText(v)} (images are ` +
        `channels first: [C, H, W])`,
    );
  }
  let lo = Infinity;
  let hi = -Infinity;
  let nonInt = -1;
  for (let i = 0; i < ds.x.length; i++) {
    const x = ds.x[i]!;
    if (!Number.isFinite(x)) {
      const row = Math.floor(i / d) + 1;
      const what = Number.isNaN(x) ? 'NaN' : x > 0 ? 'Infinity' : '-Infinity';
      throw new DataError(`${ds.name}: row ${row} has ${what} (column ${(i % d) + 1})`);
    }
    if (x < lo) lo = x;
    if (x > hi) hi = x;
    if (nonInt < 0 && !Number.isInteger(x)) nonInt = i;
  }
  const dom = v.domain;
  const range = `values ${fmt(lo)}..${fmt(hi)}`;
  if (dom.kind === 'binary') {
    if (nonInt >= 0 || lo < 0 || hi > 1) {
      const hint =
        hi <= 1
          ? ''
          : ds.name.startsWith('mnist')
            ? ' (use --data mnist:binarized)'
            : ' (threshold it with --data FILE?binarize, or declare the data discrete(256))';
      throw new DataError(`${ds.name}: ${range} but spec declares binary${hint}`);
    }
  } else if (dom.kind === 'discrete' || dom.kind === 'categorical') {
    if (nonInt >= 0) {
      throw new DataError(
        `${ds.name}: row ${Math.floor(nonInt / d) + 1} has the non-integer value ${fmt(ds.x[nonInt]!)} but spec ` +
          `declares ${domainText(dom)}`,
      );
    }
    if (lo < 0 || hi > dom.K - 1) {
      throw new DataError(`${ds.name}: ${range} but spec declares ${domainText(dom)} (0..${dom.K - 1})`);
    }
  }
}

/** Bits/dim applies to discrete data (binary, discrete, categorical). */
export function isDiscrete(v: VarIR): boolean {
  return v.domain.kind !== 'real';
}

/**
 * The labels of a conditional model p(x | y) (ds.y), checked against its `condition` before training: a class
 * label per row, an integer 0..K−1 (the first bad one is named by its row), or a vector of the declared size.
 * Sets without labels are reported where the labels are needed; models without `condition` ignore y.
 */
export function checkLabels(ds: Dataset, ir: Pick<FlowIR, 'model' | 'condition'>): void {
  const c = ir.condition;
  if (!c || !ds.y) return;
  const k = ds.ySize ?? 1;
  if (c.domain.kind === 'categorical') {
    if (k !== 1) {
      throw new DataError(
        `${ds.name}: ${k} label values per row, but \`${c.name}\` is one class (categorical(${c.size}))`,
      );
    }
    for (let r = 0; r < ds.n; r++) {
      const y = ds.y[r]!;
      if (!Number.isInteger(y) || y < 0 || y >= c.size) {
        const what = Number.isInteger(y) ? 'out of range' : 'not an integer';
        throw new DataError(
          `${ds.name}: row ${r + 1} has the label ${fmt(y)} (${what}), but \`${c.name}\` is a class 0..${c.size - 1}`,
        );
      }
    }
    return;
  }
  if (k !== c.size) {
    throw new DataError(`${ds.name}: ${k} condition values per row, but \`${c.name}\` is real[${c.size}]`);
  }
  const bad = ds.y.findIndex((v) => !Number.isFinite(v));
  if (bad >= 0) throw new DataError(`${ds.name}: row ${Math.floor(bad / k) + 1} has a non-finite condition value`);
}
