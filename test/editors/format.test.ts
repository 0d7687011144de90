// flowc fmt's formatter: canonical layout, comments kept beside their statements, idempotence,
// refusal on syntax errors, and the LANGUAGE.md examples / spec library round-tripping to the same AST.
import { describe, expect, test } from 'vitest';
import fc from 'fast-check';
import { formatFlow } from '../../grammar/format.js';
import { parseFlow } from '../../grammar/parse.js';
import { languageExamples, specFiles, TWO_MOONS } from './fixtures.js';

/** the AST without positions, computed here (independently of the formatter's own check) */
function meaning(text: string): unknown {
  const r = parseFlow(text, 'x.flow');
  expect(r.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
  const strip = (v: unknown): unknown => {
    if (Array.isArray(v)) return v.map(strip);
    if (v && typeof v === 'object') {
      return Object.fromEntries(
        Object.entries(v)
          .filter(([k, x]) => k !== 'span' && k !== 'comments' && x !== undefined)
          .map(([k, x]) => [k, strip(x)]),
      );
    }
    return v;
  };
  return strip(r.value);
}

const comments = (text: string): string[] =>
  parseFlow(text, 'x.flow').value.comments.map((c) => text.slice(c.span.start, c.span.end).trimEnd());

const fmt = (text: string): string => {
  const r = formatFlow(text, 'x.flow');
  expect(r.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
  return r.text;
};

describe('canonical layout', () => {
  test('spacing, indentation and one statement per line', () => {
    const messy = [
      'let   width=64',
      'mask m = [1,0,0,1]',
      'model  TwoMoons{',
      '      data x :real[ 2 ]',
      '  prior normal; likelihood bernoulli',
      'flow {',
      '  repeat 8 { coupling(affine,mask:!m , flip: true, net: mlp(width,width), scale: tanh) }',
      '         squeeze ; split( prior : fixed )',
      '  level { squeeze; split }',
      '}',
      '  train {data: toy(moons, noise: 0.05)',
      '    batch: 512,steps: 5000, optimizer: adam(lr: 1e-3)}',
      '}',
    ].join('\n');
    expect(fmt(messy)).toBe(
      [
        'let width = 64',
        'mask m = [1, 0, 0, 1]',
        'model TwoMoons {',
        '  data x: real[2]',
        '  prior normal',
        '  likelihood bernoulli',
        '  flow {',
        '    repeat 8 { coupling(affine, mask: !m, flip: true, net: mlp(width, width), scale: tanh) }',
        '    squeeze',
        '    split(prior: fixed)',
        '    level {',
        '      squeeze',
        '      split',
        '    }',
        '  }',
        '  train { data: toy(moons, noise: 0.05), batch: 512, steps: 5000, optimizer: adam(lr: 1e-3) }',
        '}',
        '',
      ].join('\n'),
    );
  });

  test('the LANGUAGE.md file example is printed exactly as the document writes it', () => {
    expect(fmt(TWO_MOONS)).toBe(TWO_MOONS);
  });

  test('numbers and strings keep their spelling; types, lists, nested blocks', () => {
    const src =
      'model M{data x:discrete(256)[1,28,28]\nconditional ' +
      'pixelcnn{conv(mask:A,kernel:7,channels:64)\nrepeat 7{conv(mask: B, kernel: ' +
      '3)}}\ntrain{lr: -2.5E+4, data: csv("a b.csv"), seed: 0x}\n}';
    const out = fmt(src.replace(', seed: 0x', ''));
    expect(out).toBe(
      [
        'model M {',
        '  data x: discrete(256)[1, 28, 28]',
        '  conditional pixelcnn {',
        '    conv(mask: A, kernel: 7, channels: 64)',
        '    repeat 7 { conv(mask: B, kernel: 3) }',
        '  }',
        '  train { lr: -2.5E+4, data: csv("a b.csv") }',
        '}',
        '',
      ].join('\n'),
    );
  });

  test('empty blocks, bare calls, posterior flow, level with args', () => {
    const src =
      'model V{\nlatent z:real[40]\nposterior flow(amortized:true){repeat ' +
      '16{planar}}\nencoder mlp(400,400)\nflow{level(split: ' +
      'true){squeeze}}\ntrain{}\n}\nmodel E{}';
    expect(fmt(src)).toBe(
      [
        'model V {',
        '  latent z: real[40]',
        '  posterior flow(amortized: true) { repeat 16 { planar } }',
        '  encoder mlp(400, 400)',
        '  flow { level(split: true) { squeeze } }',
        '  train {}',
        '}',
        'model E {}',
        '',
      ].join('\n'),
    );
  });

  test('one-line blocks: kept for a single layer that fits, expanded otherwise; train kept broken', () => {
    const long = 'coupling(affine, mask: alternate, flip: true, net: mlp(width, width, width), scale: tanh)';
    const src =
      `model M {\n  flow { repeat 2 { ${long} } }\n  posterior flow { planar; radial }\n  train {\n    ` +
      `batch: 2, steps: 3 }\n}\n`;
    expect(fmt(src)).toBe(
      [
        'model M {',
        '  flow {',
        '    repeat 2 {',
        `      ${long}`,
        '    }',
        '  }',
        '  posterior flow {',
        '    planar',
        '    radial',
        '  }',
        '  train {',
        '    batch: 2,',
        '    steps: 3',
        '  }',
        '}',
        '',
      ].join('\n'),
    );
  });

  test('runs of blank lines shrink to one; none at the start or end of a block', () => {
    const src = '\n\nlet a = 1\n\n\n\nlet b = 2\nmodel M {\n\n  prior normal\n\n\n  likelihood bernoulli\n\n}\n\n\n';
    expect(fmt(src)).toBe('let a = 1\n\nlet b = 2\nmodel M {\n  prior normal\n\n  likelihood bernoulli\n}\n');
  });

  test('a long argument list breaks one argument per line', () => {
    const args = Array.from({ length: 12 }, (_, i) => `argument_${i}: ${i}`).join(', ');
    const out = fmt(`model M {\n  flow {\n    coupling(affine, ${args})\n  }\n}\n`);
    const lines = out.split('\n');
    expect(lines[2]).toBe('    coupling(');
    expect(lines[3]).toBe('      affine,');
    expect(lines[4]).toBe('      argument_0: 0,');
    expect(lines[15]).toBe('      argument_11: 11');
    expect(lines[16]).toBe('    )');
    expect(Math.max(...lines.map((l) => l.length))).toBeLessThanOrEqual(100);
    expect(fmt(out)).toBe(out);
  });
});

describe('comments', () => {
  const src = [
    '// file header',
    '/* a block',
    '   comment */',
    'let width = 64 // trailing on let',
    '',
    '// leads the model',
    'model M {',
    '  data x: real[2] /* after data */',
    '  flow { // opens the flow',
    '    // leads coupling',
    '    coupling(affine, mask: alternate,',
    '      // leads net',
    '      net: mlp(64, 64), // trails net',
    '      scale: tanh)',
    '    // dangling at the end of the flow',
    '  }',
    '  train { batch: 512, // trails batch',
    '    steps: 10 }',
    '}',
    '// end of file',
  ].join('\n');

  test('every comment is kept, in order, beside its statement', () => {
    expect(fmt(src)).toBe(
      [
        '// file header',
        '/* a block',
        '   comment */',
        'let width = 64 // trailing on let',
        '',
        '// leads the model',
        'model M {',
        '  data x: real[2] /* after data */',
        '  flow { // opens the flow',
        '    // leads coupling',
        '    coupling(',
        '      affine,',
        '      mask: alternate,',
        '      // leads net',
        '      net: mlp(64, 64), // trails net',
        '      scale: tanh',
        '    )',
        '    // dangling at the end of the flow',
        '  }',
        '  train {',
        '    batch: 512, // trails batch',
        '    steps: 10',
        '  }',
        '}',
        '// end of file',
        '',
      ].join('\n'),
    );
    expect(comments(fmt(src))).toEqual(comments(src));
  });

  test('idempotent with comments', () => {
    const once = fmt(src);
    expect(fmt(once)).toBe(once);
  });

  test('a comment inside a construct that cannot break is hoisted above it, not lost', () => {
    const out = fmt('model M {\n  data x: real[/* two */ 2]\n}\n');
    expect(out).toBe('model M {\n  /* two */\n  data x: real[2]\n}\n');
    expect(fmt(out)).toBe(out);
  });
});

describe('refusal', () => {
  test('a file with syntax errors comes back unchanged, with the parser diagnostics', () => {
    const bad = 'model M {\n  flow { coupling(affine,, }\n  prior normal\n';
    const r = formatFlow(bad, 'bad.flow');
    expect(r.text).toBe(bad);
    expect(r.diagnostics.some((d) => d.severity === 'error' && /^FC\d+$/.test(d.code))).toBe(true);
  });
  test('an empty file stays empty', () => {
    expect(formatFlow('', 'e.flow')).toEqual({ text: '', diagnostics: [] });
    expect(fmt('// only a comment')).toBe('// only a comment\n');
  });
});

describe('round trips', () => {
  const valid = languageExamples().filter(
    (e) => !parseFlow(e.text, 'x.flow').diagnostics.some((d) => d.severity === 'error'),
  );
  test('LANGUAGE.md has at least three complete examples that parse', () => {
    expect(valid.length).toBeGreaterThanOrEqual(3);
  });
  const all = [...valid, ...specFiles()];
  test.each(all.map((e) => [e.name, e.text] as const))('%s: same AST, same comments, idempotent', (_name, text) => {
    const once = fmt(text);
    expect(meaning(once)).toEqual(meaning(text));
    expect(comments(once)).toEqual(comments(text));
    expect(fmt(once)).toBe(once);
  });

  test('property: extra spaces around punctuation never change the formatted text', () => {
    const sources = all.map((e) => e.text);
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: sources.length - 1 }),
        fc.array(fc.nat(), { minLength: 1, maxLength: 30 }),
        (which, picks) => {
          const text = sources[which]!;
          // insert spaces/tabs next to punctuation outside comments
          const spots: number[] = [];
          const inComment = new Array<boolean>(text.length).fill(false);
          for (const c of parseFlow(text, 'x.flow').value.comments)
            for (let i = c.span.start; i < c.span.end; i++) inComment[i] = true;
          // (not on lines with a comment: a trailing comment keeps its source column)
          const commentLines = new Set<number>();
          for (const c of parseFlow(text, 'x.flow').value.comments)
            commentLines.add(text.slice(0, c.span.start).split('\n').length);
          for (let i = 0; i < text.length; i++) {
            if (
              !inComment[i] &&
              /[(){}[\],:=!]/.test(text[i]!) &&
              !commentLines.has(text.slice(0, i).split('\n').length)
            )
              spots.push(i);
          }
          if (!spots.length) return;
          const at = new Set(picks.map((p) => spots[p % spots.length]!));
          let perturbed = '';
          for (let i = 0; i < text.length; i++) perturbed += (at.has(i) ? (i % 2 ? ' \t' : '  ') : '') + text[i];
          expect(fmt(perturbed)).toBe(fmt(text));
        },
      ),
      { numRuns: 150 },
    );
  });

  test(
    'a trailing comment after a call the formatter breaks is formatted idempotently ' + '(found by the property below)',
    () => {
      const src =
        'model M {\n  data x: real[1, 4, 4]\n  prior normal\n  flow {\n    level(split: /* ' +
        'c1 */ false) {                  // c0\n      squeeze\n    }\n  }\n}\n';
      const once = fmt(src);
      expect(once).toContain('    ) { // c0\n');
      expect(fmt(once)).toBe(once);
    },
  );

  test('property: comments inserted anywhere between tokens are all kept, in order, idempotently', () => {
    const sources = all.map((e) => e.text);
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: sources.length - 1 }),
        fc.array(fc.tuple(fc.nat(), fc.boolean()), { minLength: 1, maxLength: 12 }),
        (which, picks) => {
          const text = sources[which]!;
          const covered = new Array<boolean>(text.length + 1).fill(false);
          for (const c of parseFlow(text, 'x.flow').value.comments)
            for (let i = c.span.start; i <= c.span.end; i++) covered[i] = true;
          // block comments go at whitespace, line comments at line ends (outside existing comments)
          const ws: number[] = [],
            eol: number[] = [];
          for (let i = 0; i < text.length; i++) {
            if (covered[i]) continue;
            if (text[i] === '\n') eol.push(i);
            else if (text[i] === ' ') ws.push(i);
          }
          const inserts = new Map<number, string>();
          picks.forEach(([p, line], k) => {
            const spots = line ? eol : ws;
            if (spots.length) inserts.set(spots[p % spots.length]!, line ? ` // c${k}` : ` /* c${k} */ `);
          });
          let mutated = '';
          for (let i = 0; i <= text.length; i++) mutated += (inserts.get(i) ?? '') + (text[i] ?? '');
          const r = formatFlow(mutated, 'x.flow');
          expect(r.diagnostics.map((d) => d.code)).toEqual([]);
          expect(comments(r.text)).toEqual(comments(mutated));
          expect(meaning(r.text)).toEqual(meaning(mutated));
          expect(fmt(r.text)).toBe(r.text);
        },
      ),
      { numRuns: 200 },
    );
  });
});
