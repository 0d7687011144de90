// The categorical data sources: words[:FILE][?len=L] (letters of a word list) and permutations[?n&rows&seed]
// ("set shuffling"), as --data strings and in a spec, with the same rows both ways.
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { compileSource } from '../../compiler/index.js';
import { checkData, describeSource, loadRows, parseSource, sourceFromSpec } from '../../runtime/data/index.js';
import { permutationOptimumBits, SYSTEM_WORDS, wordsOf } from '../../runtime/data/categorical.js';

const dir = mkdtempSync(join(tmpdir(), 'flowc-categorical-'));
const list = join(dir, 'words.txt');
writeFileSync(list, ['cat', 'Dog', "don't", 'zebra', 'cat', 'elephants', '', 'Émile', 'a'].join('\n') + '\n');

describe('words', () => {
  it('keeps the words of a–z (lower-cased, once) of at most len letters, a..z = 0..25, 26 after the end', () => {
    const ds = loadRows(parseSource(`words:${list}?len=5`));
    expect(ds.shape).toEqual([5]);
    expect(wordsOf(ds.x, 5)).toEqual(['cat', 'dog', 'zebra', 'a']);
    expect(Array.from(ds.x.subarray(0, 5))).toEqual([2, 0, 19, 26, 26]);
    expect(() => checkData(ds, { name: 'x', domain: { kind: 'categorical', K: 27 }, shape: [5] })).not.toThrow();
    expect(() => checkData(ds, { name: 'x', domain: { kind: 'categorical', K: 26 }, shape: [5] })).toThrow(/26/);
  });

  it('reads back from its description, and a spec names the same source', () => {
    const s = parseSource(`words:${list}?len=5`);
    expect(parseSource(describeSource(s))).toEqual(s);
    const ir = compileSource(
      `model M {
  data x: categorical(27)[8]
  prior normal
  flow { dequantize(categorical, dim: 2) }
  train { data: words(len: 8) }
}`,
      'm.flow',
    ).ir!;
    expect(sourceFromSpec(ir.train.data!)).toEqual(parseSource('words?len=8'));
  });

  it('bad options and empty lists are errors naming the reason', () => {
    expect(() => parseSource(`words:${list}?width=3`)).toThrow(/unknown option 'width' \(words takes len\)/);
    expect(() => loadRows(parseSource(`words:${list}?len=0`))).toThrow(/len must be an integer in 1\.\.64/);
    const empty = join(dir, 'empty.txt');
    writeFileSync(empty, '123\n');
    expect(() => loadRows(parseSource(`words:${empty}`))).toThrow(/no words of the letters a–z/);
  });

  it('the system word list (Debian wamerican) loads', (ctx) => {
    if (!existsSync(SYSTEM_WORDS)) {
      if (process.env.CI === 'true') throw new Error(`${SYSTEM_WORDS} is missing: CI needs Debian's wamerican`);
      console.log(`skipped: ${SYSTEM_WORDS} is missing (apt-get install wamerican)`);
      ctx.skip();
    }
    const ds = loadRows(parseSource('words'));
    expect(ds.n).toBeGreaterThan(10_000);
    expect(ds.shape).toEqual([8]);
  });
});

describe('permutations', () => {
  it('every row is a permutation of 0..n−1, seeded, and the spec form names the same rows', () => {
    const s = parseSource('permutations?n=5&rows=300&seed=3');
    const ds = loadRows(s);
    expect(ds.n).toBe(300);
    for (let r = 0; r < ds.n; r++) expect(Array.from(ds.x.subarray(r * 5, r * 5 + 5)).sort()).toEqual([0, 1, 2, 3, 4]);
    expect(loadRows(parseSource(describeSource(s))).x).toEqual(ds.x);
    expect(loadRows(parseSource('permutations?n=5&rows=300&seed=4')).x).not.toEqual(ds.x);
    // roughly uniform: each value at position 0 about 1/5 of the time
    const counts = [0, 0, 0, 0, 0];
    for (let r = 0; r < ds.n; r++) counts[ds.x[r * 5]!]!++;
    for (const c of counts) expect(Math.abs(c / 300 - 0.2)).toBeLessThan(0.08);
  });

  it('the optimum is log₂(n!)/n bits per category', () => {
    expect(permutationOptimumBits(8)).toBeCloseTo(Math.log2(40320) / 8, 12);
    expect(permutationOptimumBits(16)).toBeCloseTo(2.7656, 3); // the paper's 2.77 for set shuffling
  });

  it('bad options are errors', () => {
    expect(() => parseSource('permutations?k=3')).toThrow(/permutations takes n, rows, seed/);
    expect(() => loadRows(parseSource('permutations?n=1'))).toThrow(/n must be an integer in 2\.\.256/);
  });
});
