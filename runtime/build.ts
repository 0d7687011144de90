// build(ir): FlowIR → a runnable model. 'flow' → the flow model of this folder;
// 'autoregressive' → runtime/ar. The compiler has checked the IR; an IR it should have rejected
// throws an Error naming the layer.
import './gradients.js';
import type { FlowIR } from '../compiler/ir/types.js';
import type { FlowModel } from './model.js';
import { FlowModelImpl } from './flow-model.js';
import { CategoricalFlowModel, isCategoricalFlow } from './categorical-flow.js';
import { buildAutoregressive, buildJointPixel } from './ar/index.js';
import { buildVae } from './vae/index.js';
import { buildEnergy } from './energy/index.js';

export { FlowModelImpl } from './flow-model.js';

export function build(ir: FlowIR): FlowModel {
  switch (ir.family) {
    case 'flow': {
      // `condition y`: every coupling's conditioner takes the context [N, size] (a one-hot label or a real vector)
      const opts = ir.condition ? { contextShape: [ir.condition.size] } : {};
      return isCategoricalFlow(ir) ? new CategoricalFlowModel(ir, opts) : new FlowModelImpl(ir, opts);
    }
    case 'autoregressive':
      return ir.conditional?.kind === 'pixelcnnpp' ? buildJointPixel(ir) : buildAutoregressive(ir);
    case 'vae':
      return buildVae(ir);
    case 'energy':
      return buildEnergy(ir);
    default:
      throw new Error(`build: models of family '${ir.family}' are not available in this runtime yet`);
  }
}
