// Amortized planar and radial layers of the VAE posterior: the maps of bijectors/planar-maps.ts with
// one row of raw parameters per example (the encoder emits them).
export {
  amortizedSize,
  planarParams,
  planarStep,
  radialParams,
  radialStep,
  type PlanarActivation,
  type PlanarParams,
  type RadialParams,
} from '../bijectors/planar-maps.js';
