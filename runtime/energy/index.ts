// Reverse-KL fits of the 2-D energies U1–U4: buildEnergy(ir) for FlowIR family 'energy'.
import '../gradients.js';
import type { FlowIR } from '../../compiler/ir/types.js';
import { EnergyModel } from './model.js';

export { EnergyModel } from './model.js';
export { energy, energyJs, logPartition, ENERGY_NAMES, isEnergyName, type EnergyName } from './targets.js';

export function buildEnergy(ir: FlowIR): EnergyModel {
  return new EnergyModel(ir);
}
