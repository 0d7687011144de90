// Hostile spec generators for the fuzz tests (test/compiler/fuzz.test.ts in-process and through
// the binary, test/editors/lsp-fuzz.test.ts against a live `flowc lsp`): mutated library specs,
// huge and odd numbers, long chains (lets, masks, layers, token runs), deep nesting (brackets,
// `!`, repeat/level blocks, YAML collections), and bytes that are not text at all. Sizes are drawn
// mostly small with a long tail, so that thousands of cases stay fast.
import fc from 'fast-check';
import { readFileSync, readdirSync } from 'node:fs';

const SPECS = new URL('../../specs/', import.meta.url);
// the cheap specs (the MNIST MAF takes seconds per compile)
export const LIBRARY = readdirSync(SPECS)
  .filter((f) => f.endsWith('.flow') && !f.startsWith('maf'))
  .map((f) => readFileSync(new URL(f, SPECS), 'utf8'));
export const LIBRARY_YAML = readdirSync(SPECS)
  .filter((f) => f.endsWith('.flow.yaml'))
  .map((f) => readFileSync(new URL(f, SPECS), 'utf8'));

export interface Case {
  file: string;
  text: string;
  kind: string;
}

const HUGE = [
  '1e308',
  '1e309',
  '-1e308',
  '9007199254740993',
  '4294967296',
  '2147483648',
  '1e-320',
  '-0',
  '0',
  '-1',
  '123456789012345678901234567890',
  '1.7976931348623157e308',
  '0.0000001',
  '1e9',
  '1000000000',
  '65536',
  '3.5',
];
const WORDS = [
  'coupling',
  'squeeze',
  'split',
  'level',
  'repeat',
  'mask',
  '!',
  '[1, 0]',
  '0',
  '-1',
  '3.5',
  'true',
  'checkerboard',
  'channel',
  'half',
  'alternate',
  'planar',
  'radial',
  'made',
  'normal',
  '{',
  '}',
  '(',
  ')',
  ',',
  ':',
  'data',
  'latent',
  'x',
  'real[3]',
  'let',
  '=',
  'flip: true',
  'net: mlp(4)',
  'model',
  ';',
  '"s"',
  '/*',
  '*/',
  '//',
  '\u202e',
  '\u0000',
  '\ufeff',
  '\r',
  '\t',
  '\u00e9',
  '\ud800',
];

/** sizes: mostly under 50, one in 13 up to `max` */
const size = (max: number): fc.Arbitrary<number> =>
  fc.oneof(
    { weight: 12, arbitrary: fc.integer({ min: 1, max: 50 }) },
    { weight: 1, arbitrary: fc.integer({ min: 51, max }) },
  );

/** deletes, inserts (a word of `words`) and duplicates runs of `text` */
export function mutate(
  text: string,
  ops: { kind: number; at: number; word: number; len: number }[],
  words = WORDS,
): string {
  let t = text;
  for (const op of ops) {
    const at = op.at % (t.length + 1);
    const w = words[op.word % words.length]!;
    if (op.kind === 0) t = t.slice(0, at) + t.slice(at + op.len);
    else if (op.kind === 1) t = t.slice(0, at) + ' ' + w + ' ' + t.slice(at);
    else t = t.slice(0, at) + t.slice(at, at + op.len) + t.slice(at);
  }
  return t;
}

const mutated: fc.Arbitrary<Case> = fc
  .tuple(
    fc.nat(LIBRARY.length - 1),
    fc.array(
      fc.record({ kind: fc.nat(2), at: fc.nat(5000), word: fc.nat(100), len: fc.integer({ min: 1, max: 12 }) }),
      { minLength: 1, maxLength: 4 },
    ),
  )
  .map(([i, ops]) => ({ file: 'm.flow', text: mutate(LIBRARY[i]!, ops), kind: 'mutated' }));

