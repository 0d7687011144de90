// Property test: random and mutated specs never make the front end throw, and every span it
// reports (diagnostics and AST nodes) lies inside the file.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Span } from '../../grammar/ast.js';
import { parseFlow } from '../../grammar/parse.js';
import { examplesOf, languageBlocks, read, specFiles } from './helpers.js';

const BUILTIN = [
  `let width = 64
mask cb = checkerboard
model Glow {
  data x: discrete(256)[3, 32, 32] // images
  prior normal(learned)
  flow {
    dequantize(variational) { repeat 4 { coupling(affine, mask: !cb, net: resnet(blocks: 2, channels: 32)) } }
    logit(alpha: 0.05)
    level { squeeze; repeat 8 { actnorm; invconv1x1(lu: true); coupling(affine, mask: ch, scale: sigmoid) } ` +
    `split(prior: conditional) }
  }
  train { data: mnist("train"), batch: 64, steps: 1e4, optimizer: adam(lr: -1.5E-3) }
}
/* block
   comment */
model Made { data x: binary[784]; order random(seed: 3); ` +
    `conditional made(hidden: [500, 500], connectivity: random(seed: 1)); likelihood bernoulli }
`,
];

function corpus(): string[] {
  const out = [...BUILTIN];
  for (const b of languageBlocks()) out.push(...examplesOf(b));
  for (const f of specFiles('.flow')) out.push(read(f));
  return out;
}

const WORDS = [
  'model',
  'let',
  'data',
  'latent',
  'order',
  'mask',
  'prior',
  'likelihood',
  'conditional',
  'encoder',
  'decoder',
  'target',
  'flow',
  'posterior',
  'repeat',
  'level',
  'train',
  'true',
  'false',
  'coupling',
  'x',
  'real',
  '[',
  ']',
  '{',
  '}',
  '(',
  ')',
  ',',
  ':',
  '=',
  '!',
  ';',
  '\n',
  ' ',
  '//',
  '/*',
  '*/',
  '"',
  "'",
  '-1',
  '1e-3',
  '2.5E+4',
  '@',
  '#',
  '.',
  '-',
  '\\',
  '\u00e9',
  '\r\n',
  '\t',
];

/** tokens of a spec, whitespace included, so that joining them gives the text back */
const pieces = (s: string): string[] => s.match(/\s+|[A-Za-z_]\w*|[-+]?\d[\d.eE+-]*|\/\/|\/\*|\*\/|[\s\S]/g) ?? [];

type Mutation = { op: 'delete' | 'dup' | 'swap' | 'insert' | 'truncate' | 'word'; at: number; at2: number; ch: string };

function mutate(text: string, muts: Mutation[]): string {
  let ps = pieces(text);
  for (const m of muts) {
    if (ps.length === 0) {
      ps = [m.ch];
      continue;
    }
    const i = m.at % ps.length;
    const j = m.at2 % ps.length;
    switch (m.op) {
      case 'delete':
        ps.splice(i, 1);
        break;
      case 'dup':
        ps.splice(i, 0, ps[i]);
        break;
      case 'swap':
        [ps[i], ps[j]] = [ps[j], ps[i]];
        break;
      case 'insert':
        ps.splice(i, 0, m.ch);
        break;
      case 'word':
        ps.splice(i, 0, ' ', m.ch, ' ');
        break;
      case 'truncate':
        ps = ps.slice(0, i);
        break;
    }
  }
  return ps.join('');
}

const mutation: fc.Arbitrary<Mutation> = fc.record({
  op: fc.constantFrom('delete', 'dup', 'swap', 'insert', 'truncate', 'word', 'delete', 'insert'),
  at: fc.nat(100_000),
  at2: fc.nat(100_000),
  ch: fc.oneof(fc.constantFrom(...WORDS), fc.char(), fc.fullUnicode()),
}) as fc.Arbitrary<Mutation>;

function checkSpans(text: string, file: string): void {
  const r = parseFlow(text, file);
  const inside = (s: Span, what: string) => {
    if (!(
      s.file === file &&
      Number.isInteger(s.start) &&
      Number.isInteger(s.end) &&
      0 <= s.start &&
      s.start <= s.end &&
      s.end <= text.length
    )) {
      throw new Error(`${what} span ${JSON.stringify(s)} outside 0..${text.length} for ${JSON.stringify(text)}`);
    }
  };
  for (const d of r.diagnostics) {
    inside(d.span, `diagnostic ${d.code}`);
    for (const rel of d.related ?? []) inside(rel.span, `related of ${d.code}`);
    if (d.code === 'FC149') throw new Error(`internal error: ${d.message} for ${JSON.stringify(text)}`);
    if (!d.message || /-->|undefined|NaN/.test(d.message)) throw new Error(`bad message ${JSON.stringify(d.message)}`);
  }
  const walk = (n: unknown): void => {
    if (Array.isArray(n)) {
      n.forEach(walk);
      return;
    }
    if (!n || typeof n !== 'object') return;
    const o = n as Record<string, unknown>;
    if (o.span) inside(o.span as Span, `node ${String(o.kind ?? 'name')}`);
    for (const [k, v] of Object.entries(o)) if (k !== 'span') walk(v);
  };
  walk(r.value);
}

describe('front end robustness (property)', () => {
  const seeds = corpus();

  it('has a corpus to mutate', () => {
    expect(seeds.length).toBeGreaterThanOrEqual(1);
  });

  it('never throws and keeps spans inside the file on 3,500 mutated specs', () => {
    fc.assert(
      fc.property(fc.nat(seeds.length - 1), fc.array(mutation, { minLength: 1, maxLength: 5 }), (k, muts) => {
        checkSpans(mutate(seeds[k], muts), 'mut.flow');
      }),
      { numRuns: 3500, seed: 20261129 },
    );
  });

  it('never throws and keeps spans inside the file on 1,600 random token soups', () => {
    fc.assert(
      fc.property(
        fc.array(fc.oneof(fc.constantFrom(...WORDS), fc.string({ maxLength: 3 })), { maxLength: 60 }),
        (ws) => {
          checkSpans(ws.join(' '), 'soup.flow');
        },
      ),
      { numRuns: 1600, seed: 7 },
    );
  });

  it('keeps the clean seeds clean (the mutations are what break them)', () => {
    for (const s of seeds)
      expect(parseFlow(s, 'seed.flow').diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
  });
});
