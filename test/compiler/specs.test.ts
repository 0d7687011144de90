// The model library and LANGUAGE.md's examples check clean through the full pipeline (proofs
// included), and every spec compiles to FlowIR that matches its schema.
import { describe, expect, it } from 'vitest';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { checkSource, compileSource, renderDiagnostics } from '../../compiler/index.js';
import { validateFlowIR } from '../../compiler/ir/schema.js';
import type { Diagnostic } from '../../grammar/diagnostic.js';

const SPECS = new URL('../../specs/', import.meta.url);
const LANGUAGE = '/work/shared/design/LANGUAGE.md';
const specFiles = readdirSync(SPECS)
  .filter((f) => f.endsWith('.flow'))
  .sort();

const show = (ds: Diagnostic[], file: string, text: string) =>
  renderDiagnostics(ds, new Map([[file, text]]), { color: false });

describe('spec library', () => {
  it('has one spec per family of the literature', () => {
    for (const f of [
      'nade_mnist',
      'made_mnist',
      'pixelcnn_mnist',
      'gated_pixelcnn',
      'pixelrnn_row_lstm',
      'pixelrnn_diagonal_bilstm',
      'two_moons',
      'realnvp_mnist',
      'glow_mnist',
      'maf_mnist',
      'iaf_vae',
      'planar_energy',
      'radial_energy',
      'planar_vae',
      'flowpp_dequant',
    ]) {
      expect(specFiles).toContain(`${f}.flow`);
    }
  });

  for (const f of specFiles) {
    it(`${f} checks with no errors, cites its paper, and compiles to valid FlowIR`, () => {
      const file = `specs/${f}`;
      const text = readFileSync(new URL(f, SPECS), 'utf8');
      expect(text.startsWith('// '), 'starts with a comment naming the paper').toBe(true);
      expect(text.slice(0, 600)).toMatch(/\b(19|20)\d\d\b/); // a paper with its year
      const { models, diagnostics } = checkSource(text, file);
      const errs = diagnostics.filter((d) => d.severity === 'error');
      expect(errs, show(errs, file, text)).toEqual([]);
      expect(models).toHaveLength(1);
      const { ir, diagnostics: cd } = compileSource(text, file);
      expect(ir, show(cd, file, text)).toBeDefined();
      expect(validateFlowIR(ir)).toEqual([]);
    });
  }

  it('two_moons.flow is the LANGUAGE.md example with a short training budget', () => {
    const example = readFileSync(new URL('./language-examples/two_moons.flow', import.meta.url), 'utf8');
    const spec = readFileSync(new URL('two_moons.flow', SPECS), 'utf8');
    const body = (s: string) => s.slice(s.indexOf('let width')).replace(/batch: \d+, steps: \d+/, 'BUDGET');
    expect(body(spec)).toBe(body(example));
    expect(spec).toMatch(/batch: 256, steps: 1500/);
  });
});

describe('LANGUAGE.md examples', () => {
  // verbatim copies of LANGUAGE.md's full-model examples (the compatibility promise), kept in the
  // repository so CI checks them; when the design folder is reachable they must equal the doc.
  const EXAMPLES = new URL('./language-examples/', import.meta.url);
  const files = readdirSync(EXAMPLES)
    .filter((f) => f.endsWith('.flow'))
    .sort();
  const copies = files.map((f) => readFileSync(new URL(f, EXAMPLES), 'utf8'));

  it.skipIf(!existsSync(LANGUAGE))('the copies are exactly the full-model examples of LANGUAGE.md', () => {
    const lang = readFileSync(LANGUAGE, 'utf8');
    const blocks = [...lang.matchAll(/```flow\n([\s\S]*?)```/g)].map((m) => m[1]!).filter((b) => /^model /m.test(b));
    expect([...blocks].sort()).toEqual([...copies].sort());
  });

  it('has the full-model examples (two moons, MADE + PixelCNN, planar VAE)', () => {
    expect(files).toEqual(['made_and_pixelcnn.flow', 'planar_vae.flow', 'two_moons.flow']);
  });

  files.forEach((f, i) => {
    it(`${f} checks clean as written`, () => {
      const file = `LANGUAGE.md/${f}`;
      const { models, diagnostics } = checkSource(copies[i]!, file);
      const errs = diagnostics.filter((d) => d.severity === 'error');
      expect(errs, show(errs, file, copies[i]!)).toEqual([]);
      expect(models.length).toBeGreaterThanOrEqual(1);
    });
  });
});

describe('compileSource model selection', () => {
  const two =
    'model A { data x: real[2]\n prior normal\n flow { repeat 2 { coupling(affine, mask: ' +
    'alternate, flip: true, net: mlp(8)) } } }\nmodel B { data x: binary[4]\n ' +
    'conditional nade(hidden: 4)\n likelihood bernoulli }\n';
  it('asks for a model name when a file has several, and suggests on a typo', () => {
    expect(compileSource(two, 'two.flow').diagnostics.map((d) => d.code)).toEqual(['FC213']);
    const typo = compileSource(two, 'two.flow', 'b');
    expect(typo.ir).toBeUndefined();
    expect(typo.diagnostics.map((d) => d.code)).toEqual(['FC209']);
    expect(compileSource(two, 'two.flow', 'B').ir?.family).toBe('autoregressive');
  });
  it('does not lower a model with errors, and never throws on garbage', () => {
    expect(compileSource('model A { data x: real[2] prior normal flow { cuopling } }', 'a.flow').ir).toBeUndefined();
    for (const junk of [
      '',
      '}}}{{{',
      'model',
      'let = = =',
      '\u0000\u0001',
      'model M { flow { repeat 99999999 { actnorm } } }',
    ]) {
      expect(() => compileSource(junk, 'j.flow')).not.toThrow();
      expect(() => checkSource(junk, 'j.flow.yaml')).not.toThrow();
    }
  });
});