/** every number of a library spec (or a random one of them) replaced by a huge or odd one */
const NUMBER = /(?<![\w.])\d+(?:\.\d+)?(?:e-?\d+)?(?![\w.])/g;
const hugeNumbers: fc.Arbitrary<Case> = fc
  .tuple(fc.nat(LIBRARY.length - 1), fc.nat(), fc.boolean(), fc.nat(HUGE.length - 1))
  .map(([i, pick, all, h]) => {
    const text = LIBRARY[i]!;
    const nums = [...text.matchAll(NUMBER)];
    if (!nums.length) return { file: 'n.flow', text, kind: 'huge numbers' };
    let k = 0;
    const target = pick % nums.length;
    const out = text.replace(NUMBER, (m) => (all || k++ === target ? HUGE[(h + k) % HUGE.length]! : m));
    return { file: 'n.flow', text: out, kind: 'huge numbers' };
  });

const MODEL = (flow: string, extra = ''): string =>
  `model M {\n  data x: real[4]\n  prior normal\n${extra}  flow {\n${flow}\n  }\n}\n`;

const chains: fc.Arbitrary<Case> = fc.tuple(fc.nat(6), size(2000)).map(([k, n]) => {
  const range = Array.from({ length: n }, (_, i) => i);
  const lines = (f: (i: number) => string) => range.map(f).join('\n');
  const c = (kind: string, text: string): Case => ({ file: 'c.flow', kind, text });
  switch (k) {
    case 0:
      return c(
        'let chain',
        `let a0 = 2\n${lines((i) => `let a${i + 1} = a${i}`)}\n` +
          MODEL(`    coupling(affine, mask: alternate, net: mlp(a${n}))`),
      );
    case 1:
      return c(
        'mask chain',
        `mask m0 = alternate\n${lines((i) => `mask m${i + 1} = !m${i}`)}\n` +
          MODEL(`    coupling(affine, mask: m${n}, net: mlp(4))`),
      );
    case 2:
      return c(
        'layer chain',
        MODEL(
          range
            .slice(0, Math.min(n, 400))
            .map((i) => `    coupling(affine, mask: ${i % 2 ? '!' : ''}alternate, net: mlp(4))`)
            .join('\n'),
        ),
      );
    case 3:
      return c('self-referential lets', `${lines((i) => `let a${i} = a${(i + 1) % n}`)}\n`);
    case 4:
      return c(
        'many models',
        range
          .slice(0, 100)
          .map((i) => MODEL('    actnorm').replace('model M', `model M${i}`))
          .join(''),
      );
    case 5:
      return c('long argument list', MODEL(`    coupling(${range.map((i) => `a${i}: ${i}`).join(', ')})`));
    default:
      return c('long list', `let l = [${range.join(', ')}]\n`);
  }
});

const RUNS = [
  '=;',
  'model ',
  '(',
  ')',
  '[',
  ']',
  '{',
  '}',
  '!',
  ',',
  'let ',
  'repeat ',
  'x ',
  '"',
  '/*',
  '-',
  '1e',
  ': ',
];
const tokenRuns: fc.Arbitrary<Case> = fc
  .array(fc.tuple(fc.nat(RUNS.length - 1), size(2500)), { minLength: 1, maxLength: 3 })
  .map((runs) => ({ file: 'r.flow', kind: 'token runs', text: runs.map(([w, n]) => RUNS[w]!.repeat(n)).join('\n') }));

const nesting: fc.Arbitrary<Case> = fc.tuple(fc.nat(5), size(3000), fc.boolean()).map(([k, n, closed]) => {
  const wrap = (open: string, mid: string, close: string) => open.repeat(n) + mid + (closed ? close.repeat(n) : '');
  switch (k) {
    case 0:
      return { file: 'd.flow', kind: 'nested parens', text: MODEL(`    coupling${wrap('(', 'x', ')')}`) };
    case 1:
      return { file: 'd.flow', kind: 'nested lists', text: `let l = ${wrap('[', '1', ']')}\n` };
    // repeat 1: nesting, not a 2^depth expansion (the checker's size limits have their own tests)
    case 2:
      return { file: 'd.flow', kind: 'nested blocks', text: MODEL(wrap('repeat 1 { ', 'actnorm', ' }')) };
    case 3:
      return { file: 'd.flow', kind: 'nested levels', text: MODEL(wrap('level { squeeze; ', 'split', ' }')) };
    case 4:
      return { file: 'd.flow', kind: 'nested negation', text: `mask m = ${'!'.repeat(n)}checkerboard\n` };
    default:
      return { file: 'd.flow', kind: 'nested braces', text: wrap('{', '', '}') };
  }
});

