// Lowering helpers: nets, priors, likelihoods, conditionals and train settings → FlowIR parts.
import type { ConditionalIR, LikelihoodIR, NetIR, PriorIR, TrainIR, ArLayerIR } from './ir/types.js';
import type { CheckedCall, CheckedModel } from './check/model.js';
import { buildMadeMasks, expandOutputMask, madeMembers, type Connectivity } from './proofs/made.js';
import { likelihoodOutputs } from './registry/index.js';
import { literalMadeMasks, madeHidden } from './registry/made-masks.js';
import { datasetArgs } from './registry/datasets.js';
import { pixelParamCount } from './math/pixelcnnpp.js';

const num = (v: unknown, d: number): number => (typeof v === 'number' && Number.isFinite(v) ? v : d);
const str = (v: unknown, d: string): string => (typeof v === 'string' ? v : d);
const nums = (v: unknown, d: number[]): number[] =>
  Array.isArray(v) && v.every((x) => typeof x === 'number') ? [...v] : d;
type Act = Extract<NetIR, { kind: 'mlp' }>['activation'];
const act = (v: unknown): Act =>
  ['relu', 'tanh', 'elu', 'gelu', 'leaky_relu'].includes(v as string) ? (v as Act) : 'relu';

export const isCall = (v: unknown): v is CheckedCall =>
  !!v && typeof v === 'object' && 'kind' in v && typeof (v as CheckedCall).kind === 'object' && 'node' in v;

/** `sequential` | `random(seed)` as the MADE builder takes it */
export function connectivityOf(v: unknown): Connectivity {
  if (isCall(v) && v.kind.name === 'random') return { random: num(v.args.seed, 0) };
  return 'sequential';
}

/**
 * A conditioner net. `made` nets get their masks for `D` inputs in `order` (default natural),
 * with `outPerDim` outputs per dimension (blocked rows: row p·D + d).
 */
export function lowerNet(v: unknown, D: number, outPerDim = 2, order?: number[], zeroByDefault = true): NetIR {
  const c = isCall(v) ? v : undefined;
  const a = c?.args ?? {};
  // conditioner nets start as the identity flow (last layer zero); VAE encoders/decoders must not:
  // a zero encoder output puts amortized flow parameters at a saddle where every gradient is zero
  const zeroInitLast = typeof a.zero_init === 'boolean' ? a.zero_init : zeroByDefault;
  switch (c?.kind.name) {
    case 'resnet':
      return {
        kind: 'resnet',
        blocks: num(a.blocks, 2),
        channels: num(a.channels, 32),
        kernel: num(a.kernel, 3),
        zeroInitLast,
      };
    case 'flowpp':
      return {
        kind: 'flowpp',
        blocks: num(a.blocks, 2),
        channels: num(a.channels, 32),
        heads: num(a.heads, 4),
        dropout: num(a.dropout, 0),
        zeroInitLast,
        // only when asked for: the IR (and the variables) of a net without it are what they were
        ...(a.weight_norm === true ? { weightNorm: true } : {}),
      };
    case 'made': {
      const hidden = madeHidden(a, [64, 64]);
      const ord = order ?? Array.from({ length: D }, (_, i) => i);
      const masks =
        userMasks(a.masks, D, outPerDim) ?? madeMasks(ord, hidden, connectivityOf(a.connectivity), outPerDim);
      return { kind: 'made', hidden, activation: act(a.activation), masks, zeroInitLast };
    }
    default:
      return { kind: 'mlp', hidden: nums(a.hidden, [64, 64]), activation: act(a.activation), zeroInitLast };
  }
}

/**
 * The user's literal masks (copied), with an output mask of D rows replicated `outPerDim` times
 * (blocked rows p·D + d, as built masks are); undefined when none were written.
 */
export function userMasks(v: unknown, D: number, outPerDim: number): number[][][] | undefined {
  const lit = literalMadeMasks(v);
  if (!lit) return undefined;
  const masks = lit.map((M) => M.map((row) => [...row]));
  const last = masks[masks.length - 1]!;
  if (outPerDim > 1 && last.length === D) masks[masks.length - 1] = expandOutputMask(last, outPerDim);
  return masks;
}

export function madeMasks(
  order: number[],
  hidden: number[],
  connectivity: Connectivity,
  outPerDim: number,
): number[][][] {
  const masks = buildMadeMasks({ order, hidden, connectivity });
  if (outPerDim > 1 && masks.length) masks[masks.length - 1] = expandOutputMask(masks[masks.length - 1]!, outPerDim);
  return masks;
}

export function lowerPrior(c: CheckedCall | undefined): PriorIR | undefined {
  if (!c) return undefined;
  const a = c.args;
  switch (c.kind.name) {
    case 'logistic':
      return { kind: 'logistic', loc: num(a.loc, 0), scale: num(a.scale, 1) };
    case 'laplace':
      return { kind: 'laplace', loc: num(a.loc, 0), scale: num(a.scale, 1) };
    case 'mixture':
      return { kind: 'mixture', component: a.component === 'logistic' ? 'logistic' : 'normal', k: num(a.k, 8) };
    default:
      return { kind: 'normal', mean: num(a.mean, 0), std: num(a.std, 1), learned: a.learned === true };
  }
}

/** K of the data domain (binary: 2; real: 256 as for 8-bit data) */
export function levelsOf(model: CheckedModel): number {
  const d = model.data?.domain;
  return d && (d.kind === 'discrete' || d.kind === 'categorical') ? d.K : d?.kind === 'binary' ? 2 : 256;
}

