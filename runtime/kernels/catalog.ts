// Every kernel the planner can choose registers itself next to its code, by being imported here
// (runtime/plan/registry.ts). Flow-layer kernels have a `build` (the layer's fast form around its plain
// one); kernels for other units (AR conditionals, likelihoods, energy targets, nets) an `implement` of the
// unit's implementation type. Within a kind, the order here is the registration order.
import './fused/coupling-kernels.js';
import './fused/split-kernel.js';
import './fused/masked-dense.js';
import './fused/staircase-dense.js';
import '../ar/nade-fused.js';
import './fused/bernoulli-loss.js';
import './fused/cropped-conv.js';
import '../energy/fused-targets.js';
import '../bijectors/planar-chain.js';
import './fused/dense.js';
