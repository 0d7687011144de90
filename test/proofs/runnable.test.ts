// FC513: what the checker used to accept and the runtime could not build (found by
// test/property/check-run.test.ts) is now refused with the reason and the fix.
import { describe, expect, it } from 'vitest';
import { checkSource } from '../../compiler/index.js';

const errors = (text: string) => checkSource(text, 'r.flow').diagnostics.filter((d) => d.severity === 'error');
const vae = (enc: string, dec: string, post = 'gaussian') => `model V {
  data x: binary[1, 4, 4]
  latent z: real[2]
  prior normal
  encoder ${enc}
  posterior ${post}
  decoder ${dec}
  likelihood bernoulli
}`;

describe('FC513: combinations the runtime cannot build', () => {
  it('a VAE encoder or decoder that is not an mlp (was: "internal error: the encoder must be an mlp")', () => {
    const es = errors(vae('resnet(blocks: 1, channels: 4)', 'made(hidden: [8])'));
    expect(es.map((d) => d.code)).toEqual(['FC513', 'FC513']);
    expect(es[0]!.message).toMatch(/the VAE's encoder `resnet`/);
    expect(es[0]!.hint).toMatch(/encoder mlp/);
    expect(es[1]!.message).toMatch(/the VAE's decoder `made`/);
    expect(errors(vae('mlp(8)', 'mlp(8)'))).toEqual([]);
  });

  it('split or squeeze inside dequantize(variational), split in a sampled-only flow', () => {
    const deq =
      `model F {\n  data x: binary[2, 4, 4]\n  prior normal\n` +
      `  flow { dequantize(variational) { split }; dequantize(variational) { squeeze } }\n}`;
    const es = errors(deq);
    expect(es.filter((d) => d.code === 'FC513').map((d) => d.message)).toEqual([
      expect.stringMatching(/`split` inside `dequantize\(variational\)`/),
      expect.stringMatching(/`squeeze` inside `dequantize\(variational\)`/),
    ]);
    const energy =
      `model E {\n  latent z: real[2]\n  prior normal\n  flow { split; dequantize(uniform) }\n` +
      `  target energy(u1)\n}`;
    expect(
      errors(energy)
        .filter((d) => d.code === 'FC513')
        .map((d) => d.message),
    ).toEqual([
      expect.stringMatching(/`split` in an energy fit's flow/),
      expect.stringMatching(/`dequantize` in an energy fit's flow/),
    ]);
  });

  it('logit after a layer that does not keep (0, 1); an even gated_pixelcnn kernel', () => {
    const flow = (body: string) => `model F {\n  data x: discrete(4)[4]\n  prior normal\n  flow { ${body} }\n}`;
    const es = errors(flow('dequantize(uniform); actnorm; logit'));
    expect(es.map((d) => d.code)).toEqual(['FC513']);
    expect(es[0]!.message).toMatch(/`logit` after `actnorm`/);
    expect(errors(flow('dequantize(uniform); permute(reverse); logit; actnorm'))).toEqual([]);
    const g = (k: number) =>
      `model G {\n  data x: binary[1, 4, 4]\n` +
      `  conditional gated_pixelcnn(layers: 2, channels: 4, kernel: ${k})\n  likelihood bernoulli\n}`;
    expect(errors(g(2)).map((d) => d.code)).toEqual(['FC513']);
    expect(errors(g(3))).toEqual([]);
  });
});
