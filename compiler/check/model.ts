// The checked model: what the checker produces from the AST and what the proofs, lowering
// and explain read. Names are resolved, lets substituted, defaults filled, shapes inferred,
// `repeat` expanded (with `flip` applied) and `level` flattened.
import type { CallExpr, ModelDecl, Span } from '../../grammar/ast.js';
import type { Diagnostic } from '../../grammar/diagnostic.js';
import type { LayerKind, ResolvedArgs, Shape } from '../registry/types.js';
import type { Domain } from '../ir/types.js';

export interface CheckedCall {
  kind: LayerKind;
  node: CallExpr;
  /** resolved argument values; nested calls (net: mlp(...)) become CheckedCall */
  args: ResolvedArgs;
  /** span of each argument as written (or the call's span for defaults) */
  argSpans: Record<string, Span>;
  /** nested block (pixelcnn { conv ... }, dequantize(variational) { ... }) */
  body?: CheckedCall[];
}

export interface CheckedLayer extends CheckedCall {
  /** stable path, e.g. "flow.3.coupling" or "flow.level0.2.squeeze" */
  id: string;
  inShape: Shape;
  outShape: Shape;
  /**
   * coupling: the resolved mask over the flattened input (C*H*W or D), 1 = passes through
   * (conditions the rest), 0 = transformed; filled in by shape inference.
   */
  mask?: number[];
  /** for layers inside `dequantize(variational) { ... }`, the nested flow */
  children?: CheckedLayer[];
  /** the repeat/level nesting this layer came from, outermost first, e.g. ["repeat 8 #3"] */
  origin: string[];
}

export interface CheckedVar {
  name: string;
  domain: Domain;
  shape: Shape;
  span: Span;
}

export interface CheckedModel {
  name: string;
  node: ModelDecl;
  family: 'flow' | 'autoregressive' | 'vae' | 'energy';
  data?: CheckedVar;
  latent?: CheckedVar;
  /** `condition y: categorical(K)` / `real[n]`: the variable the model is conditioned on (context size `size`) */
  condition?: CheckedVar & { size: number };
  /** the resolved order as written (may be invalid: the proofs verify it is a permutation) */
  order?: { values: number[]; raster?: { channels: 'sequential' | 'joint' }; span: Span };
  prior?: CheckedCall;
  likelihood?: CheckedCall;
  conditional?: CheckedCall;
  encoder?: CheckedCall;
  decoder?: CheckedCall;
  target?: CheckedCall;
  /** density-direction flow, flattened */
  flow?: CheckedLayer[];
  posterior?: { args: ResolvedArgs; layers: CheckedLayer[]; span: Span };
  train: ResolvedArgs;
  trainSpans: Record<string, Span>;
}

export interface CheckContext {
  file: string;
  report(d: Diagnostic): void;
}

/** A model-level check: the seam the proofs (compiler/proofs) plug into. */
export interface ModelCheck {
  name: string;
  /** an error from this check skips the checks after it (they would only spend time on a model that cannot be built) */
  gate?: boolean;
  run(model: CheckedModel, ctx: CheckContext): void;
}
