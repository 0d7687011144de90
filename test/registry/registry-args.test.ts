// Every registry kind is well formed: unique names, defaults that satisfy their own types,
// sane positional order, and every construct of LANGUAGE.md present.
import { describe, expect, it } from 'vitest';
import { CATEGORIES, REGISTRY, kindsOf, lookup } from '../../compiler/registry/index.js';
import type { ArgSpec, ArgType, Category } from '../../compiler/registry/types.js';

/** an independent judge of "value fits type" (the checker has its own; this one only reads the spec) */
function fits(v: unknown, t: ArgType): boolean {
  switch (t.kind) {
    case 'int':
      return (
        Number.isInteger(v) &&
        (t.min === undefined || (v as number) >= t.min) &&
        (t.max === undefined || (v as number) <= t.max)
      );
    case 'number': {
      if (typeof v !== 'number' || !Number.isFinite(v)) return false;
      if (t.min !== undefined && (t.exclusiveMin ? v <= t.min : v < t.min)) return false;
      return t.max === undefined || v <= t.max;
    }
    case 'bool':
      return typeof v === 'boolean';
    case 'string':
      return typeof v === 'string';
    case 'enum':
      return typeof v === 'string' && t.values.includes(v);
    case 'list':
      return Array.isArray(v) && v.length >= (t.minItems ?? 0) && v.every((x) => fits(x, t.of));
    case 'call':
      return typeof v === 'string' && lookup(v, t.category) !== undefined;
    case 'mask':
      return typeof v === 'string'
        ? lookup(v, 'mask') !== undefined
        : Array.isArray(v) && v.every((x) => x === 0 || x === 1);
    case 'union':
      return t.of.some((u) => fits(v, u));
  }
}

function typesIn(t: ArgType): ArgType[] {
  if (t.kind === 'list') return [t, ...typesIn(t.of)];
  if (t.kind === 'union') return [t, ...t.of.flatMap(typesIn)];
  return [t];
}

const ident = /^[A-Za-z_][A-Za-z0-9_]*$/;

describe('registry: every kind is well formed', () => {
  it('has unique (category, name) pairs and identifier names', () => {
    const keys = REGISTRY.map((k) => `${k.category}:${k.name}`);
    expect(new Set(keys).size).toBe(keys.length);
    for (const k of REGISTRY) expect(k.name).toMatch(ident);
    for (const k of REGISTRY) expect(CATEGORIES).toContain(k.category);
  });

  for (const k of REGISTRY) {
    describe(`${k.category}:${k.name}`, () => {
      it('has a doc line and unique identifier argument names with docs', () => {
        expect(k.doc.trim().length).toBeGreaterThan(10);
        expect(k.doc).not.toContain('\n');
        const names = k.args.map((a) => a.name);
        expect(new Set(names).size).toBe(names.length);
        for (const a of k.args) {
          expect(a.name).toMatch(ident);
          expect(a.doc.trim().length).toBeGreaterThan(3);
        }
      });

      it('has defaults that satisfy their own types, and no default on required args', () => {
        for (const a of k.args) {
          if (a.required) expect(a.default, `${a.name} is required and has a default`).toBeUndefined();
          if (a.default !== undefined)
            expect(fits(a.default, a.type), `${k.name}.${a.name} default ${JSON.stringify(a.default)}`).toBe(true);
        }
      });

      it('has a sane positional order', () => {
        const pos = k.args.filter((a) => a.positional);
        // a required positional never follows an optional one (it could never be given positionally alone)
        let seenOptional = false;
        for (const a of pos) {
          if (!a.required) seenOptional = true;
          else expect(seenOptional, `${k.name}.${a.name}: required positional after an optional one`).toBe(false);
        }
        const variadic = k.args.filter((a) => a.variadic);
        expect(variadic.length).toBeLessThanOrEqual(1);
        for (const v of variadic) {
          expect(v.positional).toBe(true);
          expect(pos[pos.length - 1]).toBe(v);
          expect(v.type.kind).toBe('list');
        }
        for (const f of k.args.filter((a) => a.flag)) {
          expect(f.type.kind).toBe('bool');
          expect(f.positional ?? false).toBe(false);
        }
      });

      it('refers only to categories that have kinds, and to non-empty, duplicate-free enums', () => {
        for (const a of k.args) {
          for (const t of typesIn(a.type)) {
            if (t.kind === 'call')
              expect(kindsOf(t.category).length, `${k.name}.${a.name} → ${t.category}`).toBeGreaterThan(0);
            if (t.kind === 'enum') {
              expect(t.values.length).toBeGreaterThan(0);
              expect(new Set(t.values).size).toBe(t.values.length);
            }
            if ((t.kind === 'int' || t.kind === 'number') && t.min !== undefined && t.max !== undefined)
              expect(t.min).toBeLessThanOrEqual(t.max);
          }
        }
        if (k.block) expect(kindsOf(k.block).length).toBeGreaterThan(0);
      });
    });
  }
});

