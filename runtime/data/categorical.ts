// Categorical data sources (no tfjs): the letters of words from a word list, and random permutations.
//
//   words[:PATH][?len=L]     each word of the list (one per line) made only of the letters a–z (after lower-casing;
//                            others are skipped, duplicates kept once) with at most L letters, as L categories:
//                            a..z = 0..25, then 26 (end of word) up to L. Data: categorical(27)[L]. Without a PATH
//                            the system word list /usr/share/dict/words (Debian's `wamerican`).
//   permutations[?n=N&rows=R&seed=S]   R uniformly random permutations of 0..N−1 (Lippe & Gavves 2021, "set
//                            shuffling"): categorical(N)[N]; the best possible model has log₂(N!)/N bits per category.
import { DataError, type Dataset } from './dataset.js';
import { readText } from './files.js';
import { fisherYates, mulberry32 } from './random.js';

export const SYSTEM_WORDS = '/usr/share/dict/words';
export const WORDS_DEFAULTS = { len: 8 } as const;
export const PERMUTATION_DEFAULTS = { n: 8, rows: 20000, seed: 7 } as const;
/** categories of a word position: 26 letters and the end-of-word mark */
export const WORD_CATEGORIES = 27;
export const END_OF_WORD = 26;

export interface WordsOptions {
  path?: string;
  len: number;
}
export interface PermutationOptions {
  n: number;
  rows: number;
  seed: number;
}

export function loadWords(o: WordsOptions): Dataset {
  const path = o.path ?? SYSTEM_WORDS;
  if (!Number.isInteger(o.len) || o.len < 1 || o.len > 64) {
    throw new DataError(`words: len must be an integer in 1..64 (got ${o.len})`);
  }
  let text: string;
  try {
    text = readText(path);
  } catch (e) {
    if (o.path === undefined) {
      throw new DataError(
        `the system word list ${SYSTEM_WORDS} cannot be read (${(e as Error).message}): ` +
          "install Debian's word list (apt-get install wamerican) or name a file: words:PATH",
      );
    }
    throw e;
  }
  const seen = new Set<string>();
  for (const line of text.split(/\r?\n/)) {
    const w = line.trim().toLowerCase();
    if (w.length === 0 || w.length > o.len || !/^[a-z]+$/.test(w)) continue;
    seen.add(w);
  }
  if (seen.size === 0) throw new DataError(`${path}: no words of the letters a–z with at most ${o.len} letters`);
  const x = new Float32Array(seen.size * o.len).fill(END_OF_WORD);
  let r = 0;
  for (const w of seen) {
    for (let i = 0; i < w.length; i++) x[r * o.len + i] = w.charCodeAt(i) - 97;
    r++;
  }
  return { name: `words:${path}?len=${o.len} (${seen.size} words)`, n: seen.size, shape: [o.len], x };
}

/** rows of categories back to words (the end-of-word mark ends a word) */
export function wordsOf(x: ArrayLike<number>, len: number): string[] {
  const out: string[] = [];
  for (let r = 0; r * len < x.length; r++) {
    let w = '';
    for (let i = 0; i < len; i++) {
      const c = Math.round(x[r * len + i]!);
      if (c >= END_OF_WORD || c < 0) break;
      w += String.fromCharCode(97 + c);
    }
    out.push(w);
  }
  return out;
}

export function makePermutations(o: PermutationOptions): Dataset {
  if (!Number.isInteger(o.n) || o.n < 2 || o.n > 256) {
    throw new DataError(`permutations: n must be an integer in 2..256 (got ${o.n})`);
  }
  if (!Number.isInteger(o.rows) || o.rows < 1 || o.rows > 1_000_000) {
    throw new DataError(`permutations: rows must be an integer in 1..1000000 (got ${o.rows})`);
  }
  const rand = mulberry32(o.seed);
  const x = new Float32Array(o.rows * o.n);
  const base = [...Array(o.n).keys()];
  for (let r = 0; r < o.rows; r++) x.set(fisherYates(base.slice(), rand), r * o.n);
  return { name: `permutations?n=${o.n}&rows=${o.rows}&seed=${o.seed}`, n: o.rows, shape: [o.n], x };
}

/** the best possible bits per category on permutations of n: log₂(n!)/n */
export function permutationOptimumBits(n: number): number {
  let s = 0;
  for (let i = 2; i <= n; i++) s += Math.log2(i);
  return s / n;
}
