// The PyTorch target's table of what it implements (compiler/targets/pytorch/supported.ts): a layer
// kind, argument, argument value or FlowIR field it does not know — as when another kind joins the
// registry — is refused by name, never emitted as code that would run something else.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { compileSource } from '../../compiler/index.js';
import type { FlowIR } from '../../compiler/ir/types.js';
import { emitTorch } from '../../compiler/targets/pytorch/emit.js';
import { unsupportedConstructs } from '../../compiler/targets/pytorch/supported.js';

function irOf(file: string): FlowIR {
  const r = compileSource(readFileSync(file, 'utf8'), file);
  expect(r.ir).toBeDefined();
  return r.ir!;
}

const clone = <T>(v: T): T => JSON.parse(JSON.stringify(v)) as T;

describe('the PyTorch target refuses what it does not implement', () => {
  const moons = irOf('specs/two_moons.flow');

  it('emits an implemented model, one line per layer', () => {
    expect(unsupportedConstructs(moons)).toEqual([]);
    const r = emitTorch(moons, 'specs/two_moons.flow');
    expect('pkg' in r).toBe(true);
    const py = 'pkg' in r ? r.pkg.files['model.py']! : '';
    expect(py.match(/B\.Coupling\(/g)).toHaveLength(moons.flow!.length);
    expect(py).toContain('scale="tanh"');
  });

  it('names a net field it does not read (a weight-normed flowpp net), not only an unknown net kind', () => {
    const wn = irOf('bench/flowpp/flowpp_mnist_wn.flow');
    const found = unsupportedConstructs(wn).map((u) => u.construct);
    expect(found.length).toBeGreaterThan(0);
    expect(new Set(found)).toEqual(new Set(['net flowpp(weightNorm: true)']));
    const plain = clone(wn);
    const strip = (v: unknown): void => {
      if (Array.isArray(v)) v.forEach(strip);
      else if (v && typeof v === 'object') {
        const o = v as Record<string, unknown>;
        if (o.kind === 'flowpp') delete o.weightNorm;
        Object.values(o).forEach(strip);
      }
    };
    strip(plain);
    expect(unsupportedConstructs(plain)).toEqual([]);
  });

  it('names an unknown layer kind, argument or value with the layer', () => {
    const kind = clone(moons);
    (kind.flow![2] as { kind: string }).kind = 'spline_coupling';
    expect(unsupportedConstructs(kind)).toEqual([
      { construct: 'spline_coupling', id: kind.flow![2]!.id, at: kind.flow![2]!.at },
    ]);
    const value = clone(moons);
    (value.flow![0]!.args as Record<string, unknown>).type = 'rational_quadratic';
    expect(unsupportedConstructs(value)[0]!.construct).toBe('coupling(type: rational_quadratic)');
    const arg = clone(moons);
    (arg.flow![1]!.args as Record<string, unknown>).tails = 'linear';
    expect(unsupportedConstructs(arg)[0]!.construct).toBe('coupling(tails: …)');
    expect('unsupported' in emitTorch(arg, 'x.flow')).toBe(true);
  });

  it('emits the categorical encodings with mixtures, a context net and on images; refuses unknown options', () => {
    const words = irOf('specs/words_cnf.flow');
    const emitted = (f: (ir: FlowIR) => void) => {
      const ir = clone(words);
      f(ir);
      const r = emitTorch(ir, 'words.flow');
      return 'pkg' in r ? r.pkg.files['model.py']! : r.unsupported.map((u) => `${u.construct} ${u.id}`).join('; ');
    };
    const args = (ir: FlowIR) => ir.flow![0]!.args as Record<string, unknown>;
    expect(emitted(() => {})).toMatch(/CategoricalDequantize\(\[8\], K=27, dim=4\)/);
    expect(emitted((ir) => (args(ir).k = 3))).toMatch(/CategoricalDequantize\(\[8\], K=27, dim=4, k=3\)/);
    expect(emitted((ir) => (args(ir).context = true))).toMatch(/dim=4, context=N\.mlp\(\[64\], "relu"/);
    expect(emitted((ir) => (ir.flow![0]!.inShape = [1, 4, 2]))).toMatch(/CategoricalDequantize\(\[1, 4, 2\]/);
    expect(emitted((ir) => (args(ir).decode = 'sample'))).toBe(`dequantize(decode: …) ${words.flow![0]!.id}`);
  });

  it('names a FlowIR field it does not read, a VAE posterior layer or net and a conditional', () => {
    const ctx = { ...clone(moons), context: { shape: [3] } } as FlowIR;
    expect(unsupportedConstructs(ctx).map((u) => u.construct)).toEqual(["FlowIR field 'context'"]);
    const vae = irOf('specs/iaf_vae.flow');
    expect(unsupportedConstructs(vae)).toEqual([]);
    (vae.posterior!.flow[0] as { kind: string }).kind = 'sylvester';
    expect(unsupportedConstructs(vae)).toEqual([
      { construct: 'sylvester', id: vae.posterior!.flow[0]!.id, at: vae.posterior!.flow[0]!.at },
    ]);
    vae.encoder = { kind: 'resnet', blocks: 1, channels: 8, kernel: 3, zeroInitLast: false };
    expect(unsupportedConstructs(vae).map((u) => u.construct)).toContain('encoder net resnet');
    const made = irOf('specs/made_mnist.flow');
    expect(unsupportedConstructs(made)).toEqual([]);
    (made.conditional as { kind: string }).kind = 'transformer';
    expect(unsupportedConstructs(made).map((u) => u.construct)).toEqual(['autoregressive model (transformer)']);
  });
});