describe('registry: the judge above can fail', () => {
  it('rejects ill-typed values', () => {
    expect(fits(1.5, { kind: 'int' })).toBe(false);
    expect(fits(0, { kind: 'number', min: 0, exclusiveMin: true })).toBe(false);
    expect(fits('relu', { kind: 'enum', values: ['tanh'] })).toBe(false);
    expect(fits('nope', { kind: 'call', category: 'net' })).toBe(false);
    expect(fits([64, 'x'], { kind: 'list', of: { kind: 'int' } })).toBe(false);
  });
});

/** Every construct LANGUAGE.md names, by category, with the arguments it shows. */
const LANGUAGE: Record<Category, Record<string, string[]>> = {
  flow: {
    dequantize: ['type'],
    logit: ['alpha'],
    coupling: ['type', 'mask', 'net', 'scale', 'flip'],
    squeeze: [],
    split: ['prior'],
    planar: ['activation', 'inverse'],
    radial: ['inverse'],
    actnorm: [],
    invconv1x1: ['lu'],
    permute: ['order'],
    maf: ['hidden', 'order'],
    iaf: ['hidden', 'order'],
    level: [],
  },
  net: { mlp: ['hidden'], resnet: ['blocks', 'channels'], made: ['hidden'] },
  conditional: {
    nade: ['hidden'],
    made: ['hidden', 'connectivity'],
    pixelcnn: [],
    gated_pixelcnn: ['layers', 'channels'],
    pixelrnn: ['cell', 'layers', 'hidden'],
  },
  'ar-layer': { conv: ['mask', 'kernel', 'channels', 'activation', 'residual'] },
  likelihood: { bernoulli: [], categorical: [], logistic_mixture: ['k'], gaussian: [] },
  prior: { normal: ['mean', 'std', 'learned'], logistic: [], laplace: [], mixture: ['component', 'k'] },
  order: { natural: [], reverse: [], random: ['seed'], raster: ['channels'] },
  mask: { checkerboard: ['parity'], channel: [], half: [], alternate: [] },
  connectivity: { sequential: [], random: ['seed'] },
  transform: { affine: [], spline: ['bins', 'bound'] },
  domain: { real: [], binary: [], categorical: ['K'], discrete: ['K'] },
  dataset: {
    toy: ['name', 'n', 'noise', 'seed'],
    mnist: ['binarized', 'split'],
    idx: ['path'],
    csv: ['path'],
    npy: ['path'],
  },
  optimizer: { adam: ['lr', 'beta1', 'beta2', 'eps'] },
  posterior: { gaussian: [], flow: ['amortized'] },
  target: { energy: ['name'] },
  train: { train: ['data', 'batch', 'steps', 'epochs', 'optimizer', 'clip', 'seed', 'eval_every', 'checkpoint_every'] },
};

