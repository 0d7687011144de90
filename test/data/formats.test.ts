import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { parseCsv, formatCsv } from '../../runtime/data/csv.js';
import { DataError } from '../../runtime/data/dataset.js';
import { encodeIdx, parseIdx } from '../../runtime/data/idx.js';
import { encodeNpy, parseNpy } from '../../runtime/data/npy.js';
import { loadRows, loadSplit, parseSource, sourceFromSpec } from '../../runtime/data/source.js';
import { checkData } from '../../runtime/data/validate.js';
import type { VarIR } from '../../compiler/ir/types.js';

const dir = mkdtempSync(join(tmpdir(), 'flowc-data-'));
const errOf = (f: () => unknown): string => {
  try {
    f();
  } catch (e) {
    expect(e).toBeInstanceOf(DataError);
    return (e as Error).message;
  }
  throw new Error('expected a DataError');
};

/** A .npy header written the way numpy 1.x writes it, built by hand (independent of encodeNpy). */
function handNpy(descr: string, shape: number[], body: Uint8Array): Uint8Array {
  const shapeText = shape.length === 1 ? `(${shape[0]},)` : `(${shape.join(', ')})`;
  let h = `{'descr': '${descr}', 'fortran_order': False, 'shape': ${shapeText}, }`;
  h += ' '.repeat(64 - ((10 + h.length + 1) % 64)) + '\n';
  const head = Buffer.concat([
    Buffer.from([0x93]),
    Buffer.from('NUMPY'),
    Buffer.from([1, 0, h.length & 255, h.length >> 8]),
    Buffer.from(h),
  ]);
  return new Uint8Array(Buffer.concat([head, Buffer.from(body)]));
}

describe('csv', () => {
  it('reads rows with and without a header', () => {
    const a = parseCsv('x,y\n1,2\n3.5,-4e-1\n', 'a.csv');
    expect(a.n).toBe(2);
    expect(a.shape).toEqual([2]);
    expect(Array.from(a.x)).toEqual([1, 2, 3.5, Math.fround(-0.4)]);
    expect(parseCsv('1,2\n3,4', 'b.csv').n).toBe(2);
  });
  it('reports ragged rows, empty cells and non-numbers with their row', () => {
    expect(errOf(() => parseCsv('1,2\n3\n', 'r.csv'))).toMatch(/row 2 .* has 1 columns, the first row has 2/);
    expect(errOf(() => parseCsv('1,2\n3,\n', 'r.csv'))).toMatch(/row 2 .*column 2 is empty/);
    expect(errOf(() => parseCsv('1,2\n3,abc\n', 'r.csv'))).toMatch(/row 2 \(line 2\), column 2 is not a number$/);
  });
  it('round-trips through formatCsv', () => {
    const x = Float32Array.from([0.5, 1, -2, 3]);
    expect(parseCsv(formatCsv(x, 2), 'rt.csv').x).toEqual(x);
  });
});

describe('npy', () => {
  it('reads hand-built float64, uint8 and big-endian int32 arrays', () => {
    const f8 = new Float64Array([1.5, -2, 3, 4, 5, 6]);
    const a = parseNpy(handNpy('<f8', [3, 2], new Uint8Array(f8.buffer)), 'a.npy');
    expect(a.n).toBe(3);
    expect(a.shape).toEqual([2]);
    expect(Array.from(a.x)).toEqual([1.5, -2, 3, 4, 5, 6]);
    const u1 = parseNpy(handNpy('|u1', [2, 1, 2, 2], Uint8Array.from([0, 255, 7, 8, 1, 2, 3, 4])), 'b.npy');
    expect(u1.shape).toEqual([1, 2, 2]);
    expect(u1.x[1]).toBe(255);
    const be = Buffer.alloc(8);
    be.writeInt32BE(-7, 0);
    be.writeInt32BE(9, 4);
    expect(Array.from(parseNpy(handNpy('>i4', [2], be), 'c.npy').x)).toEqual([-7, 9]);
  });
  it('writer output reads back, and numpy-style header alignment holds', () => {
    const x = Float32Array.from([1, 2, 3, 4, 5, 6]);
    const buf = encodeNpy(x, [2, 3]);
    const hlen = buf[8]! | (buf[9]! << 8);
    expect((10 + hlen) % 64).toBe(0);
    const back = parseNpy(buf, 'w.npy');
    expect(back.n).toBe(2);
    expect(back.shape).toEqual([3]);
    expect(back.x).toEqual(x);
  });
  it('rejects truncated files and unsupported dtypes', () => {
    const buf = encodeNpy(Float32Array.from([1, 2, 3, 4]), [2, 2]);
    expect(errOf(() => parseNpy(buf.subarray(0, buf.length - 3), 't.npy'))).toMatch(/truncated/);
    expect(errOf(() => parseNpy(handNpy('<c8', [1], new Uint8Array(8)), 'c.npy'))).toMatch(/unsupported dtype/);
    expect(errOf(() => parseNpy(Uint8Array.from([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11]), 'x.npy'))).toMatch(/not a .npy/);
  });
});

