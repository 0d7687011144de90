// The registry of layer kinds: one table drives the checker, `explain`, the YAML JSON Schema,
// editor completion/hover, docs and the runtime builder. No tfjs here.
import type { Span } from '../../grammar/ast.js';
import type { Diagnostic } from '../../grammar/diagnostic.js';
import type { LimitName } from '../limits.js';

/** What a call is, i.e. where it may appear. */
export type Category =
  | 'flow' // layers of a `flow { }` / posterior flow block
  | 'net' // conditioner nets: mlp, resnet, made
  | 'conditional' // autoregressive conditionals: nade, made, pixelcnn, gated_pixelcnn, pixelrnn
  | 'ar-layer' // layers inside a conditional block: conv(mask: A|B, ...)
  | 'likelihood' // bernoulli, categorical, logistic_mixture, gaussian
  | 'prior' // normal, logistic, laplace, mixture
  | 'order' // natural, reverse, random, raster
  | 'mask' // checkerboard, channel, half, alternate
  | 'connectivity' // sequential, random
  | 'transform' // elementwise transforms of autoregressive flows: affine, spline
  | 'domain' // real, binary, categorical, discrete
  | 'dataset' // toy, mnist, idx, csv, npy (train { data: ... })
  | 'optimizer' // adam
  | 'posterior' // gaussian (non-flow posterior families)
  | 'target' // energy(u1..u4): unnormalized densities fitted by reverse KL
  | 'train'; // the entries of a train { } block (one pseudo-kind)

export type ArgType =
  /** `limit`: a size checked against compiler/limits.ts (FC906 above it) */
  | { kind: 'int'; min?: number; max?: number; limit?: LimitName }
  | { kind: 'number'; min?: number; max?: number; exclusiveMin?: boolean; exclusiveMax?: boolean }
  | { kind: 'bool' }
  | { kind: 'string' }
  /** one of the listed bare words, e.g. scale: exp | sigmoid | tanh */
  | { kind: 'enum'; values: readonly string[] }
  | { kind: 'list'; of: ArgType; minItems?: number }
  /** a call (or bare name) of a registry kind of this category, e.g. net: mlp(64, 64) */
  | { kind: 'call'; category: Category }
  /** a mask expression: a mask name, a mask kind, a literal 0/1 list, or `!` of one */
  | { kind: 'mask' }
  | { kind: 'union'; of: readonly ArgType[] };

export interface ArgSpec {
  name: string;
  type: ArgType;
  /** value used when omitted (absent and not required = optional with no default) */
  default?: unknown;
  required?: boolean;
  /** may be given positionally; positional args fill these in declaration order */
  positional?: boolean;
  /** takes all remaining positional args as a list (e.g. mlp(64, 64)) */
  variadic?: boolean;
  /** a bool switched on by writing its name as a bare positional word, e.g. `normal(learned)` */
  flag?: boolean;
  /** used only when another argument has one of these values (spline's `bins` only with `type: spline`): the
   * default is filled in only then, and writing it otherwise is warning FC315 */
  onlyWhen?: { arg: string; in: readonly string[] };
  doc: string;
}

export type Shape = number[];

export type Jacobian =
  | 'diagonal'
  | 'triangular'
  | 'block-triangular'
  | 'permutation'
  | 'rank-one'
  | 'radial'
  | 'channel-mix'
  | 'identity'
  | 'none';

/** How a direction is computed: one pass, an iterative root-find, D sequential passes, or not at all. */
export type DirectionKind = 'closed' | 'iterative' | 'sequential' | 'none';

/** Arguments after checking: names resolved, defaults filled, lets substituted. */
export type ResolvedArgs = Record<string, unknown>;

export interface ShapeContext {
  span: Span;
  report(d: Diagnostic): void;
}

export interface ArgCheckContext {
  /** the span of an argument as written (the call's span for a default) */
  span(arg: string): Span;
  report(d: Diagnostic): void;
}

export interface ParamSpec {
  name: string;
  shape: number[];
  init: string;
}

export interface LayerKind {
  name: string;
  category: Category;
  doc: string;
  /** paper or lecture slide the layer follows */
  cite?: string;
  args: readonly ArgSpec[];
  /** accepts a nested block of layers of this category, e.g. pixelcnn { conv ... } */
  block?: Category;
  /** rules on the argument values beyond their types (e.g. a data path); reports at the argument's span */
  check?: (args: ResolvedArgs, ctx: ArgCheckContext) => void;
  /**
   * conditionals and flow layers: how a `condition y` reaches it (absent: it takes none; a conditional without it
   * is FC513, a flow needs at least one layer with it)
   */
  takesCondition?: string;
  // ---- flow layers only ----
  /** output shape from input shape; reports a diagnostic and returns undefined when impossible */
  shape?: (input: Shape, args: ResolvedArgs, ctx: ShapeContext) => Shape | undefined;
  jacobian?: Jacobian;
  /** the log|det J| term as the lecture writes it, for `explain` */
  logDet?: string;
  /**
   * Direction costs. Flow layers are written in the density direction data → latent
   * (`density`, what logProb needs); `sample` is latent → data.
   */
  directions?: { density: DirectionKind; sample: DirectionKind };
  /** parameter tensors for an input shape (explain, size checks, runtime initializers) */
  params?: (input: Shape, args: ResolvedArgs) => ParamSpec[];
  /** multiply-adds per example, for explain and size checks */
  flops?: (input: Shape, args: ResolvedArgs) => number;
}
