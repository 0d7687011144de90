// The checker's resource limits, in one table. Every check, proof, explain and lowering step
// computes its work from the declared sizes; a value above its limit is reported (FC905..FC908)
// with the number and the limit before anything of that size is allocated, and the proofs that
// would need it are skipped. Each limit is far above any model flowc can train.

export interface Limit {
  /** the largest accepted value */
  max: number;
  /** what is limited, in the words of a diagnostic ("elements of the data") */
  what: string;
  doc: string;
}

export const LIMITS = {
  elements: {
    max: 1 << 22,
    what: 'elements',
    doc:
      'elements of a data or latent variable (D, or C·H·W): masks and orders are arrays of this length ' +
      '(3×1024×1024 fits)',
  },
  width: {
    max: 1 << 20,
    what: 'units',
    doc: 'hidden widths and channel counts of nets and conditionals (a MADE with D inputs holds width×D mask entries)',
  },
  layers: {
    max: 1024,
    what: 'layers',
    doc: 'layers of a gated PixelCNN or PixelRNN (each is propagated by the receptive-field proof)',
  },
  kernel: {
    max: 255,
    what: 'kernel size',
    doc: 'kernel sizes of masked and residual convolutions',
  },
  blocks: {
    max: 1024,
    what: 'blocks',
    doc: 'residual blocks of a `resnet` conditioner',
  },
  components: {
    max: 1 << 16,
    what: 'components',
    doc: 'mixture components, classes and discrete levels (likelihood outputs per dimension), MADE ensemble size',
  },
  flowLayers: {
    max: 10_000,
    what: 'layers',
    doc: 'layers of a flow, or of a conditional block, after `repeat` is expanded (FC312 above it)',
  },
  expansion: {
    max: 100_000,
    what: 'statements',
    doc: 'statements visited while expanding nested `repeat` blocks (the layer count is limited separately)',
  },
  flowWork: {
    max: 1 << 25,
    what: 'element-layers',
    doc:
      "the sum over a flow's layers of the elements each one sees: masks, coverage and invertibility proofs " +
      'walk every element of every layer (Glow on 3×256×256 with 100 layers is 20M)',
  },
  chain: {
    max: 100_000,
    what: 'definitions',
    doc: 'length of a chain of `let` or `mask` definitions naming one another',
  },
} as const satisfies Record<string, Limit>;

export type LimitName = keyof typeof LIMITS;

export const limitOf = (name: LimitName): number => LIMITS[name].max;

/** a size is usable when it is a safe integer no larger than its limit */
export const withinLimit = (name: LimitName, v: number): boolean => Number.isSafeInteger(v) && v <= LIMITS[name].max;

/** the product of sizes, or Infinity as soon as it passes `cap` (no overflow, no allocation) */
export function boundedProduct(sizes: readonly number[], cap: number): number {
  let p = 1;
  for (const s of sizes) {
    p *= s;
    if (!(p <= cap)) return Infinity;
  }
  return p;
}
