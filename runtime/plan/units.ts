// What the planner plans for: the flow layers of every family (nested dequantization flows and a VAE's
// posterior flow flattened), an autoregressive model's conditional and likelihood, an energy model's
// target, and the mlp nets whose dense stacks have a fused form. Pure (no tfjs).
import type { FlowIR, LayerIR, NetIR } from '../../compiler/ir/types.js';
import { flattenLayers } from '../../compiler/ir/layer-args.js';
import type { PlanUnit } from './registry.js';

export function planUnits(ir: FlowIR, contextShape: number[] | null = null): PlanUnit[] {
  const unit = (id: string, kind: string, layer?: LayerIR, net?: NetIR): PlanUnit => ({
    id,
    kind,
    layer,
    net,
    ir,
    contextShape,
  });
  const out: PlanUnit[] = [];
  const layers = (ls: readonly LayerIR[] | undefined) => {
    for (const l of flattenLayers(ls)) {
      out.push(unit(l.id, l.kind, l));
      const net = conditioner(l);
      if (net && net.kind !== 'made') out.push(unit(`${l.id}.net`, net.kind, l, net));
    }
  };
  layers(ir.flow);
  if (ir.family === 'energy') out.push(unit('target', 'energy'));
  if (ir.conditional) out.push(unit('conditional', ir.conditional.kind));
  if (ir.likelihood) out.push({ ...unit('likelihood', 'likelihood'), likelihood: ir.likelihood });
  if (ir.family === 'vae') {
    if (ir.encoder && ir.encoder.kind !== 'made') out.push(unit('encoder', ir.encoder.kind, undefined, ir.encoder));
    if (ir.decoder && ir.decoder.kind !== 'made') out.push(unit('decoder', ir.decoder.kind, undefined, ir.decoder));
    layers(ir.posterior?.flow);
  }
  return out;
}

/** the conditioner net of a layer that has one */
export function conditioner(l: LayerIR): NetIR | null {
  return l.kind === 'coupling' ? l.args.net : null;
}
