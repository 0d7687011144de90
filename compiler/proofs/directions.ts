// Directions: a density model (family 'flow') trains through every layer's data → latent
// direction and samples through latent → data; a VAE posterior or an energy fit trains through
// the sample direction (z₀ ~ base, pushed through the flow). A needed direction that has no
// closed form is an error; one that takes D sequential passes is a warning (or, for IAF in a
// density model, an error: every training step would take D passes).
import type { CheckedLayer, ModelCheck } from '../check/model.js';
import * as P from '../diagnostics/codes-proofs.js';
import { numel, onceReporter } from './util.js';

/** the density direction a layer really offers: planar/radial only with `inverse: iterative` */
export function densityDirection(l: CheckedLayer): string {
  const d = l.kind.directions?.density ?? 'closed';
  if ((l.kind.name === 'planar' || l.kind.name === 'radial') && l.args.inverse !== 'iterative') return 'none';
  return d;
}

export const directionsCheck: ModelCheck = {
  name: 'directions',
  run(model, ctx) {
    const report = onceReporter(ctx);
    const D = (l: CheckedLayer) => (l.inShape.length ? numel(l.inShape) : numel(model.data?.shape ?? [1]));
    if (model.family === 'flow') {
      for (const l of model.flow ?? []) {
        const name = l.kind.name;
        const dens = densityDirection(l);
        if (dens === 'none') {
          const why =
            name === 'planar'
              ? 'its data → latent direction has no closed form (z + u·h(wᵀz + b) can only be inverted numerically), ' +
                'and log p(x) needs it for every example'
              : name === 'radial'
                ? 'its data → latent direction has no closed form (z + βh(α, r)(z − z₀) can only be inverted ' +
                  'numerically), and log p(x) needs it for every example'
                : 'it has no data → latent direction, and log p(x) needs one';
          report(P.DENSITY_NO_CLOSED_FORM, l.node.callee.span, { layer: name, why });
        } else if (dens === 'sequential') {
          report(P.DENSITY_NO_CLOSED_FORM, l.node.callee.span, {
            layer: name,
            why:
              `its data → latent direction is sequential: log p(x) would take ${D(l)} passes of its MADE (one ` +
              `per dimension) for every example in every training step`,
          });
        }
        const smp = l.kind.directions?.sample ?? 'closed';
        if (smp === 'sequential')
          report(P.SAMPLE_SEQUENTIAL, l.node.callee.span, { layer: name, D: D(l), where: 'drawing a sample' });
      }
    }
    const sampled: { layers: CheckedLayer[]; where: string }[] = [];
    // dequantize(variational) { flow }: q(u|x) is sampled (with its density) in every training step
    for (const l of model.flow ?? []) {
      if (l.children?.length)
        sampled.push({
          layers: l.children,
          where: 'every training step (variational dequantization samples u ~ q(u|x))',
        });
    }
    if (model.family === 'energy')
      sampled.push({ layers: model.flow ?? [], where: 'every training step (reverse KL samples the flow)' });
    if (model.family === 'vae')
      sampled.push({
        layers: model.posterior?.layers ?? [],
        where: 'every training step (the ELBO samples the posterior)',
      });
    for (const { layers, where } of sampled) {
      for (const l of layers) {
        const smp = l.kind.directions?.sample ?? 'closed';
        if (smp === 'sequential')
          report(P.SAMPLE_SEQUENTIAL, l.node.callee.span, { layer: l.kind.name, D: D(l), where });
        else if (smp === 'none') report(P.SAMPLE_NO_DIRECTION, l.node.callee.span, { layer: l.kind.name, where });
      }
    }
  },
};
