// Property test for the YAML front end: mutated YAML twins never make parseFlowYaml throw or
// report an internal error, and every span lies inside the file.
import fc from 'fast-check';
import { it } from 'vitest';
import type { Span } from '../../grammar/ast.js';
import { parseFlowYaml } from '../../grammar/yaml.js';
import { generateSchema } from '../../compiler/schema.js';
import { read, specFiles } from './helpers.js';

const seeds = [
  ...specFiles('.flow.yaml').map(read),
  'models:\n  M:\n    flow: [squeeze, { repeat: 2, body: [planar] }]\n',
];
const schema = generateSchema();
const CHARS = [
  ':',
  '-',
  ' ',
  '\n',
  '{',
  '}',
  '[',
  ']',
  ',',
  '"',
  "'",
  '#',
  '!',
  '&',
  '*',
  '|',
  '>',
  '?',
  '%',
  '@',
  '`',
  'x',
  '1',
  '\t',
];

it('never throws and keeps spans inside the file on 800 mutated YAML files', () => {
  fc.assert(
    fc.property(
      fc.nat(seeds.length - 1),
      fc.array(fc.record({ at: fc.nat(10_000), len: fc.nat(4), ch: fc.constantFrom(...CHARS) }), {
        minLength: 1,
        maxLength: 4,
      }),
      (k, muts) => {
        let text = seeds[k];
        for (const m of muts) {
          const i = m.at % (text.length + 1);
          text = text.slice(0, i) + m.ch + text.slice(i + m.len);
        }
        const r = parseFlowYaml(text, 'f.yaml', schema);
        const inside = (s: Span) => {
          if (!(0 <= s.start && s.start <= s.end && s.end <= text.length))
            throw new Error(`span ${JSON.stringify(s)} outside ${text.length}: ${JSON.stringify(text)}`);
        };
        for (const d of r.diagnostics) {
          inside(d.span);
          if (d.code === 'FC149') throw new Error(`internal error ${d.message}: ${JSON.stringify(text)}`);
        }
        const walk = (n: unknown): void => {
          if (Array.isArray(n)) n.forEach(walk);
          else if (n && typeof n === 'object')
            for (const [key, v] of Object.entries(n)) key === 'span' ? inside(v as Span) : walk(v);
        };
        walk(r.value);
      },
    ),
    { numRuns: 800, seed: 42 },
  );
});
