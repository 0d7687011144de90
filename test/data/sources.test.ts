// One meaning for every data setting: the spec's toy(...)/mnist(...)/idx(...) and the command line's
// --data strings read one table of defaults, name the same rows, and a spec's test: set replaces the hold-out.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { compileSource } from '../../compiler/index.js';
import { TOY_DEFAULTS } from '../../compiler/registry/datasets.js';
import {
  describeSource,
  encodeIdx,
  heldOutRows,
  loadRows,
  loadSplit,
  loadTraining,
  parseSource,
  sourceFromSpec,
} from '../../runtime/data/index.js';

const dir = mkdtempSync(join(tmpdir(), 'flowc-sources-'));
const spec = (data: string, decl = 'real[2]') => `model M {
  data x: ${decl}
  prior normal
  flow { coupling(affine, mask: alternate, net: mlp(4)) }
  train { ${data} }
}`;
const compile = (data: string, decl?: string) => compileSource(spec(data, decl), 'm.flow');
const errorsOf = (data: string) => compile(data).diagnostics.filter((d) => d.severity === 'error');

describe('toy defaults: one table for the spec and --data', () => {
  it('toy("8gaussians") in a spec and --data toy:8gaussians are the same source', () => {
    const ir = compile('data: toy("8gaussians")').ir!;
    expect(ir.train.data!.args).toEqual({ name: '8gaussians', ...TOY_DEFAULTS['8gaussians'] });
    const fromSpec = sourceFromSpec(ir.train.data!);
    expect(fromSpec).toEqual(parseSource('toy:8gaussians'));
    expect(fromSpec).toEqual({ kind: 'toy', name: '8gaussians', opts: { n: 8192, noise: 0.1, seed: 7 } });
  });
  it('keeps what was asked for (seed=3 is seed 3) and writes it out in full', () => {
    const s = parseSource('toy:moons?seed=3&n=100');
    expect(s).toEqual({ kind: 'toy', name: 'moons', opts: { n: 100, noise: 0.05, seed: 3 } });
    expect(parseSource(describeSource(s))).toEqual(s);
    expect(describeSource(s)).toBe('toy:moons?n=100&noise=0.05&seed=3');
  });
  it('shows the form of a toy name that is not an identifier', () => {
    const d = errorsOf('data: toy(8gaussians)');
    expect(d.map((x) => x.message).join('\n')).toMatch(/"8gaussians"/);
  });
});

describe('file sources in a spec', () => {
  it('take binarize as an argument, and refuse options written into the path (at the path string)', () => {
    expect(errorsOf('data: idx("x-idx3-ubyte", binarize: 128)')).toEqual([]);
    expect(compile('data: idx("x-idx3-ubyte", binarize: 128)').ir!.train.data!.args).toEqual({
      path: 'x-idx3-ubyte',
      binarize: 128,
    });
    const text = spec('data: idx("x.idx?binarize")');
    const [d, ...more] = compileSource(text, 'm.flow').diagnostics.filter((x) => x.severity === 'error');
    expect(more).toEqual([]);
    expect(d!.code).toBe('FC430');
    expect(text.slice(d!.span.start, d!.span.end)).toBe('"x.idx?binarize"');
  });
  it('refuse absolute paths and paths that leave the spec folder, at the path string', () => {
    for (const p of ['/etc/passwd', '../../../../etc/passwd']) {
      const text = spec(`data: csv("${p}")`);
      const errs = compileSource(text, 'm.flow').diagnostics.filter((x) => x.severity === 'error');
      expect(errs.map((e) => e.code)).toEqual(['FC430']);
      expect(text.slice(errs[0]!.span.start, errs[0]!.span.end)).toBe(`"${p}"`);
    }
    expect(errorsOf('data: csv("a.csv"), test: npy("../x.npy")').map((e) => e.code)).toEqual(['FC430']);
  });
  it('binarize from the spec thresholds the rows as ?binarize does', () => {
    writeFileSync(join(dir, 'b-idx1-ubyte'), encodeIdx([0, 127, 128, 255], [2, 2]));
    const a = loadRows(sourceFromSpec({ source: 'idx', args: { path: 'b-idx1-ubyte', binarize: 128 } }, dir));
    const b = loadRows(parseSource(join(dir, 'b-idx1-ubyte?binarize')));
    expect(Array.from(a.x)).toEqual([0, 0, 1, 1]);
    expect(Array.from(b.x)).toEqual([0, 0, 1, 1]);
  });
});

describe('a test: set replaces the hold-out', () => {
  it('trains on every row of the training file when the spec names a test set', () => {
    writeFileSync(
      join(dir, 'tr-idx1-ubyte'),
      encodeIdx(
        Array.from({ length: 40 }, (_, i) => i % 256),
        [20, 2],
      ),
    );
    writeFileSync(join(dir, 'te-idx1-ubyte'), encodeIdx([1, 2, 3, 4, 5, 6], [3, 2]));
    const train = sourceFromSpec({ source: 'idx', args: { path: 'tr-idx1-ubyte' } }, dir);
    const test = sourceFromSpec({ source: 'idx', args: { path: 'te-idx1-ubyte' } }, dir);
    const withTest = loadTraining(train, test, 0);
    expect([withTest.train.n, withTest.test.n]).toEqual([20, 3]);
    const without = loadTraining(train, undefined, 0);
    expect([without.train.n, without.test.n]).toEqual([18, 2]);
  });
  it('gives eval the same held-out rows training kept back', () => {
    const file = parseSource(join(dir, 'tr-idx1-ubyte'));
    expect(heldOutRows(file, 5).x).toEqual(loadSplit(file, 5).test.x);
    const toy = parseSource('toy:circles?n=300');
    expect(heldOutRows(toy, 0).x).toEqual(loadSplit(toy, 0).test.x);
  });
  it('mnist(split: ...) names its rows', () => {
    expect(sourceFromSpec({ source: 'mnist', args: { binarized: true, split: 'test' } })).toEqual(
      parseSource('mnist:binarized?split=test'),
    );
    expect(describeSource(parseSource('mnist?split=all'))).toBe('mnist?split=all');
  });
});
