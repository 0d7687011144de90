// The proof checks through the real front end and checker, against independent expectations.
import { describe, expect, it } from 'vitest';
import { checkText as checkTextBare } from '../compiler/helpers.js';
import { estimateSize } from '../../compiler/proofs/size.js';
import { analyzeCoverage } from '../../compiler/proofs/coverage.js';
import { PROOF_CODES } from '../../compiler/diagnostics/codes-proofs.js';

/** parse and check with the proofs on */
const checkText = (text: string) => checkTextBare(text, 'test.flow', { proofs: true });

const proofCodes = (ds: { code: string }[]) => ds.map((d) => d.code).filter((c) => /^FC[5-9]/.test(c));

describe('size estimates against the workload definitions (WORKLOADS.md)', () => {
  it('W2 MADE: 1,035,784 parameters', () => {
    const { models, diagnostics } = checkText(`model M {
  data x: binary[784]
  order natural
  conditional made(hidden: [500, 500], connectivity: sequential)
  likelihood bernoulli
}`);
    expect(diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    expect(estimateSize(models[0]!).params).toBe(1_035_784);
  });
  it('W1 RealNVP-2D: 36,896 parameters', () => {
    const { models } = checkText(`model M {
  data x: real[2]
  prior normal
  flow { repeat 8 { coupling(affine, mask: alternate, flip: true, net: mlp(64, 64), scale: tanh) } }
}`);
    expect(estimateSize(models[0]!).params).toBe(36_896);
  });
});

describe('proof checks on written models', () => {
  it('the LANGUAGE.md examples prove clean (the plain PixelCNN only warns about its blind spot)', () => {
    const { diagnostics } = checkText(`let width = 64
model TwoMoons {
  data x: real[2]
  prior normal
  flow { repeat 8 { coupling(affine, mask: alternate, flip: true, net: mlp(width, width), scale: tanh) } }
}
model MadeMnist {
  data x: binary[784]
  order natural
  conditional made(hidden: [500, 500], connectivity: random(seed: 1))
  likelihood bernoulli
}
model PixelCnnMnist {
  data x: discrete(256)[1, 28, 28]
  order raster(channels: sequential)
  conditional pixelcnn {
    conv(mask: A, kernel: 7, channels: 64)
    repeat 7 { conv(mask: B, kernel: 3, channels: 64, activation: relu) }
    conv(mask: B, kernel: 1, channels: 256)
  }
  likelihood categorical
}
model PlanarVae {
  data x: binary[784]
  latent z: real[40]
  prior normal
  encoder mlp(400, 400)
  posterior flow(amortized: true) { repeat 16 { planar } }
  decoder mlp(400, 400)
  likelihood bernoulli
}`);
    expect(proofCodes(diagnostics)).toEqual(['FC606']);
  });

  it('MADE conditionals prove clean for random orders and connectivities', () => {
    for (const seed of [1, 2, 3]) {
      const { diagnostics } = checkText(`model M {
  data x: binary[12]
  order random(seed: ${seed})
  conditional made(hidden: [7, 5], connectivity: random(seed: ${seed + 10}))
  likelihood bernoulli
}`);
      expect(proofCodes(diagnostics)).toEqual([]);
    }
  });

  it(
    'planar with inverse: iterative is allowed in a density model; gated PixelCNN and diagonal BiLSTM have no ' +
      'blind spot',
    () => {
      const { diagnostics } = checkText(`model P {
  data x: real[2]
  prior normal
  flow { repeat 4 { planar(inverse: iterative) } }
}
model G {
  data x: binary[1, 16, 16]
  conditional gated_pixelcnn(layers: 6, channels: 16)
  likelihood bernoulli
}
model R {
  data x: binary[1, 16, 16]
  conditional pixelrnn(diagonal_bilstm, layers: 2, hidden: 16)
  likelihood bernoulli
}`);
      expect(proofCodes(diagnostics)).toEqual([]);
    },
  );

  it('a multi-scale flow with alternating masks covers every dimension', () => {
    const { models, diagnostics } = checkText(`model M {
  data x: real[1, 8, 8]
  prior normal
  flow {
    level(split: false) { repeat 2 { coupling(affine, mask: checkerboard, flip: true, net: resnet) } }
    repeat 2 { coupling(affine, mask: channel, flip: true, net: resnet) }
  }
}`);
    expect(proofCodes(diagnostics)).toEqual([]);
    const cov = analyzeCoverage(models[0]!.flow!, [1, 8, 8]);
    expect(cov.complete && cov.covered.every(Boolean)).toBe(true);
  });

  it('coverage follows squeeze: a channel mask after squeeze keeps exactly the even rows (hand-derived)', () => {
    const { models } = checkText(`model M {
  data x: real[1, 4, 4]
  prior normal
  flow {
    squeeze
    coupling(affine, mask: channel, net: resnet)
  }
}`);
    const cov = analyzeCoverage(models[0]!.flow!, [1, 4, 4]);
    // squeezed channel (di·2+dj): channels 0, 1 (di = 0, even rows) pass through, 2, 3 (odd rows) are transformed
    const expected = Array.from({ length: 16 }, (_, k) => Math.floor(k / 4) % 2 === 1);
    expect(cov.covered).toEqual(expected);
  });

  it('permute between two equal couplings removes the repeated-mask warning and covers the rest', () => {
    const { diagnostics } = checkText(`model M {
  data x: real[6]
  prior normal
  flow {
    coupling(affine, mask: half, net: mlp(8))
    permute(reverse)
    coupling(affine, mask: half, net: mlp(8))
  }
}`);
    expect(proofCodes(diagnostics)).toEqual([]);
  });

  it('every proof code has a hint and a unique FC5xx–FC9xx code', () => {
    const seen = new Set<string>();
    for (const d of PROOF_CODES) {
      expect(d.code).toMatch(/^FC[5-9]\d\d$/);
      expect(seen.has(d.code)).toBe(false);
      seen.add(d.code);
      expect(d.hint).toBeTypeOf('function');
    }
  });
});
