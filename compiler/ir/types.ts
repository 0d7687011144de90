// FlowIR: the checked model lowered to plain JSON. The runtime builds tensors from this
// alone (it never imports the compiler). Shapes are channels-first [C, H, W] or [D].
// Masks and orders are fully resolved to arrays here.

import type { LayerArgs, LayerKindName } from './layer-args.js';

export type { LayerArgs, LayerKindName } from './layer-args.js';

export const FLOWIR_VERSION = 1;

export type Domain =
  { kind: 'real' } | { kind: 'binary' } | { kind: 'categorical'; K: number } | { kind: 'discrete'; K: number };

export interface VarIR {
  name: string;
  domain: Domain;
  shape: number[];
}

export interface ParamIR {
  name: string;
  shape: number[];
  /** 'zeros' | 'ones' | 'uniform-fan-in' (U(±1/√fan_in), PyTorch default) | 'normal(0.01)' | 'orthogonal-lu' ... */
  init: string;
}

/** Conditioner nets used by couplings, MAF/IAF, encoders, decoders. */
export type NetIR =
  | {
      kind: 'mlp';
      hidden: number[];
      activation: 'relu' | 'tanh' | 'elu' | 'gelu' | 'leaky_relu';
      zeroInitLast: boolean;
    }
  | { kind: 'resnet'; blocks: number; channels: number; kernel: number; zeroInitLast: boolean }
  | {
      kind: 'flowpp';
      blocks: number;
      channels: number;
      heads: number;
      dropout: number;
      zeroInitLast: boolean;
      /** weight-normalised hidden convs with data-dependent init; absent = false */
      weightNorm?: boolean;
    }
  | {
      kind: 'made';
      hidden: number[];
      activation: 'relu' | 'tanh' | 'elu' | 'gelu' | 'leaky_relu';
      masks: number[][][];
      zeroInitLast: boolean;
    };

interface LayerIRBase<K extends LayerKindName> {
  /** registry kind (compiler/ir/layer-args.ts lists them with their arguments) */
  kind: K;
  /** stable path used for parameter names and error messages, e.g. "flow.3.coupling" */
  id: string;
  inShape: number[];
  outShape: number[];
  /** resolved arguments, typed per kind from LAYER_ARGS (compiler/ir/layer-args.ts) */
  args: LayerArgs[K];
  params: ParamIR[];
  jacobian: string;
  /** the log-det term this layer contributes, with H·W factors explicit */
  logDet: string;
  directions: { density: string; sample: string };
  /** source location for messages: "file:line:col" */
  at?: string;
}

/** one flow layer: a union over the kinds, so `switch (layer.kind)` narrows `layer.args` */
export type LayerIR = { [K in LayerKindName]: LayerIRBase<K> }[LayerKindName];
export type LayerIROf<K extends LayerKindName> = LayerIRBase<K>;

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
  /** context: p(x|y), entries of the context y added to the hidden pre-activation (an extra input) */
  | { kind: 'nade'; hidden: number; context?: number }
  | {
      kind: 'made';
      hidden: number[];
      activation: string;
      masks: number[][][];
      ensemble: number;
      /** order/connectivity-agnostic training: mask sets 1..M−1 (member 0 = masks, in the model's order) */
      members?: { order: number[]; connectivity: 'sequential' | { random: number } }[];
      /** direct input → output connections, masked to each member's order */
      direct?: boolean;
      /** conditional model p(x|y): entries of the context y (one-hot label or real vector) fed to the first layer */
      context?: number;
    }
  /** context: p(x|y), the label as an extra bias V_l·y of every layer */
  | { kind: 'pixelcnn'; layers: ArLayerIR[]; context?: number }
  /** context: p(x|y), V·y added inside the gate of both stacks in every layer (van den Oord et al. 2016) */
  | { kind: 'gated_pixelcnn'; layers: number; channels: number; kernel: number; context?: number }
  /** context: p(x|y), V_l·y added to the input-to-state term of every LSTM layer (and direction) */
  | { kind: 'pixelrnn'; cell: 'row_lstm' | 'diagonal_bilstm'; layers: number; hidden: number; context?: number }
  /**
   * compiler/math/pixelcnnpp.ts; outputs = likelihood parameters per pixel (pixelParamCount); context: p(x|y),
   * a class-conditional bias V·y in every gated ResNet block (the released code's `h` in gated_resnet)
   */
  | {
      kind: 'pixelcnnpp';
      filters: number;
      resnets: number;
      scales: number;
      dropout: number;
      outputs: number;
      context?: number;
    };

/** one masked conv of a pixelcnn stack; mask 'A' | 'B' | 'none', kernel k×k, centre c = (k-1)/2 */
export interface ArLayerIR {
  mask: 'A' | 'B' | 'none';
  kernel: number;
  channels: number;
  activation: string;
  residual: boolean;
}

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
  /**
   * `condition y: …`: what the model is conditioned on; `size` entries of context per example (one-hot for
   * categorical)
   */
  condition?: VarIR & { size: number };
  /** resolved factorization order (autoregressive models): a permutation of 0..D-1 */
  order?: number[];
  /**
   * raster orders over images: 'joint' when every channel of a pixel is generated in one step
   * (PixelCNN++: the likelihood is over whole pixels); absent = sequential (one step per channel)
   */
  channels?: 'joint';
  prior?: PriorIR;
  /** flow layers in the density direction data → latent */
  flow?: LayerIR[];
  conditional?: ConditionalIR;
  likelihood?: LikelihoodIR;
  latent?: VarIR;
  encoder?: NetIR;
  decoder?: NetIR;
  /**
   * a VAE's posterior flow; `context`: the size of the encoder's context h (Kingma et al. 2016) that its IAF,
   * MAF and coupling steps take as an extra input (amortized posteriors with such steps only)
   */
  posterior?: { amortized: boolean; flow: LayerIR[]; context?: number };
  train: TrainIR;
  totals: { params: number; flops: number; activationBytes: number };
}