describe('idx', () => {
  it('reads a hand-written uint8 IDX file, plain and gzipped', () => {
    // magic 0x00000803, dims 2 × 2 × 3, then 12 bytes
    const body = Buffer.from([
      0,
      0,
      8,
      3,
      0,
      0,
      0,
      2,
      0,
      0,
      0,
      2,
      0,
      0,
      0,
      3,
      ...Array.from({ length: 12 }, (_, i) => i * 20),
    ]);
    for (const buf of [body, gzipSync(body)]) {
      const ds = parseIdx(new Uint8Array(buf), 'images-idx3-ubyte');
      expect(ds.n).toBe(2);
      expect(ds.shape).toEqual([2, 3]);
      expect(ds.x[11]).toBe(220);
    }
    expect(
      encodeIdx(
        Array.from({ length: 12 }, (_, i) => i * 20),
        [2, 2, 3],
      ),
    ).toEqual(new Uint8Array(body));
  });
  it('rejects a truncated file and a bad magic number', () => {
    const buf = encodeIdx([1, 2, 3, 4], [1, 2, 2]);
    expect(errOf(() => parseIdx(buf.subarray(0, buf.length - 1), 't.idx'))).toMatch(/truncated/);
    expect(errOf(() => parseIdx(Uint8Array.from([1, 2, 3, 4]), 'b.idx'))).toMatch(/not an IDX file/);
  });
});

describe('sources', () => {
  it('parses --data strings', () => {
    expect(parseSource('toy:moons')).toEqual({ kind: 'toy', name: 'moons', opts: { n: 8192, noise: 0.05, seed: 7 } });
    expect(parseSource('toy:moons?n=4096&noise=0.01')).toEqual({
      kind: 'toy',
      name: 'moons',
      opts: { n: 4096, noise: 0.01, seed: 7 },
    });
    expect(parseSource('mnist:binarized')).toEqual({ kind: 'mnist', binarized: true, split: 'train' });
    expect(parseSource('mnist?split=all')).toEqual({ kind: 'mnist', binarized: false, split: 'all' });
    expect(parseSource('train-images-idx3-ubyte.gz')).toMatchObject({ kind: 'file', format: 'idx' });
    expect(parseSource('x.NPY')).toMatchObject({ kind: 'file', format: 'npy' });
    expect(errOf(() => parseSource('toy:blobs'))).toMatch(/unknown toy data set 'blobs'.*moons/);
    expect(errOf(() => parseSource('toy:moons?size'))).toMatch(/key=value/);
    expect(errOf(() => parseSource('data.txt'))).toMatch(/cannot tell/);
  });
  it('maps the spec train { data: ... } form', () => {
    expect(sourceFromSpec({ source: 'toy', args: { name: 'moons', noise: 0.01 } })).toEqual({
      kind: 'toy',
      name: 'moons',
      opts: { n: 8192, noise: 0.01, seed: 7 },
    });
    expect(sourceFromSpec({ source: 'toy', args: { '0': 'circles' } })).toMatchObject({ kind: 'toy', name: 'circles' });
    expect(sourceFromSpec({ source: 'mnist', args: { '0': 'binarized' } })).toEqual({
      kind: 'mnist',
      binarized: true,
      split: 'train',
    });
    expect(sourceFromSpec({ source: 'csv', args: { path: 'a.csv' } })).toEqual({
      kind: 'file',
      path: 'a.csv',
      format: 'csv',
    });
  });
  it('splits a file deterministically and keeps every row exactly once', () => {
    const p = join(dir, 'rows.csv');
    writeFileSync(p, Array.from({ length: 50 }, (_, i) => `${i},${-i}`).join('\n'));
    const a = loadSplit(parseSource(p), 3);
    const b = loadSplit(parseSource(p), 3);
    expect(a.train.x).toEqual(b.train.x);
    expect(a.test.n).toBe(5);
    const firsts = [...a.train.x.filter((_, i) => i % 2 === 0), ...a.test.x.filter((_, i) => i % 2 === 0)].sort(
      (p, q) => p - q,
    );
    expect(firsts).toEqual(Array.from({ length: 50 }, (_, i) => i));
    expect(Array.from(loadRows(parseSource(p)).x.slice(0, 4))).toEqual([0, 0, 1, -1]);
  });
  it('FILE?binarize thresholds at 128 (or the given value), keeping NaN for the checker', () => {
    const p = join(dir, 'bytes.csv');
    writeFileSync(p, '0,127,128,255\n10,200,nan,3\n');
    expect(parseSource(`${p}?binarize`)).toMatchObject({ kind: 'file', format: 'csv', binarize: 128 });
    const a = loadRows(parseSource(`${p}?binarize`));
    expect(Array.from(a.x)).toEqual([0, 0, 1, 1, 0, 1, NaN, 0]);
    expect(Array.from(loadRows(parseSource(`${p}?binarize=5`)).x.slice(0, 4))).toEqual([0, 1, 1, 1]);
    expect(errOf(() => parseSource(`${p}?binarize=abc`))).toMatch(/binarize must be a number/);
  });
  it('a missing file is a clear error', () => {
    expect(errOf(() => loadRows(parseSource(join(dir, 'nope.csv'))))).toMatch(/nope.csv: no such file/);
  });
});

