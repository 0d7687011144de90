// Diagnostics of the proofs (compiler/proofs). Stable codes: never renumber.
// FC5xx invertibility & directions, FC6xx autoregressive, FC7xx data, FC8xx coverage, FC9xx size.
import type { DiagnosticDef } from '../../grammar/diagnostic.js';

const fmt = (s: readonly number[]): string => `[${s.join(', ')}]`;
const big = (n: number): string =>
  n >= 1e12
    ? `${(n / 1e12).toFixed(1)}T`
    : n >= 1e9
      ? `${(n / 1e9).toFixed(1)}B`
      : n >= 1e6
        ? `${(n / 1e6).toFixed(1)}M`
        : n >= 1e3
          ? `${(n / 1e3).toFixed(1)}k`
          : `${n}`;
const bytes = (n: number): string =>
  n >= 2 ** 30
    ? `${(n / 2 ** 30).toFixed(1)} GiB`
    : n >= 2 ** 20
      ? `${(n / 2 ** 20).toFixed(1)} MiB`
      : `${(n / 2 ** 10).toFixed(1)} KiB`;
export { big as formatCount, bytes as formatBytes };

// ---------------------------------------------------------------- FC5xx invertibility

export const ELEMENT_COUNT: DiagnosticDef<{ layer: string; inShape: number[]; outShape: number[] }> = {
  code: 'FC501',
  severity: 'error',
  title: 'a flow layer changes the element count',
  message: (p) =>
    `\`${p.layer}\` maps ${fmt(p.inShape)} to ${fmt(p.outShape)}: ` +
    `${p.inShape.reduce((a, b) => a * b, 1)} elements in, ` +
    `${p.outShape.reduce((a, b) => a * b, 1)} out, so it cannot be a bijection`,
  hint: () => 'a flow layer must keep every element (squeeze rearranges, split hands half to the prior)',
};

export const COUPLING_NOTHING: DiagnosticDef<{ n: number }> = {
  code: 'FC502',
  severity: 'error',
  title: 'a coupling that transforms nothing',
  message: (p) =>
    `this coupling's mask passes all ${p.n} elements through, so it transforms nothing (the identity, log-det 0)`,
  hint: () =>
    'a mask needs both 1s (conditioning, passed through) and 0s (transformed); try ' +
    '`!mask` or a built-in mask such as `alternate`',
};

export const COUPLING_EVERYTHING: DiagnosticDef<{ n: number }> = {
  code: 'FC503',
  severity: 'error',
  title: 'a coupling that conditions on nothing',
  message: (p) =>
    `this coupling's mask is all 0: it transforms all ${p.n} elements and its ` +
    `conditioner sees nothing, so s and t are constants`,
  hint: () => 'give some elements a 1 so they pass through and condition the rest, e.g. `mask: half`',
};

export const CONDITIONER_SEES_TRANSFORMED: DiagnosticDef<{ reads: number; pass: number }> = {
  code: 'FC504',
  severity: 'error',
  title: 'the conditioner reads the part it transforms',
  message: (p) =>
    `the conditioner reads ${p.reads} channels but only ${p.pass} pass through: its s ` +
    `and t would depend on what they transform, and the Jacobian would not be triangular`,
  hint: () => 'a coupling conditioner may only see the pass-through part x⊙b',
};

export const SCALE_NOT_POSITIVE: DiagnosticDef<{ scale: string }> = {
  code: 'FC505',
  severity: 'error',
  title: 'coupling scale not positive by construction',
  message: (p) =>
    `scale \`${p.scale}\` does not keep the coupling's scale positive, so the layer may not be invertible`,
  hint: () => 'use `scale: exp`, `scale: sigmoid` or `scale: tanh` (exp of a tanh-bounded log-scale)',
};

export const PLANAR_NOT_SMOOTH: DiagnosticDef<{ activation: string }> = {
  code: 'FC506',
  severity: 'error',
  title: 'planar activation not smooth',
  message: (p) =>
    `planar activation \`${p.activation}\` is not differentiable everywhere: log|1 + ` +
    `uᵀψ(z)| needs h′, and the flow is not a diffeomorphism`,
  hint: () => 'use a smooth monotone activation: tanh, softplus, elu, sigmoid or leaky_relu',
};

