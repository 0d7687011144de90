// The arguments of every FlowIR layer kind, declared once: each entry is a JSON Schema (built with
// TypeBox) from which the TypeScript type of `LayerIR.args` is inferred and which the FlowIR schema
// (ir/schema.ts) validates. Enumerations come from the registry and compiler/math, so the spec
// language, the IR and the runtime accept the same words. Adding a flow layer kind means an entry
// here (test/registry/layer-args.test.ts checks that it matches the registry's flow kinds) and a
// runtime constructor (runtime/bijectors/index.ts is typed to require one for every kind).
import { Type, type Static, type TSchema } from '@sinclair/typebox';
import type { LayerIR, NetIR } from './types.js';
import { SCALE_KINDS } from '../math/coupling-scale.js';
import { SPLINE_MAX_BINS, TRANSFORM_KINDS } from '../math/elementwise.js';

const strict = { additionalProperties: false } as const;
const oneOf = <const T extends readonly string[]>(values: T) =>
  Type.Union(values.map((v) => Type.Literal(v)) as never) as unknown as TSchema & { static: T[number] };

/** planar activations the invertibility proof accepts (the registry also names relu and sin, to reject them) */
export const IR_PLANAR_ACTIVATIONS = ['tanh', 'leaky_relu', 'softplus', 'elu', 'sigmoid'] as const;
export const MASK_KIND_NAMES = ['checkerboard', 'channel', 'half', 'alternate', 'literal'] as const;

const net = Type.Unsafe<NetIR>({ $ref: '#/definitions/net' });
const madeNet = Type.Unsafe<Extract<NetIR, { kind: 'made' }>>({ $ref: '#/definitions/net' });
/** nested layers (typed as LayerIR[] in LayerArgs below: the schema refers to the FlowIR schema's layer) */
const layers = Type.Unsafe<unknown[]>({ type: 'array', items: { $ref: '#/definitions/layer' } });
const ints = Type.Array(Type.Integer({ minimum: 0 }));
const inverse = oneOf(['none', 'iterative'] as const);
/** maf/iaf(…, transform: spline(bins, bound)): the MADE emits 3·bins − 1 values per dimension instead of (μ, α) */
const splineTransform = Type.Object(
  {
    kind: Type.Literal('spline'),
    bins: Type.Integer({ minimum: 2, maximum: SPLINE_MAX_BINS }),
    bound: Type.Number({ exclusiveMinimum: 0 }),
  },
  strict,
);

export const LAYER_KIND_NAMES = [
  'coupling',
  'squeeze',
  'split',
  'planar',
  'radial',
  'actnorm',
  'invconv1x1',
  'permute',
  'maf',
  'iaf',
  'logit',
  'dequantize',
] as const;
export type LayerKindName = (typeof LAYER_KIND_NAMES)[number];

export const LAYER_ARGS = {
  /** mask: flattened C·H·W (or D), 1 = passes through and conditions */
  coupling: Type.Object(
    {
      type: oneOf(TRANSFORM_KINDS),
      /** logistic_mixture: components; spline: bins and the interval [−bound, bound] (compiler/math/elementwise.ts) */
      k: Type.Optional(Type.Integer({ minimum: 1 })),
      bins: Type.Optional(Type.Integer({ minimum: 2, maximum: SPLINE_MAX_BINS })),
      bound: Type.Optional(Type.Number({ exclusiveMinimum: 0 })),
      mask: Type.Array(Type.Integer({ minimum: 0, maximum: 1 })),
      maskKind: oneOf(MASK_KIND_NAMES),
      net,
      scale: oneOf(SCALE_KINDS as readonly ['exp', 'sigmoid', 'tanh']),
    },
    strict,
  ),
  /** [C,H,W] → [4C,H/2,W/2], out[(di·2+dj)·C + c, i, j] = in[c, 2i+di, 2j+dj] */
  squeeze: Type.Object({}, strict),
  /** keeps channels [0, C/2), factors out [C/2, C) to the prior */
  split: Type.Object({ prior: oneOf(['fixed', 'conditional'] as const) }, strict),
  planar: Type.Object({ activation: oneOf(IR_PLANAR_ACTIVATIONS), inverse }, strict),
  radial: Type.Object({ inverse }, strict),
  actnorm: Type.Object({ dataInit: Type.Boolean() }, strict),
  invconv1x1: Type.Object({ lu: Type.Boolean() }, strict),
  /** a permutation over the C (or D) axis */
  permute: Type.Object({ perm: ints }, strict),
  // context: inputs of a VAE posterior's encoder context h (Kingma et al. 2016), unmasked in the MADE's first layer
  maf: Type.Object(
    { order: ints, net: madeNet, transform: Type.Optional(splineTransform), context: Type.Optional(Type.Integer()) },
    strict,
  ),
  iaf: Type.Object(
    { order: ints, net: madeNet, transform: Type.Optional(splineTransform), context: Type.Optional(Type.Integer()) },
    strict,
  ),
  logit: Type.Object({ alpha: Type.Number({ minimum: 0, exclusiveMaximum: 0.5 }) }, strict),
  /** categorical: dim d per element, k logistic components, context (x-dependent); see registry/categorical.ts */
  dequantize: Type.Object(
    {
      type: oneOf(['uniform', 'variational', 'categorical'] as const),
      K: Type.Integer({ minimum: 2 }),
      flow: Type.Optional(layers),
      dim: Type.Optional(Type.Integer({ minimum: 1 })),
      k: Type.Optional(Type.Integer({ minimum: 1 })),
      context: Type.Optional(Type.Boolean()),
      /** variational: the conditioning net of q(u|x) (absent: the registry's default for the shape) */
      net: Type.Optional(net),
      /** variational: feature channels of x every nested layer receives as its context (absent or 0: none) */
      features: Type.Optional(Type.Integer({ minimum: 0 })),
    },
    strict,
  ),
} as const satisfies Record<LayerKindName, TSchema>;

type StaticArgs = { [K in LayerKindName]: Static<(typeof LAYER_ARGS)[K]> };
/** the arguments of each layer kind, as `LayerIR.args` holds them */
export type LayerArgs = Omit<StaticArgs, 'dequantize'> & {
  dequantize: Omit<StaticArgs['dequantize'], 'flow'> & { flow?: LayerIR[] };
};

/** the arguments of `layer`, which must be of kind `kind` (a programming error otherwise) */
export function argsOf<K extends LayerKindName>(
  layer: { kind: string; id: string; args: unknown },
  kind: K,
): LayerArgs[K] {
  if (layer.kind !== kind) throw new Error(`${layer.id}: expected a ${kind} layer, found ${layer.kind}`);
  return layer.args as LayerArgs[K];
}

/** the layers in order, each followed by the layers of its nested flow (a variational dequantization's) */
export function flattenLayers(layers: readonly LayerIR[] | undefined): LayerIR[] {
  return (layers ?? []).flatMap((l) => [l, ...(l.kind === 'dequantize' ? flattenLayers(l.args.flow) : [])]);
}
