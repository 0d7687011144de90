// Spec generators for the check = run property test, drawn from the registry tables (kindsOf, each kind's
// ArgSpecs and block category), so kinds and arguments added later are generated without edits here.
// Sizes are tiny; values stay inside each argument's declared range; literal masks are left out
// (random 0/1 matrices are almost never valid and only exercise the refusal path).
import fc from 'fast-check';
import { kindsOf } from '../../compiler/registry/index.js';
import type { ArgSpec, ArgType, Category, LayerKind } from '../../compiler/registry/types.js';

type Arb = fc.Arbitrary<string>;

/** arguments never generated: literal masks (see above) and data-file names */
const SKIP_ARGS = new Set(['masks']);

function numberText(v: number): string {
  return Number.isInteger(v) ? String(v) : v.toFixed(3);
}

function typeArb(t: ArgType, name: string, depth: number): Arb | undefined {
  switch (t.kind) {
    case 'int': {
      const lo = t.min ?? 0;
      const hi = Math.min(t.max ?? lo + 3, lo + (name === 'hidden' || name === 'channels' ? 6 : 3));
      return fc.integer({ min: lo, max: Math.max(lo, hi) }).map(String);
    }
    case 'number': {
      const lo = t.min ?? (t.max !== undefined ? t.max - 2 : 0);
      const hi = t.max ?? lo + 2;
      return fc.constantFrom(0.25, 0.5, 0.75).map((f) => numberText(lo + (hi - lo) * f));
    }
    case 'bool':
      return fc.boolean().map(String);
    case 'string':
      return undefined;
    case 'enum':
      return fc.constantFrom(...t.values);
    case 'list': {
      const of = typeArb(t.of, name, depth);
      if (!of) return undefined;
      return fc.array(of, { minLength: Math.max(1, t.minItems ?? 1), maxLength: 2 }).map((xs) => `[${xs.join(', ')}]`);
    }
    case 'call':
      return depth > 2 ? undefined : callArb(t.category, depth + 1);
    case 'mask':
      return fc.constantFrom(...kindsOf('mask').map((k) => k.name));
    case 'union': {
      // named alternatives first: literal lists (orders) are mostly not permutations
      const alts = t.of
        .filter((a) => a.kind !== 'list')
        .map((a) => typeArb(a, name, depth))
        .filter((a): a is Arb => !!a);
      return alts.length ? fc.oneof(...alts) : undefined;
    }
    default:
      return undefined;
  }
}

/**
 * `name: value` for an argument (required ones always, optional ones half the time). `tiny`: a size whose
 * default is large (an autoregressive conditional's filters: 160, layers: 12, …) is always written, at a tiny
 * value, so that conditioned and unconditioned models alike stay fast
 */
function argArb(a: ArgSpec, depth: number, tiny = false): fc.Arbitrary<string | undefined> | undefined {
  if (SKIP_ARGS.has(a.name)) return undefined;
  const v = typeArb(a.type, a.name, depth);
  if (!v) return undefined;
  const kv = v.map((x) => `${a.name}: ${x}`);
  const large = (d: unknown): boolean => (typeof d === 'number' && d > 8) || (Array.isArray(d) && d.some(large));
  return a.required || (tiny && large(a.default)) ? kv : fc.option(kv, { nil: undefined });
}

/** a call of `kind` with a random subset of its arguments, and a generated block where it takes one */
export function kindArb(kind: LayerKind, depth = 0, body?: Arb): Arb {
  const tiny = kind.category === 'conditional';
  const args = kind.args.map((a) => argArb(a, depth, tiny)).filter((a): a is fc.Arbitrary<string | undefined> => !!a);
  const blockArb = kind.block ? (body ?? blockFor(kind.block, depth)) : fc.constant('');
  return fc.tuple(fc.tuple(...args), blockArb).map(([vals, block]) => {
    const written = vals.filter((v): v is string => v !== undefined);
    const head = written.length ? `${kind.name}(${written.join(', ')})` : kind.name;
    return block ? `${head} { ${block} }` : head;
  });
}