describe('checkData', () => {
  const v = (domain: VarIR['domain'], shape: number[]): VarIR => ({ name: 'x', domain, shape });
  const ds = (x: number[], shape: number[]) => ({
    name: 'd.csv',
    n: x.length / shape.reduce((a, b) => a * b, 1),
    shape,
    x: Float32Array.from(x),
  });
  it("reports column count mismatches in the spec's terms", () => {
    expect(errOf(() => checkData(ds([1, 2, 3], [3]), v({ kind: 'real' }, [2])))).toBe(
      'd.csv: data has 3 columns, spec declares real[2]',
    );
    expect(errOf(() => checkData(ds(new Array(12).fill(0), [2, 2, 3]), v({ kind: 'real' }, [3, 2, 2])))).toMatch(
      /channels first/,
    );
  });
  it('accepts flattened images and squeezed unit channels', () => {
    checkData(ds(new Array(8).fill(1), [4]), v({ kind: 'binary' }, [1, 2, 2]));
    checkData(ds(new Array(8).fill(1), [2, 2]), v({ kind: 'binary' }, [1, 2, 2]));
    checkData(ds(new Array(8).fill(1), [1, 2, 2]), v({ kind: 'binary' }, [4])); // images into a vector model
  });
  it('reports NaN with its row and domain violations with the value range', () => {
    expect(errOf(() => checkData(ds([1, 2, 3, NaN], [2]), v({ kind: 'real' }, [2])))).toBe(
      'd.csv: row 2 has NaN (column 2)',
    );
    expect(errOf(() => checkData(ds([0, 255, 3, 4], [2]), v({ kind: 'binary' }, [2])))).toBe(
      'd.csv: values 0..255 but spec declares binary (threshold it with --data FILE?binarize, or declare the data ' +
        'discrete(256))',
    );
    expect(errOf(() => checkData(ds([0, 0.5, 1, 1], [2]), v({ kind: 'discrete', K: 256 }, [2])))).toMatch(
      /row 1 has the non-integer value 0.5/,
    );
    expect(errOf(() => checkData(ds([0, 16, 1, 1], [2]), v({ kind: 'discrete', K: 16 }, [2])))).toMatch(
      /values 0..16 but spec declares discrete\(16\) \(0..15\)/,
    );
    checkData(ds([0, 255, 3, 4], [2]), v({ kind: 'discrete', K: 256 }, [2]));
    checkData(ds([0, 1, 1, 0], [2]), v({ kind: 'binary' }, [2]));
  });
});