export function lowerLikelihood(c: CheckedCall | undefined, model: CheckedModel): LikelihoodIR | undefined {
  if (!c) return undefined;
  const a = c.args;
  const K = levelsOf(model);
  switch (c.kind.name) {
    case 'categorical':
      return { kind: 'categorical', K: num(a.K, K) };
    case 'logistic_mixture':
      return { kind: 'logistic_mixture', k: num(a.k, 10), K: num(a.K, K) };
    case 'gaussian':
      return { kind: 'gaussian', learnedStd: a.learned_std === true };
    default:
      return { kind: 'bernoulli' };
  }
}

export function lowerArLayer(c: CheckedCall): ArLayerIR {
  const a = c.args;
  const mask = a.mask === 'A' || a.mask === 'B' || a.mask === 'none' ? a.mask : 'B';
  return {
    mask,
    kernel: num(a.kernel, 3),
    channels: num(a.channels, 1),
    activation: str(a.activation, 'none'),
    residual: a.residual === true,
  };
}

/** p(x|y): the context size a conditional takes as an extra input (absent without `condition`) */
const contextOf = (model: CheckedModel): { context?: number } =>
  model.condition ? { context: model.condition.size } : {};

export function lowerConditional(
  c: CheckedCall | undefined,
  model: CheckedModel,
  order: number[] | undefined,
): ConditionalIR | undefined {
  if (!c) return undefined;
  const a = c.args;
  switch (c.kind.name) {
    case 'nade':
      return { kind: 'nade', hidden: num(a.hidden, 500), ...contextOf(model) };
    case 'made': {
      const D = model.data ? model.data.shape.reduce((x, y) => x * y, 1) : 0;
      const ord = order ?? Array.from({ length: D }, (_, i) => i);
      const hidden = madeHidden(a, [500, 500]);
      const perDim = likelihoodOutputs(model.likelihood, levelsOf(model));
      const masks = userMasks(a.masks, D, perDim) ?? madeMasks(ord, hidden, connectivityOf(a.connectivity), perDim);
      const S = num(a.orders, 1),
        C = num(a.connectivities, 1);
      const members = S * C > 1 ? madeMembers(ord, S, C, connectivityOf(a.connectivity)).slice(1) : undefined;
      return {
        kind: 'made',
        hidden,
        activation: str(a.activation, 'relu'),
        masks,
        ensemble: num(a.ensemble, 1),
        ...(members ? { members } : {}),
        ...(a.direct === true ? { direct: true } : {}),
        ...contextOf(model),
      };
    }
    case 'pixelcnn':
      return { kind: 'pixelcnn', layers: (c.body ?? []).map(lowerArLayer), ...contextOf(model) };
    case 'gated_pixelcnn':
      return {
        kind: 'gated_pixelcnn',
        layers: num(a.layers, 15),
        channels: num(a.channels, 64),
        kernel: num(a.kernel, 3),
        ...contextOf(model),
      };
    case 'pixelcnnpp': {
      const C = model.data?.shape.length === 3 ? model.data.shape[0]! : 1;
      const dom = model.data?.domain.kind;
      const lik: LikelihoodIR =
        lowerLikelihood(model.likelihood, model) ??
        (dom === 'binary'
          ? { kind: 'bernoulli' }
          : dom === 'real'
            ? { kind: 'gaussian', learnedStd: true }
            : { kind: 'categorical', K: levelsOf(model) });
      return {
        kind: 'pixelcnnpp',
        filters: num(a.filters, 160),
        resnets: num(a.resnets, 5),
        scales: num(a.scales, 3),
        dropout: typeof a.dropout === 'number' ? a.dropout : 0.5,
        outputs: pixelParamCount(lik, C),
        ...contextOf(model),
      };
    }
    case 'pixelrnn':
      return {
        kind: 'pixelrnn',
        cell: a.cell === 'diagonal_bilstm' ? 'diagonal_bilstm' : 'row_lstm',
        layers: num(a.layers, 12),
        hidden: num(a.hidden, 64),
        ...contextOf(model),
      };
    default:
      return undefined;
  }
}

const dataset = (v: unknown): { source: string; args: Record<string, unknown> } | undefined =>
  isCall(v) ? { source: v.kind.name, args: datasetArgs(v.kind.name, plainArgs(v.args)) } : undefined;

/** checked args with nested calls flattened to { kind, ...args } plain JSON */
export function plainArgs(a: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(a)) out[k] = plain(v);
  return out;
}
function plain(v: unknown): unknown {
  if (isCall(v)) return { kind: v.kind.name, ...plainArgs(v.args) };
  if (Array.isArray(v)) return v.map(plain);
  if (v && typeof v === 'object') return plainArgs(v as Record<string, unknown>);
  return v;
}

export function lowerTrain(t: Record<string, unknown>): TrainIR {
  const opt = isCall(t.optimizer) ? t.optimizer.args : {};
  const out: TrainIR = {
    batch: num(t.batch, 64),
    optimizer: {
      kind: 'adam',
      lr: num(opt.lr, 1e-3),
      beta1: num(opt.beta1, 0.9),
      beta2: num(opt.beta2, 0.999),
      eps: num(opt.eps, 1e-8),
    },
    seed: num(t.seed, 0),
  };
  const data = dataset(t.data);
  if (data) out.data = data;
  const test = dataset(t.test);
  if (test) out.test = test;
  if (typeof t.steps === 'number') out.steps = t.steps;
  if (typeof t.epochs === 'number') out.epochs = t.epochs;
  if (typeof t.clip === 'number') out.clip = t.clip;
  if (typeof t.eval_every === 'number') out.evalEvery = t.eval_every;
  if (typeof t.checkpoint_every === 'number') out.checkpointEvery = t.checkpoint_every;
  return out;
}
