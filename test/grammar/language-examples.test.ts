// Every ```flow example of LANGUAGE.md parses with no diagnostics (the compatibility promise).
import { describe, expect, it } from 'vitest';
import { parseFlow } from '../../grammar/parse.js';
import { examplesOf, flowBlocks, LANGUAGE_FIXTURE, languageBlocks, languageMdPath, read, where } from './helpers.js';

const mdPath = languageMdPath();

describe('LANGUAGE.md examples', () => {
  const blocks = languageBlocks();

  it('has the examples this test expects', () => {
    expect(blocks.length).toBeGreaterThanOrEqual(5);
  });

  it.skipIf(!mdPath)('the committed copy of the examples matches LANGUAGE.md', () => {
    // refresh test/grammar/fixtures/language-md-flow-blocks.md when LANGUAGE.md's examples change
    expect(flowBlocks(read(LANGUAGE_FIXTURE))).toEqual(flowBlocks(read(mdPath!)));
  });

  const cases = blocks.flatMap((b, i) => examplesOf(b).map((src, j) => ({ name: `block ${i + 1}.${j + 1}`, src })));
  it.each(cases)('$name parses cleanly', ({ src }) => {
    const r = parseFlow(src, 'LANGUAGE.md');
    expect(where(src, r.diagnostics), r.diagnostics.map((d) => d.message).join('\n')).toEqual([]);
    expect(r.value.items.length).toBeGreaterThan(0);
  });

  it('splits the order alternatives into separate examples', () => {
    const orders = cases.filter((c) => /order /.test(c.src) && !/model \w+ \{\n\s+data x: binary/.test(c.src));
    const alts = orders.map((c) => /order (.*)\n/.exec(c.src)?.[1]);
    expect(alts).toEqual(expect.arrayContaining(['natural', 'reverse', 'random(seed: 3)', '[2, 0, 3, 1]']));
  });
});

describe('forms named in LANGUAGE.md prose and tables', () => {
  const layers = [
    'dequantize(uniform)',
    'dequantize(variational) { repeat 4 { coupling(affine, mask: checkerboard) } }',
    'logit(alpha: 0.05)',
    'coupling(additive, mask: !cb, net: resnet(blocks: 2, channels: 32), scale: sigmoid)',
    'squeeze',
    'split(prior: fixed)',
    'planar(activation: tanh)',
    'radial',
    'actnorm',
    'invconv1x1(lu: true)',
    'permute(reverse)',
    'permute(random(seed: 7))',
    'maf(hidden: [64, 64], order: natural)',
    'iaf(hidden: [64, 64])',
    'level { squeeze\n actnorm; invconv1x1(lu: true)\n split(prior: conditional) }',
    'level(scale: 2) { squeeze }',
  ];
  it.each(layers)('layer %s', (layer) => {
    const src = `model M {\n  data x: real[4]\n  flow {\n    ${layer}\n  }\n}\n`;
    const r = parseFlow(src, 'm.flow');
    expect(where(src, r.diagnostics)).toEqual([]);
  });
  const slots = [
    'conditional nade(hidden: 500)',
    'conditional gated_pixelcnn(layers: 15, channels: 64)',
    'conditional pixelrnn(row_lstm, layers: 12, hidden: 64)',
    'likelihood logistic_mixture(k: 10)',
    'prior normal(0, 1)',
    'prior normal(learned)',
    'prior mixture(normal, k: 8)',
    'prior laplace',
    'target energy(u1)',
    'posterior gaussian',
    'encoder resnet(blocks: 2, channels: 32)',
    'data y: categorical(10)[5]',
    'latent z: real[2]',
    'order [2, 0, 3, 1]',
    'mask m = [1, 0, 0, 1]',
  ];
  it.each(slots)('model statement %s', (stmt) => {
    const src = `model M {\n  ${stmt}\n}\n`;
    const r = parseFlow(src, 'm.flow');
    expect(where(src, r.diagnostics)).toEqual([]);
    const model = r.value.items[0];
    expect(model.kind === 'model' && model.body.length).toBe(1);
  });
});