export const PLANAR_NOT_MONOTONE: DiagnosticDef<{ activation: string }> = {
  code: 'FC507',
  severity: 'error',
  title: 'planar activation not monotone',
  message: (p) =>
    `planar activation \`${p.activation}\` is not monotone: h′ changes sign, so no ` +
    `constraint on u (wᵀu ≥ −1) makes f(z) = z + u·h(wᵀz + b) invertible`,
  hint: () => 'use a monotone activation: tanh, softplus, elu, sigmoid or leaky_relu',
};

export const DENSITY_NO_CLOSED_FORM: DiagnosticDef<{ layer: string; why: string }> = {
  code: 'FC510',
  severity: 'error',
  title: 'density direction without a closed form',
  message: (p) => `\`${p.layer}\` in a density model: ${p.why}`,
  hint: (p) =>
    p.layer === 'iaf'
      ? 'use `maf` for density estimation (one pass data → latent), or move the IAF into a VAE posterior where only ' +
        'sampling is needed'
      : 'add `inverse: iterative` (a 1-D root-find per layer), or move the layer into a VAE posterior / an energy ' +
        'fit, where only the sample direction is used',
};

export const SAMPLE_SEQUENTIAL: DiagnosticDef<{ layer: string; D: number; where: string }> = {
  code: 'FC511',
  severity: 'warning',
  title: 'sampling through a sequential direction',
  // sampling a trained MAF costs D passes: worth saying once, not on every train/explain of a density model
  checkOnly: (p) => !p.where.startsWith('every training step'),
  message: (p) => `\`${p.layer}\` samples sequentially: ${p.where} needs ${p.D} passes of its MADE (one per dimension)`,
  hint: (p) =>
    p.where.startsWith('every training step')
      ? 'use `iaf` here: its sample direction is one pass'
      : 'fine for density estimation; for fast sampling use `iaf` (trained by distillation or in a posterior)',
};

export const SAMPLE_NO_DIRECTION: DiagnosticDef<{ layer: string; where: string }> = {
  code: 'FC512',
  severity: 'error',
  title: 'sample direction unavailable',
  message: (p) => `\`${p.layer}\` has no sample direction, but ${p.where} draws samples through it`,
  hint: () => 'use a layer whose latent → data direction is closed-form',
};

export const INVCONV_NO_LU: DiagnosticDef<{ C: number }> = {
  code: 'FC520',
  severity: 'warning',
  title: 'unconstrained 1×1 convolution',
  message: (p) =>
    `invconv1x1 without the LU parameterization: W (${p.C}×${p.C}) is not kept ` +
    `invertible during training and log|det W| costs O(C³)`,
  hint: () => 'use `invconv1x1(lu: true)`: W = P·L·(U + diag(s)), log|det W| = Σ log|s|, never singular while s ≠ 0',
};

// ---------------------------------------------------------------- FC6xx autoregressive

export const ORDER_NOT_PERMUTATION: DiagnosticDef<{ D: number; problems: string }> = {
  code: 'FC601',
  severity: 'error',
  title: 'order is not a permutation',
  message: (p) => `the order must be a permutation of 0..${p.D - 1}: ${p.problems}`,
  hint: (p) => `list every index 0..${p.D - 1} exactly once, or use \`natural\`, \`reverse\` or \`random(seed: 1)\``,
};

export const AR_LEAK: DiagnosticDef<{ what: string; witness: string; more: number }> = {
  code: 'FC602',
  severity: 'error',
  title: 'autoregressive property violated',
  message: (p) =>
    `${p.what} is not autoregressive in the declared order: ` +
    `${p.witness}${p.more > 0 ? ` (and ${p.more} more leaking pairs)` : ''}`,
  hint: () =>
    'an output may only depend on inputs strictly earlier in the order; MADE masks need ' +
    'M[k,d] = 1 only when m(k) ≥ deg(d), and output masks deg(d) > m(k)',
};

