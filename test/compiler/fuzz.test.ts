// The checker never throws and never reports an internal error (FC000) on mutated specs:
// token deletions, duplications and substitutions of the spec library, through the whole
// pipeline (recovered ASTs included). Every span lies inside its file.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { readFileSync, readdirSync } from 'node:fs';
import { checkSource, compileSource } from '../../compiler/index.js';

const SPECS = new URL('../../specs/', import.meta.url);
// the cheap specs (the MNIST MAF takes seconds per compile)
const texts = readdirSync(SPECS).filter((f) => f.endsWith('.flow') && !f.startsWith('maf')).map((f) => readFileSync(new URL(f, SPECS), 'utf8'));
const WORDS = ['coupling', 'squeeze', 'split', 'level', 'repeat', 'mask', '!', '[1, 0]', '0', '-1', '3.5', 'true', 'checkerboard', 'channel',
  'half', 'alternate', 'planar', 'radial', 'made', 'normal', '{', '}', '(', ')', ',', ':', 'data', 'latent', 'x', 'real[3]', 'let', '=', 'flip: true', 'net: mlp(4)'];

function mutate(text: string, ops: { kind: number; at: number; word: number; len: number }[]): string {
  let t = text;
  for (const op of ops) {
    const at = op.at % (t.length + 1);
    const w = WORDS[op.word % WORDS.length]!;
    if (op.kind === 0) t = t.slice(0, at) + t.slice(at + op.len);
    else if (op.kind === 1) t = t.slice(0, at) + ' ' + w + ' ' + t.slice(at);
    else t = t.slice(0, at) + t.slice(at, at + op.len) + t.slice(at);
  }
  return t;
}

describe('checker robustness', () => {
  it('never throws or reports FC000 on mutated specs, and keeps spans inside the file', () => {
    fc.assert(
      fc.property(
        fc.nat(texts.length - 1),
        fc.array(fc.record({ kind: fc.nat(2), at: fc.nat(5000), word: fc.nat(100), len: fc.integer({ min: 1, max: 12 }) }), { minLength: 1, maxLength: 4 }),
        (i, ops) => {
          const text = mutate(texts[i]!, ops);
          const { diagnostics } = checkSource(text, 'm.flow');
          const internal = diagnostics.filter((d) => d.code === 'FC000');
          expect(internal.map((d) => d.message), text).toEqual([]);
          for (const d of diagnostics) {
            expect(d.span.start).toBeGreaterThanOrEqual(0);
            expect(d.span.end).toBeGreaterThanOrEqual(d.span.start);
            expect(d.span.end).toBeLessThanOrEqual(text.length);
          }
          if (!diagnostics.some((d) => d.severity === 'error')) expect(compileSource(text, 'm.flow').diagnostics.filter((d) => d.code === 'FC000')).toEqual([]);
        },
      ),
      { numRuns: Number(process.env.FUZZ_RUNS ?? 200), seed: Number(process.env.FUZZ_SEED ?? 20261129) },
    );
  });
});