function blockFor(category: Category, depth: number): Arb {
  if (depth > 1) return fc.constant(category === 'ar-layer' ? 'conv(mask: A, kernel: 3, channels: 2)' : 'actnorm');
  return fc.array(callArb(category, depth + 1), { minLength: 1, maxLength: 2 }).map((xs) => {
    // a masked-conv stack must start with mask A (FC604); without this almost no pixelcnn would be accepted
    if (category === 'ar-layer') xs[0] = xs[0]!.replace(/mask: (B|none)/, 'mask: A');
    return xs.join('; ');
  });
}

export function callArb(category: Category, depth = 0, exclude: readonly string[] = []): Arb {
  const kinds = kindsOf(category).filter((k) => !exclude.includes(k.name));
  return fc.oneof(...kinds.map((k) => kindArb(k, depth)));
}

export interface GenSpec {
  family: string;
  text: string;
}

/** no condition (most specs), a class label or a real vector: `condition y: …` */
const conditionArb = fc
  .constantFrom('', '', 'condition y: categorical(3)\n  ', 'condition y: real[2]\n  ')
  .map((c) => (c ? `  ${c.trimEnd()}\n` : ''));

const shapeOf = (image: boolean, C = 1) => (image ? `[${C}, 4, 4]` : '[4]');

/** a flow model on real or dequantized discrete data, one or two generated layers */
export const flowSpec: fc.Arbitrary<GenSpec> = fc
  .record({
    domain: fc.constantFrom('real', 'binary', 'discrete(4)'),
    image: fc.boolean(),
    C: fc.constantFrom(1, 2),
    prior: callArb('prior'),
    layers: fc.array(callArb('flow', 0, ['level']), { minLength: 1, maxLength: 2 }),
    condition: conditionArb,
  })
  .map((r) => {
    const first = r.domain === 'real' ? '' : 'dequantize(uniform); ';
    return {
      family: 'flow',
      text:
        `model G {\n  data x: ${r.domain}${shapeOf(r.image, r.C)}\n${r.condition}  prior ${r.prior}\n` +
        `  flow { ${first}${r.layers.join('; ')} }\n}`,
    };
  });

/** an autoregressive model: a generated conditional and likelihood, optionally an order */
export const arSpec: fc.Arbitrary<GenSpec> = fc
  .record({
    domain: fc.constantFrom('binary', 'discrete(4)', 'categorical(3)', 'real'),
    image: fc.boolean(),
    conditional: callArb('conditional'),
    likelihood: callArb('likelihood'),
    order: fc.option(callArb('order'), { nil: undefined }),
    condition: conditionArb,
  })
  .map((r) => ({
    family: 'autoregressive',
    text:
      `model G {\n  data x: ${r.domain}${shapeOf(r.image)}\n${r.condition}${r.order ? `  order ${r.order}\n` : ''}` +
      `  conditional ${r.conditional}\n  likelihood ${r.likelihood}\n}`,
  }));

/** a VAE: generated encoder, decoder, posterior and likelihood */
export const vaeSpec: fc.Arbitrary<GenSpec> = fc
  .record({
    domain: fc.constantFrom('binary', 'real'),
    image: fc.boolean(),
    encoder: callArb('net'),
    decoder: callArb('net'),
    posterior: callArb('posterior'),
    likelihood: callArb('likelihood'),
    condition: conditionArb,
  })
  .map((r) => ({
    family: 'vae',
    text:
      `model G {\n  data x: ${r.domain}${shapeOf(r.image)}\n${r.condition}  latent z: real[2]\n  prior normal\n` +
      `  encoder ${r.encoder}\n` +
      `  posterior ${r.posterior}\n  decoder ${r.decoder}\n  likelihood ${r.likelihood}\n}`,
  }));

/** an energy fit: a generated flow on a 2-D latent and a generated target */
export const energySpec: fc.Arbitrary<GenSpec> = fc
  .record({
    layers: fc.array(callArb('flow', 0, ['level']), { minLength: 1, maxLength: 2 }),
    target: callArb('target'),
  })
  .map((r) => ({
    family: 'energy',
    text: `model G {\n  latent z: real[2]\n  prior normal\n  flow { ${r.layers.join('; ')} }\n  target ${r.target}\n}`,
  }));