export const AR_MASK_SHAPE: DiagnosticDef<{ what: string; problem: string }> = {
  code: 'FC603',
  severity: 'error',
  title: 'malformed MADE masks',
  message: (p) => `${p.what}: ${p.problem}`,
  hint: () =>
    'masks are listed input → hidden 1 → … → output; each is [units out][units in], ' +
    'starting with D columns and ending with D rows',
};

export const FIRST_MASK_B: DiagnosticDef<{ witness: string }> = {
  code: 'FC604',
  severity: 'error',
  title: 'first PixelCNN layer with mask B',
  message: (p) => `the first masked conv uses mask B, which includes the current pixel: ${p.witness}`,
  hint: () => 'the first layer must use mask A (strictly earlier pixels); mask B is for the layers after it',
};

export const PIXEL_LEAK: DiagnosticDef<{ what: string; witness: string }> = {
  code: 'FC605',
  severity: 'error',
  title: 'PixelCNN stack not causal',
  message: (p) => `${p.what} is not causal in raster order: ${p.witness}`,
  hint: () =>
    'use mask A in the first layer and mask B after it; unmasked convs (mask: none) are ' +
    'only safe as 1×1 on one channel group',
};

export const BLIND_SPOT: DiagnosticDef<{ size: number; context: number; rows: number }> = {
  code: 'FC606',
  severity: 'warning',
  title: 'blind spot in the receptive field',
  message: (p) =>
    `this masked-conv stack has a blind spot: ${p.size} of the ${p.context} earlier ` +
    `pixels within its reach (${p.rows} rows up) ${p.size === 1 ? 'is' : 'are'} never ` +
    `seen by a prediction`,
  hint: () =>
    'use `gated_pixelcnn` (vertical + horizontal stacks, no blind spot) or ' +
    '`pixelrnn(diagonal_bilstm)` for the full context',
};

export const ORDER_MISMATCH: DiagnosticDef<{ model: string; expected: string }> = {
  code: 'FC607',
  severity: 'error',
  title: 'order differs from the one the network factorizes in',
  message: (p) => `${p.model} generates pixels in ${p.expected}, but the declared order is different`,
  hint: (p) => `declare \`order ${p.expected}\` (or leave the order out)`,
};

export const MODEL_ORDER_SIZE: DiagnosticDef<{ layer: string; D: number; n: number }> = {
  code: 'FC608',
  severity: 'error',
  title: "the model's order does not fit a MAF/IAF layer",
  message: (p) =>
    `the model's \`order\` lists ${p.D} dimensions, but \`${p.layer}\` here sees ${p.n}; it cannot follow it`,
  hint: (p) =>
    `write the layer's own \`order:\` (e.g. \`${p.layer}(order: reverse)\`), or remove the model-level \`order\``,
};

export const MADE_MEMBERS: DiagnosticDef<{ problem: string }> = {
  code: 'FC609',
  severity: 'error',
  title: 'order-agnostic MADE settings that cannot be built',
  message: (p) => `\`made\`: ${p.problem}`,
  hint: () =>
    '`orders: S, connectivities: C` train S·C mask sets (one per minibatch); ' +
    '`ensemble: N` averages N ≤ S·C of them at evaluation',
};

export const NOT_RUNNABLE: DiagnosticDef<{ what: string; why: string; fix: string }> = {
  code: 'FC513',
  severity: 'error',
  title: 'a combination the runtime cannot build',
  message: (p) => `${p.what}: ${p.why}`,
  hint: (p) => p.fix,
};

export const NOT_AMORTIZED: DiagnosticDef<{ kind: string }> = {
  code: 'FC514',
  severity: 'warning',
  title: 'a posterior layer that `amortized: true` does not reach',
  message: (p) =>
    `\`${p.kind}\` in an amortized posterior keeps its own parameters, shared by every example: ` +
    'the encoder emits parameters for planar and radial layers and a context h for iaf, maf and coupling only',
  hint: (p) => `use planar, radial, iaf, maf or coupling steps, or write \`amortized: false\` to share \`${p.kind}\``,
};

