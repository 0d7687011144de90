// dequantize(categorical): the checker's rules (FC705 ordinal dequantization of categories, FC706 the encoding
// on ordered data, FC707 misplaced arguments), the shapes after the encoding (D·d, [C·d, H, W]) in FlowIR and
// `explain`, and the registry's parameter count against the tensors the runtime creates.
import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { checkText } from './helpers.js';
import { compileSource } from '../../compiler/index.js';
import { explain } from '../../compiler/explain.js';
import { build } from '../../runtime/build.js';

const check = (text: string) => checkText(text, 'test.flow', { proofs: true }).diagnostics;

const COUPLINGS = 'repeat 2 { coupling(affine, mask: alternate, flip: true, net: mlp(8)) }';
const IMAGE_COUPLINGS =
  'repeat 2 { coupling(affine, mask: checkerboard, flip: true, net: resnet(blocks: 1, channels: 8)) }';
const spec = (data: string, first: string, rest = COUPLINGS) => `model M {
  data x: ${data}
  prior normal
  flow {
    ${first}
    ${rest}
  }
}`;

beforeAll(async () => {
  await tf.setBackend('cpu');
  await tf.ready();
});

describe('checks', () => {
  for (const type of ['uniform', 'variational']) {
    it(`dequantize(${type}) on categorical data is FC705, whose hint names dequantize(categorical)`, () => {
      const first = type === 'variational' ? 'dequantize(variational) { actnorm }' : 'dequantize(uniform)';
      const ds = check(spec('categorical(5)[4]', first));
      const d = ds.find((x) => x.code === 'FC705');
      expect(d?.severity).toBe('error');
      expect(d?.hint).toContain('dequantize(categorical');
      expect(d?.message).toContain('categorical(5)');
    });
  }

  it('a flow on categorical data without dequantization suggests the categorical encoding (FC701)', () => {
    const d = check(spec('categorical(5)[4]', 'actnorm')).find((x) => x.code === 'FC701');
    expect(d?.hint).toContain('dequantize(categorical');
  });

  for (const data of ['binary[4]', 'discrete(16)[4]']) {
    it(`dequantize(categorical) on ${data} is a warning (FC706), and nothing else is wrong`, () => {
      const ds = check(spec(data, 'dequantize(categorical, dim: 2)'));
      expect(ds.map((x) => `${x.code}:${x.severity}`)).toEqual(['FC706:warning']);
    });
  }

  it('categorical data with dequantize(categorical) checks clean', () => {
    expect(check(spec('categorical(5)[4]', 'dequantize(categorical, dim: 2, k: 3, context: true)'))).toEqual([]);
    expect(check(spec('categorical(5)[1, 4, 4]', 'dequantize(categorical, dim: 2)', IMAGE_COUPLINGS))).toEqual([]);
  });

  it('dim:, k: and context: on another dequantization, and a nested flow on the categorical one, are FC707', () => {
    const a = check(spec('discrete(4)[4]', 'dequantize(uniform, dim: 3, k: 2)')).filter((x) => x.code === 'FC707');
    expect(a.map((x) => x.message)).toEqual([
      '`dim:` is an argument of `dequantize(categorical)`, not of `dequantize(uniform)`',
      '`k:` is an argument of `dequantize(categorical)`, not of `dequantize(uniform)`',
    ]);
    const b = check(spec('categorical(4)[4]', 'dequantize(categorical, dim: 2) { actnorm }')).filter(
      (x) => x.code === 'FC707',
    );
    expect(b).toHaveLength(1);
    expect(b[0]!.severity).toBe('error');
  });

  it('a bad dim is a range error at the argument', () => {
    const ds = check(spec('categorical(4)[4]', 'dequantize(categorical, dim: 0)'));
    expect(ds.some((x) => x.code === 'FC303')).toBe(true);
  });
});

describe('shapes, FlowIR and explain', () => {
  it('vectors: D → D·d; the prior and the couplings see D·d', () => {
    const r = compileSource(spec('categorical(5)[3]', 'dequantize(categorical, dim: 4, k: 2)'), 'm.flow');
    const ir = r.ir!;
    expect(ir.flow![0]!.outShape).toEqual([12]);
    expect(ir.flow![0]!.args).toMatchObject({ type: 'categorical', K: 5, dim: 4, k: 2, context: false });
    expect(ir.flow![1]!.inShape).toEqual([12]);
    const text = explain(ir);
    expect(text).toContain('[3] → [12]');
    expect(text).toMatch(/prior: N\(0, I\)\s+\[12\] → \[12\]/);
  });

  it('images: [C, H, W] → [C·d, H, W]', () => {
    const text = spec('categorical(3)[2, 4, 4]', 'dequantize(categorical, dim: 3)', IMAGE_COUPLINGS);
    const r = compileSource(text, 'm.flow');
    expect(r.ir!.flow![0]!.outShape).toEqual([6, 4, 4]);
    expect(explain(r.ir!)).toContain('[2, 4, 4] → [6, 4, 4]');
  });

  for (const [what, data, first] of [
    ['vector, k: 3, context', 'categorical(5)[3]', 'dequantize(categorical, dim: 2, k: 3, context: true)'],
    ['image, context', 'categorical(3)[1, 4, 4]', 'dequantize(categorical, dim: 2, context: true)'],
  ] as const) {
    it(`the registry counts the tensors the runtime creates (${what})`, () => {
      const rest = data.includes(',') ? IMAGE_COUPLINGS : undefined;
      const ir = compileSource(spec(data, first, rest), 'm.flow').ir!;
      const m = build(ir);
      const counted = ir.flow![0]!.params!.reduce((a, p) => a + p.shape.reduce((x, y) => x * y, 1), 0);
      const created = m.variables.filter((v) => v.name.includes(ir.flow![0]!.id)).reduce((a, v) => a + v.size, 0);
      expect(created).toBe(counted);
      // and the model runs: a finite bound per example
      const x = data.includes(',')
        ? tf.zeros([2, 1, 4, 4])
        : tf.tensor2d([
            [0, 1, 4],
            [2, 2, 3],
          ]);
      const lp = m.logProb(x);
      for (const v of lp.dataSync()) expect(Number.isFinite(v)).toBe(true);
      tf.dispose([x, lp]);
      m.dispose();
    });
  }
});

describe('size estimate', () => {
  it('counts one table row per category of the data, as FlowIR does', async () => {
    const { estimateSize } = await import('../../compiler/proofs/size.js');
    const text = spec('categorical(26)[3]', 'dequantize(categorical, dim: 2, k: 2)');
    const { models } = checkText(text, 'test.flow', { proofs: true });
    const ir = compileSource(text, 'm.flow').ir!;
    expect(estimateSize(models[0]!).params).toBe(ir.totals.params);
  });
});