describe('registry: covers LANGUAGE.md', () => {
  for (const [cat, kinds] of Object.entries(LANGUAGE) as [Category, Record<string, string[]>][]) {
    for (const [name, args] of Object.entries(kinds)) {
      it(`${cat}:${name}(${args.join(', ')})`, () => {
        const k = lookup(name, cat);
        expect(k, `${cat}:${name} missing`).toBeDefined();
        for (const a of args) expect(k!.args.map((s: ArgSpec) => s.name)).toContain(a);
      });
    }
  }

  it('positional forms of the examples bind to the intended argument', () => {
    const firstPos = (name: string, cat: Category) => lookup(name, cat)!.args.find((a) => a.positional)?.name;
    expect(firstPos('coupling', 'flow')).toBe('type'); // coupling(affine, ...)
    expect(firstPos('dequantize', 'flow')).toBe('type'); // dequantize(uniform)
    expect(firstPos('permute', 'flow')).toBe('order'); // permute(reverse)
    expect(firstPos('pixelrnn', 'conditional')).toBe('cell'); // pixelrnn(row_lstm, ...)
    expect(firstPos('mixture', 'prior')).toBe('component'); // mixture(normal, k: 8)
    expect(firstPos('toy', 'dataset')).toBe('name'); // toy(moons, noise: 0.05)
    expect(firstPos('energy', 'target')).toBe('name'); // energy(u1)
    expect(lookup('mlp', 'net')!.args[0]!.variadic).toBe(true); // mlp(64, 64)
    expect(lookup('normal', 'prior')!.args.find((a) => a.name === 'learned')!.flag).toBe(true); // normal(learned)
  });

  it('lookup respects the category and kindsOf lists exactly that category', () => {
    expect(lookup('made', 'net')!.category).toBe('net');
    expect(lookup('made', 'conditional')!.category).toBe('conditional');
    expect(lookup('random', 'order')!.category).toBe('order');
    expect(lookup('random', 'connectivity')!.category).toBe('connectivity');
    expect(lookup('coupling', 'net')).toBeUndefined();
    expect(lookup('no_such_layer')).toBeUndefined();
    expect(
      kindsOf('mask')
        .map((k) => k.name)
        .sort(),
    ).toEqual(['alternate', 'channel', 'checkerboard', 'half']);
  });
});

describe('registry: flow layers carry their math', () => {
  const layers = kindsOf('flow').filter((k) => k.name !== 'level');
  it.each(layers.map((k) => [k.name, k] as const))(
    '%s has shape, Jacobian, log-det, directions, params, flops',
    (_n, k) => {
      expect(typeof k.shape).toBe('function');
      expect(k.jacobian).toBeDefined();
      expect(k.logDet && k.logDet.length).toBeTruthy();
      expect(k.directions).toBeDefined();
      expect(typeof k.params).toBe('function');
      expect(typeof k.flops).toBe('function');
    },
  );

  it('declares the directions of the lecture', () => {
    const dir = (n: string) => lookup(n, 'flow')!.directions;
    expect(dir('planar')).toEqual({ density: 'iterative', sample: 'closed' });
    expect(dir('radial')).toEqual({ density: 'iterative', sample: 'closed' });
    expect(dir('maf')).toEqual({ density: 'closed', sample: 'sequential' });
    expect(dir('iaf')).toEqual({ density: 'sequential', sample: 'closed' });
    for (const n of ['coupling', 'actnorm', 'invconv1x1', 'permute', 'squeeze', 'split', 'logit']) {
      expect(dir(n)).toEqual({ density: 'closed', sample: 'closed' });
    }
  });

  it('writes the log-det formulas as the lecture does', () => {
    const ld = (n: string) => lookup(n, 'flow')!.logDet;
    expect(ld('coupling')).toBe('Σ_{i∉b} s_i(x_b)');
    expect(ld('actnorm')).toBe('H·W·Σ_c log|s_c|');
    expect(ld('invconv1x1')).toBe('H·W·log|det W| = H·W·Σ log|diag U|');
    expect(ld('planar')).toBe('log|1 + uᵀψ(z)|, ψ(z) = h′(wᵀz + b)w');
    expect(ld('radial')).toBe('(d−1)·log(1 + βh(α,r)) + log(1 + βh(α,r) + βh′(α,r)r)');
    expect(ld('squeeze')).toBe('0');
    expect(ld('split')).toBe('0 (+ log p(z_out))');
    expect(ld('maf')).toBe('−Σ_i α_i');
    expect(ld('iaf')).toBe('Σ_i log σ_i');
    expect(ld('dequantize')).toBe('−D·log K');
    expect(ld('logit')).toBe('Σ [log(1−2α) − log p − log(1−p)]');
  });
});