// ---------------------------------------------------------------- FC7xx data

export const DELTA_PEAK: DiagnosticDef<{ domain: string }> = {
  code: 'FC701',
  severity: 'warning',
  title: 'continuous flow on discrete data',
  message: (p) =>
    `a continuous flow on ${p.domain} data without \`dequantize\`: the likelihood can ` +
    `grow without bound by putting δ-peaks on the data points`,
  hint: (p) =>
    p.domain === 'categorical'
      ? "start the flow with `dequantize(categorical, dim: 4)`: a learned encoding per category, decoded by Bayes' rule"
      : 'start the flow with `dequantize(uniform)` (or `dequantize(variational) { ... }`) so ' +
        'the model fits a density on [x, x+1)',
};

export const LOGIT_UNDEQUANTIZED: DiagnosticDef<{ domain: string }> = {
  code: 'FC702',
  severity: 'warning',
  title: 'logit without dequantization',
  message: (p) => `\`logit\` on ${p.domain} data that was not dequantized: its input should be continuous in [0, 1]`,
  hint: () => 'put `dequantize(uniform)` before `logit` (the dequantized values are scaled to [0, 1] by 1/K)',
};

export const DEQUANTIZE_REAL: DiagnosticDef<Record<string, never>> = {
  code: 'FC703',
  severity: 'warning',
  title: 'dequantize on real data',
  message: () =>
    '`dequantize` adds uniform noise in [0, 1) to data that is already real-valued; the ' +
    '−D·log K term is meaningless here',
  hint: () => 'declare the data as `discrete(K)[...]` if it holds integers, or remove `dequantize`',
};

export const DEQUANTIZE_NOT_FIRST: DiagnosticDef<{ before: string }> = {
  code: 'FC704',
  severity: 'warning',
  title: 'dequantize after other layers',
  message: (p) => `\`dequantize\` comes after \`${p.before}\`: the layers before it see the raw discrete values`,
  hint: () => 'make `dequantize` the first layer of the flow',
};

export const ORDINAL_DEQUANTIZE_ON_CATEGORIES: DiagnosticDef<{ type: string; K: number }> = {
  code: 'FC705',
  severity: 'error',
  title: 'ordinal dequantization of unordered categories',
  message: (p) =>
    `\`dequantize(${p.type})\` on categorical(${p.K}) data treats the categories as ordered intervals ` +
    '[c, c+1): neighbouring labels would share density that unrelated categories should not',
  hint: () =>
    "use `dequantize(categorical, dim: 4)`: a learned encoding per category, decoded by Bayes' rule " +
    '(`flowc help dequantize`)',
};

export const CATEGORICAL_ON_ORDERED: DiagnosticDef<{ domain: string }> = {
  code: 'FC706',
  severity: 'warning',
  title: 'categorical encoding of ordered data',
  message: (p) =>
    `\`dequantize(categorical)\` on ${p.domain} data ignores the order of its values (each level gets ` +
    'its own learned encoding; nothing is shared between neighbours)',
  hint: () => 'ordered levels are usually better served by `dequantize(uniform)` or `dequantize(variational) { ... }`',
};

export const CATEGORICAL_ARGUMENT_MISUSED: DiagnosticDef<{ what: string }> = {
  code: 'FC707',
  severity: 'error',
  title: 'argument or block that only one kind of dequantization takes',
  message: (p) => p.what,
  hint: () =>
    '`dim:`, `k:` and `context:` belong to `dequantize(categorical, ...)`; a nested `{ ... }` flow to ' +
    '`dequantize(variational) { ... }`',
};

// ---------------------------------------------------------------- FC8xx coverage

export const UNTRANSFORMED_DIMS: DiagnosticDef<{ count: number; total: number; examples: string }> = {
  code: 'FC801',
  severity: 'warning',
  title: 'dimensions no coupling transforms',
  message: (p) =>
    `${p.count} of ${p.total} data dimensions pass through every coupling unchanged ` +
    `(${p.examples}): their density is the prior's, up to element-wise layers`,
  hint: () =>
    'alternate the masks (`flip: true` in `repeat`, or `!mask`), or mix the dimensions ' +
    'between couplings with `permute` or `invconv1x1`',
};

