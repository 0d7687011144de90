// VAEs with a normalizing-flow posterior: buildVae(ir) for FlowIR family 'vae'.
import '../gradients.js';
import type { FlowIR } from '../../compiler/ir/types.js';
import { VaeModel, type VaeOptions } from './model.js';

export { VaeModel, type VaeOptions, type PosteriorDraw } from './model.js';
export { planarParams, radialParams, planarStep, radialStep, amortizedSize } from './amortized.js';
export { buildPosterior, runPosterior, type PostStep } from './posterior.js';

export function buildVae(ir: FlowIR, opts: VaeOptions = {}): VaeModel {
  return new VaeModel(ir, opts);
}
