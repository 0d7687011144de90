// The planner's implementationOf (runtime/plan/planner.ts): a unit's implementation is its plain one
// wrapped by every kernel of its kind whose shape condition holds, in registration order (a later one is
// tried first), each falling back to the one it wraps when `on()` is false at call time; a kernel that
// `refines` another is allowed only where that one is, and the plan says so. Test kernels of their own
// kinds (this file's module graph only), plus the real MADE and NADE refinements.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { compileSource } from '../../compiler/index.js';
import type { FlowIR } from '../../compiler/ir/types.js';
import { config, withConfig } from '../../runtime/config.js';
import { allKernels, registerKernel, type PlanUnit } from '../../runtime/plan/registry.js';
import { implementationOf, planModel, planUnit } from '../../runtime/plan/planner.js';
import { useWasmBackend } from './helpers.js';

useWasmBackend();

type Square = (v: number) => string;
const unit = (kind: string, id = 'u'): PlanUnit => ({ id, kind, contextShape: null });
/** the plan entry of a unit on cpu with these kernels off */
const planned = (u: PlanUnit, off: string[] = []) =>
  withConfig({ kernelsOff: off }, () => planUnit(u, { backend: 'cpu', config: config() }));

registerKernel<Square>({
  name: 'base',
  kind: 'test-sq',
  backends: 'any',
  doc: 'test: a base kernel',
  applies: (u) => u.id !== 'small' || 'too small',
  implement: (under, on) => (v) => (on() ? `base(${v * v})` : under(v)),
});
registerKernel<Square>({
  name: 'refined',
  kind: 'test-sq',
  backends: 'any',
  refines: 'base',
  doc: 'test: a refinement of base',
  applies: () => true,
  implement: (under, on) => (v) => (on() ? `refined(${v * v})` : under(v)),
});
const plain: Square = (v) => `plain(${v * v})`;

describe('implementationOf', () => {
  it('is the plain implementation for a kind without kernels', () => {
    expect(implementationOf(unit('test-none'), plain)).toBe(plain);
  });

  it('tries the later-registered kernel first and falls back, decided at each call', () => {
    const f = implementationOf(unit('test-sq'), plain);
    expect(f(3)).toBe('refined(9)');
    expect(withConfig({ kernelsOff: ['test-sq:refined'] }, () => f(3))).toBe('base(9)');
    // the refinement needs the kernel it refines: off with it
    expect(withConfig({ kernelsOff: ['test-sq:base'] }, () => f(3))).toBe('plain(9)');
    expect(f(2)).toBe('refined(4)');
  });

  it('leaves out a kernel whose shape condition fails (the refinement still wraps the plain one)', () => {
    const f = implementationOf(unit('test-sq', 'small'), plain);
    expect(f(3)).toBe('refined(9)');
    expect(withConfig({ kernelsOff: ['test-sq:refined'] }, () => f(3))).toBe('plain(9)');
  });

  it('the plan names the refined kernel as the reason a refinement is not used', () => {
    expect(planned(unit('test-sq')).kernels).toEqual(['test-sq:base', 'test-sq:refined']);
    const off = planned(unit('test-sq'), ['test-sq:base']);
    expect(off.kernels).toEqual([]);
    expect(off.rejected).toEqual([
      { kernel: 'test-sq:base', why: 'turned off (kernelsOff)' },
      { kernel: 'test-sq:refined', why: 'needs test-sq:base' },
    ]);
  });
});

const spec = (text: string): FlowIR => {
  const r = compileSource(text.replace(/ {2}/g, '\n'), 'k.flow');
  if (!r.ir) throw new Error(JSON.stringify(r.diagnostics));
  return r.ir;
};

describe('the MADE and NADE refinements on wasm', () => {
  const made = spec(`model M { data x: binary[8]  order natural
  conditional made(hidden: [16], connectivity: sequential, activation: relu)  likelihood bernoulli }`);
  const nade = spec(`model N { data x: binary[6]  order natural  conditional nade(hidden: 5)  likelihood bernoulli }`);
  const conditional = (ir: FlowIR, off: string[]) =>
    withConfig({ kernelsOff: off }, () => planModel(ir, { backend: 'wasm' })).entries.find(
      (e) => e.id === 'conditional',
    )!;

  it('staircase refines fused-masked-dense, simd refines fused: off with it, named in the plan', async () => {
    await tf.setBackend('wasm');
    try {
      expect(conditional(made, []).kernels).toEqual(['made:fused-masked-dense', 'made:staircase']);
      expect(conditional(made, ['made:fused-masked-dense']).rejected).toContainEqual({
        kernel: 'made:staircase',
        why: 'needs made:fused-masked-dense',
      });
      expect(conditional(nade, []).kernels).toEqual(['nade:fused', 'nade:simd']);
      expect(conditional(nade, ['nade:fused']).rejected).toContainEqual({
        kernel: 'nade:simd',
        why: 'needs nade:fused',
      });
    } finally {
      await tf.setBackend('cpu');
    }
  });
});

describe('model code asks for implementations, never for a kernel', () => {
  it('no runtime file outside plan/ names a registered kernel, except where kernels register', () => {
    const root = join(import.meta.dirname, '../../runtime');
    const files = readdirSync(root, { recursive: true, encoding: 'utf8' })
      .filter((f) => f.endsWith('.ts') && !/^plan[\\/]/.test(f))
      .map((f) => ({ f, text: readFileSync(join(root, f), 'utf8') }));
    expect(files.length).toBeGreaterThan(50);
    const names = allKernels()
      .filter((k) => !k.kind.startsWith('test-'))
      .map((k) => `${k.kind}:${k.name}`);
    expect(names.length).toBeGreaterThan(10);
    const named = files
      .filter(({ text }) => !text.includes('registerKernel'))
      .flatMap(({ f, text }) => names.filter((n) => text.includes(`'${n}'`)).map((n) => `${f}: ${n}`));
    expect(named).toEqual([]);
  });
});