export const REPEATED_MASK: DiagnosticDef<{ transformed: number }> = {
  code: 'FC802',
  severity: 'warning',
  title: 'consecutive couplings with the same mask',
  message: (p) =>
    `this coupling uses the same mask as the coupling just before it, with no ` +
    `permutation between: the same ${p.transformed} elements are transformed twice and ` +
    `the others stay untouched`,
  hint: () =>
    'complement the mask (`!mask`, or `flip: true` inside `repeat`), or put `permute` / ' +
    '`invconv1x1` between the couplings',
};

// ---------------------------------------------------------------- FC9xx size

export const TOO_MANY_PARAMS: DiagnosticDef<{ params: number; limit: number }> = {
  code: 'FC901',
  severity: 'error',
  title: 'absurd parameter count',
  message: (p) => `this model has ${big(p.params)} parameters (${p.params}), more than the limit of ${big(p.limit)}`,
  hint: () => 'reduce hidden widths, channels or depth; `flowc explain` lists the parameters per layer',
};

export const MANY_PARAMS: DiagnosticDef<{ params: number; limit: number }> = {
  code: 'FC902',
  severity: 'warning',
  title: 'very large parameter count',
  message: (p) =>
    `this model has ${big(p.params)} parameters; above ${big(p.limit)} training on a CPU backend will be very slow`,
  hint: () =>
    '`flowc explain` lists the parameters per layer; the widest layers dominate (an mlp ' +
    'on a flattened image, wide convolutions)',
};

export const ACTIVATION_MEMORY: DiagnosticDef<{ perExample: number; batch: number; total: number; limit: number }> = {
  code: 'FC903',
  severity: 'warning',
  title: 'activation memory past a sane limit',
  message: (p) =>
    `activations take about ${bytes(p.perExample)} per example, ${bytes(p.total)} for a ` +
    `batch of ${p.batch} (more than ${bytes(p.limit)})`,
  hint: () => 'reduce the batch size, the channels, or the number of layers',
};

export const TOO_MANY_FLOPS: DiagnosticDef<{ flops: number; limit: number }> = {
  code: 'FC904',
  severity: 'warning',
  title: 'compute per example past a sane limit',
  message: (p) => `one pass costs about ${big(p.flops)} multiply-adds per example (more than ${big(p.limit)})`,
  hint: () => '`flowc explain` lists the FLOPs per layer; shrink the widest conditioner first',
};

export const PROOF_CODES: DiagnosticDef[] = [
  ELEMENT_COUNT,
  COUPLING_NOTHING,
  COUPLING_EVERYTHING,
  CONDITIONER_SEES_TRANSFORMED,
  SCALE_NOT_POSITIVE,
  PLANAR_NOT_SMOOTH,
  PLANAR_NOT_MONOTONE,
  DENSITY_NO_CLOSED_FORM,
  SAMPLE_SEQUENTIAL,
  SAMPLE_NO_DIRECTION,
  INVCONV_NO_LU,
  ORDER_NOT_PERMUTATION,
  AR_LEAK,
  AR_MASK_SHAPE,
  FIRST_MASK_B,
  PIXEL_LEAK,
  BLIND_SPOT,
  ORDER_MISMATCH,
  MODEL_ORDER_SIZE,
  MADE_MEMBERS,
  NOT_RUNNABLE,
  DELTA_PEAK,
  LOGIT_UNDEQUANTIZED,
  DEQUANTIZE_REAL,
  DEQUANTIZE_NOT_FIRST,
  ORDINAL_DEQUANTIZE_ON_CATEGORIES,
  CATEGORICAL_ON_ORDERED,
  CATEGORICAL_ARGUMENT_MISUSED,
  UNTRANSFORMED_DIMS,
  REPEATED_MASK,
  TOO_MANY_PARAMS,
  MANY_PARAMS,
  ACTIVATION_MEMORY,
  TOO_MANY_FLOPS,
];
