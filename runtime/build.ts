// build(ir): FlowIR → a runnable model. 'flow' → the flow model of this folder;
// 'autoregressive' → runtime/ar. The compiler has checked the IR; an IR it should have rejected
// throws an Error naming the layer.
import './gradients.js';
import type { FlowIR } from '../compiler/ir/types.js';
import type { FlowModel } from './model.js';
import { FlowModelImpl } from './flow-model.js';
import { buildAutoregressive, buildJointPixel } from './ar/index.js';
import { buildVae } from './vae/index.js';
import { buildEnergy } from './energy/index.js';

export { FlowModelImpl } from './flow-model.js';

export function build(ir: FlowIR): FlowModel {
  switch (ir.family) {
    case 'flow':
      return new FlowModelImpl(ir);
    case 'autoregressive':
      return ir.conditional?.kind === 'pixelcnnpp' ? buildJointPixel(ir) : buildAutoregressive(ir);
    case 'vae': return buildVae(ir);
    case 'energy': return buildEnergy(ir);
    default:
      throw new Error(`build: models of family '${ir.family}' are not available in this runtime yet`);
  }
}
