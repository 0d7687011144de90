// FlowIR: the checked model lowered to plain JSON. The runtime builds tensors from this
// alone (it never imports the compiler). Shapes are channels-first [C, H, W] or [D].
// Masks and orders are fully resolved to arrays here.

export const FLOWIR_VERSION = 1;

export type Domain =
  | { kind: 'real' }
  | { kind: 'binary' }
  | { kind: 'categorical'; K: number }
  | { kind: 'discrete'; K: number };

export interface VarIR { name: string; domain: Domain; shape: number[] }

export interface ParamIR {
  name: string;
  shape: number[];
  /** 'zeros' | 'ones' | 'uniform-fan-in' (U(±1/√fan_in), PyTorch default) | 'normal(0.01)' | 'orthogonal-lu' ... */
  init: string;
}

/** Conditioner nets used by couplings, MAF/IAF, encoders, decoders. */
export type NetIR =
  | { kind: 'mlp'; hidden: number[]; activation: 'relu' | 'tanh' | 'elu' | 'gelu' | 'leaky_relu'; zeroInitLast: boolean }
  | { kind: 'resnet'; blocks: number; channels: number; kernel: number; zeroInitLast: boolean }
  | { kind: 'made'; hidden: number[]; activation: 'relu' | 'tanh' | 'elu' | 'gelu' | 'leaky_relu'; masks: number[][][]; zeroInitLast: boolean };

export interface LayerIR {
  /** registry kind: coupling, squeeze, split, planar, radial, actnorm, invconv1x1, permute, maf, iaf, logit, dequantize */
  kind: string;
  /** stable path used for parameter names and error messages, e.g. "flow.3.coupling" */
  id: string;
  inShape: number[];
  outShape: number[];
  /**
   * Resolved arguments, kind-specific. The contract for each kind:
   *  coupling:   { type: 'affine'|'additive', mask: number[] (flattened C*H*W, 1 = passes through and conditions),
   *                maskKind: 'checkerboard'|'channel'|'half'|'alternate'|'literal', net: NetIR, scale: 'exp'|'sigmoid'|'tanh' }
   *  squeeze:    {}                                    [C,H,W] → [4C,H/2,W/2], out[(di*2+dj)*C + c, i, j] = in[c, 2i+di, 2j+dj]
   *  split:      { prior: 'fixed'|'conditional' }      keeps channels [0, C/2), factors out [C/2, C) to the prior
   *  planar:     { activation: 'tanh'|'leaky_relu'|'softplus', inverse: 'none'|'iterative' }
   *  radial:     { inverse: 'none'|'iterative' }
   *  actnorm:    { dataInit: boolean }
   *  invconv1x1: { lu: boolean }
   *  permute:    { perm: number[] }                    flattened permutation over the C (or D) axis
   *  maf / iaf:  { order: number[], net: NetIR(made) }
   *  logit:      { alpha: number }
   *  dequantize: { type: 'uniform'|'variational', K: number, flow?: LayerIR[] }
   */
  args: Record<string, unknown>;
  params: ParamIR[];
  jacobian: string;
  /** the log-det term this layer contributes, with H·W factors explicit */
  logDet: string;
  directions: { density: string; sample: string };
  /** source location for messages: "file:line:col" */
  at?: string;
}

export type PriorIR =
  | { kind: 'normal'; mean: number; std: number; learned: boolean }
  | { kind: 'logistic'; loc: number; scale: number }
  | { kind: 'laplace'; loc: number; scale: number }
  | { kind: 'mixture'; component: 'normal' | 'logistic'; k: number };

export type LikelihoodIR =
  | { kind: 'bernoulli' }
  | { kind: 'categorical'; K: number }
  | { kind: 'logistic_mixture'; k: number; K: number }
  | { kind: 'gaussian'; learnedStd: boolean };

export type ConditionalIR =
  | { kind: 'nade'; hidden: number }
  | { kind: 'made'; hidden: number[]; activation: string; masks: number[][][]; ensemble: number }
  | { kind: 'pixelcnn'; layers: ArLayerIR[] }
  | { kind: 'gated_pixelcnn'; layers: number; channels: number; kernel: number }
  | { kind: 'pixelrnn'; cell: 'row_lstm' | 'diagonal_bilstm'; layers: number; hidden: number };

/** one masked conv of a pixelcnn stack; mask 'A' | 'B' | 'none', kernel k×k, centre c = (k-1)/2 */
export interface ArLayerIR { mask: 'A' | 'B' | 'none'; kernel: number; channels: number; activation: string; residual: boolean }

export interface TrainIR {
  data?: { source: string; args: Record<string, unknown> };
  /** held-out data for the test NLL (train { test: ... }) */
  test?: { source: string; args: Record<string, unknown> };
  batch: number;
  steps?: number;
  epochs?: number;
  optimizer: { kind: 'adam'; lr: number; beta1: number; beta2: number; eps: number };
  clip?: number;
  seed: number;
  evalEvery?: number;
  checkpointEvery?: number;
}

export interface FlowIR {
  version: typeof FLOWIR_VERSION;
  model: string;
  /** 'flow' (density by change of variables), 'autoregressive', 'vae', 'energy' (reverse-KL fit of target) */
  family: 'flow' | 'autoregressive' | 'vae' | 'energy';
  /** family 'energy': the unnormalized target density, e.g. { kind: 'energy', name: 'u1' } */
  target?: { kind: 'energy'; name: string };
  data: VarIR;
  /** resolved factorization order (autoregressive models): a permutation of 0..D-1 */
  order?: number[];
  prior?: PriorIR;
  /** flow layers in the density direction data → latent */
  flow?: LayerIR[];
  conditional?: ConditionalIR;
  likelihood?: LikelihoodIR;
  latent?: VarIR;
  encoder?: NetIR;
  decoder?: NetIR;
  posterior?: { amortized: boolean; flow: LayerIR[] };
  train: TrainIR;
  totals: { params: number; flops: number; activationBytes: number };
}