const yamlCases: fc.Arbitrary<Case> = fc
  .tuple(fc.nat(4), size(2000), fc.nat(LIBRARY_YAML.length - 1), fc.nat())
  .map(([k, n, i, at]) => {
    const base = LIBRARY_YAML[i]!;
    const y = (kind: string, text: string): Case => ({ file: 'y.flow.yaml', kind, text });
    switch (k) {
      case 0:
        return y('yaml flow nesting', `model: M\ntrain: ${'['.repeat(n)}${']'.repeat(n)}\n`);
      case 1:
        return y(
          'yaml block nesting',
          `model: M\ntrain:\n${Array.from({ length: n }, (_, j) => `${' '.repeat(j + 1)}k${j}:`).join('\n')}\n`,
        );
      case 2:
        return y(
          'yaml many keys',
          `${base}extra:\n${Array.from({ length: n }, (_, j) => `  k${j % 50}: ${j}`).join('\n')}\n`,
        );
      case 3: {
        const p = at % (base.length + 1);
        return y('yaml mutated', base.slice(0, p) + WORDS[at % WORDS.length] + base.slice(p + (at % 7)));
      }
      default:
        return y('yaml sequence nesting', `model: M\ntrain: ${'- '.repeat(n)}x\n`);
    }
  });

const binary: fc.Arbitrary<Case> = fc
  .oneof(
    fc.string({ maxLength: 300 }),
    fc.fullUnicodeString({ maxLength: 100 }),
    fc.uint8Array({ maxLength: 300 }).map((b) => Buffer.from(b).toString('latin1')),
  )
  .map((text) => ({ file: 'b.flow', kind: 'random text', text }));

/** every kind of hostile input, weighted towards the cheap ones */
export const hostileCase: fc.Arbitrary<Case> = fc.oneof(
  { weight: 2, arbitrary: mutated },
  { weight: 3, arbitrary: hugeNumbers },
  { weight: 2, arbitrary: chains },
  { weight: 2, arbitrary: tokenRuns },
  { weight: 2, arbitrary: nesting },
  { weight: 2, arbitrary: yamlCases },
  { weight: 2, arbitrary: binary },
);

/** kinds left out of a run (FUZZ_SKIP="huge numbers,let chain"), e.g. to look past a known failure */
const kinds = (v: string | undefined) =>
  new Set(
    (v ?? '')
      .split(',')
      .map((k) => k.trim())
      .filter(Boolean),
  );
const SKIP = kinds(process.env.FUZZ_SKIP);
/** only these kinds (FUZZ_ONLY="huge numbers") */
const ONLY = kinds(process.env.FUZZ_ONLY);
export const hostileCases: fc.Arbitrary<Case> =
  SKIP.size || ONLY.size
    ? hostileCase.filter((c) => !SKIP.has(c.kind) && (!ONLY.size || ONLY.has(c.kind)))
    : hostileCase;

/** the number of cases: FUZZ_CASES (npm run fuzz sets it) or the suite's default */
export const fuzzCases = (dflt: number): number => Number(process.env.FUZZ_CASES ?? dflt);
export const fuzzSeed = (dflt: number): number => Number(process.env.FUZZ_SEED ?? dflt);

/** the problems of a diagnostic list for `text`: internal errors, spans outside the file */
interface Range {
  start: number;
  end: number;
}
export function problems(
  text: string,
  ds: readonly { code: string; message: string; span: Range; related?: { span: Range }[] }[],
): string[] {
  const out: string[] = [];
  const inside = (s: Range) =>
    Number.isInteger(s.start) && Number.isInteger(s.end) && s.start >= 0 && s.start <= s.end && s.end <= text.length;
  for (const d of ds) {
    if (d.code === 'FC000' || d.code === 'FC149') out.push(`${d.code}: ${d.message}`);
    if (!inside(d.span)) out.push(`${d.code} span ${JSON.stringify(d.span)} outside 0..${text.length}`);
    for (const r of d.related ?? []) if (!inside(r.span)) out.push(`${d.code} related span outside the file`);
  }
  return out;
}
