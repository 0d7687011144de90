// Labels from a CSV column (`FILE.csv?label=COL`): the source string round-trips, the column leaves x and becomes
// y (by index or header name), and labels that do not fit the model's `condition` are reported with their row.
import { describe, expect, it } from 'vitest';
import { DataError, withLabelColumn } from '../../runtime/data/dataset.js';
import { parseCsv } from '../../runtime/data/csv.js';
import { describeSource, parseSource } from '../../runtime/data/source.js';
import { checkLabels } from '../../runtime/data/validate.js';

const cond = (kind: 'categorical' | 'real', size: number) => ({
  model: 'M',
  condition: {
    name: 'y',
    domain: kind === 'categorical' ? { kind, K: size } : { kind },
    shape: kind === 'categorical' ? [] : [size],
    size,
  },
});

describe('?label=COL in a source string', () => {
  it('parses and round-trips, with and without binarize', () => {
    for (const [src, label, bin] of [
      ['x.csv?label=3', '3', undefined],
      ['dir/x.csv?label=digit', 'digit', undefined],
      ['x.csv?binarize=0.5&label=cls', 'cls', 0.5],
    ] as const) {
      const s = parseSource(src);
      expect(s).toMatchObject({ kind: 'file', format: 'csv', label, ...(bin ? { binarize: bin } : {}) });
      expect(parseSource(describeSource(s))).toEqual(s);
    }
  });

  it('refuses other formats and labels from both a file and a column', () => {
    expect(() => parseSource('x.npy?label=1')).toThrow(/label=COL names a column of a CSV file/);
    expect(() => parseSource('x.csv?labels=y.csv&label=1')).toThrow(/not both/);
    expect(() => parseSource('x.csv?label=1&labels=y.csv')).toThrow(/not both/);
  });
});

describe('withLabelColumn', () => {
  const csv = parseCsv('a,b,cls,c\n1,2,0,3\n4,5,2,6\n', 'f.csv');

  it('moves the column to y by name or index, keeping the other columns in order', () => {
    for (const col of ['cls', '2']) {
      const ds = withLabelColumn(csv, col);
      expect(ds.shape).toEqual([3]);
      expect(Array.from(ds.x)).toEqual([1, 2, 3, 4, 5, 6]);
      expect(Array.from(ds.y!)).toEqual([0, 2]);
      expect(ds.ySize).toBe(1);
      expect(ds.columns).toEqual(['a', 'b', 'c']);
    }
    expect(Array.from(withLabelColumn(csv, '0').x)).toEqual([2, 0, 3, 5, 2, 6]);
    expect(Array.from(withLabelColumn(csv, '3').y!)).toEqual([3, 6]);
  });

  it('names what is wrong with the column', () => {
    expect(() => withLabelColumn(csv, 'klass')).toThrow(/no column named 'klass' \(its header names 'a', 'b'/);
    expect(() => withLabelColumn(csv, '4')).toThrow(/label column 4 does not exist \(columns 0\.\.3\)/);
    const bare = parseCsv('1,2\n3,4\n', 'g.csv');
    expect(() => withLabelColumn(bare, 'cls')).toThrow(/no header row: give the column's 0-based index/);
    expect(() => withLabelColumn(parseCsv('1\n2\n', 'h.csv'), '0')).toThrow(DataError);
  });
});

describe('checkLabels', () => {
  const ds = (y: number[], ySize = 1) => ({
    name: 'f.csv',
    n: y.length / ySize,
    shape: [1],
    x: new Float32Array(),
    y: Float32Array.from(y),
    ySize,
  });

  it('accepts classes 0..K−1 and real rows of the declared size', () => {
    expect(() => checkLabels(ds([0, 1, 2, 1]), cond('categorical', 3))).not.toThrow();
    expect(() => checkLabels(ds([0.5, -1, 2, 3], 2), cond('real', 2))).not.toThrow();
  });

  it('reports the first bad label with its row', () => {
    expect(() => checkLabels(ds([0, 1, 2.5]), cond('categorical', 3))).toThrow(
      /f\.csv: row 3 has the label 2\.5 \(not an integer\), but `y` is a class 0\.\.2/,
    );
    expect(() => checkLabels(ds([0, -1]), cond('categorical', 3))).toThrow(/row 2 has the label -1 \(out of range\)/);
    expect(() => checkLabels(ds([0, 1], 2), cond('categorical', 3))).toThrow(/2 label values per row/);
    expect(() => checkLabels(ds([0, 1, 2]), cond('real', 2))).toThrow(
      /1 condition values per row, but `y` is real\[2\]/,
    );
    expect(() => checkLabels(ds([0, NaN], 2), cond('real', 2))).toThrow(/row 1 has a non-finite condition value/);
  });

  it('ignores labels of a model without a condition (mnist always carries its digits)', () => {
    expect(() => checkLabels(ds([7.5]), { model: 'M' })).not.toThrow();
  });
});
