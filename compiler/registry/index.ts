// The registry of layer kinds: one table for the checker, explain, the YAML JSON Schema, the editor and the runtime.
import type { Category, LayerKind } from './types.js';
import { FLOWS } from './flows.js';
import { NETS } from './nets.js';
import { AR_LAYERS, CONDITIONALS } from './conditionals.js';
import { LIKELIHOODS } from './likelihoods.js';
import { PRIORS } from './priors.js';
import { ORDERS } from './orders.js';
import { MASKS } from './masks.js';
import { CONNECTIVITIES } from './connectivity.js';
import { TRANSFORMS } from './transforms.js';
import { DOMAINS } from './domains.js';
import { DATASETS } from './datasets.js';
import { OPTIMIZERS } from './optimizers.js';
import { TARGETS } from './targets.js';
import { POSTERIORS } from './posteriors.js';
import { TRAIN } from './train.js';

export type {
  ArgSpec,
  ArgType,
  Category,
  LayerKind,
  ParamSpec,
  Shape,
  ShapeContext,
  ResolvedArgs,
  Jacobian,
  DirectionKind,
} from './types.js';

export const REGISTRY: readonly LayerKind[] = Object.freeze([
  ...FLOWS,
  ...NETS,
  ...CONDITIONALS,
  ...AR_LAYERS,
  ...LIKELIHOODS,
  ...PRIORS,
  ...ORDERS,
  ...MASKS,
  ...CONNECTIVITIES,
  ...TRANSFORMS,
  ...DOMAINS,
  ...DATASETS,
  ...OPTIMIZERS,
  ...TARGETS,
  ...POSTERIORS,
  ...TRAIN,
]);

/** Every category, in the order the registry lists them. */
export const CATEGORIES: readonly Category[] = [
  'flow',
  'net',
  'conditional',
  'ar-layer',
  'likelihood',
  'prior',
  'order',
  'mask',
  'connectivity',
  'transform',
  'domain',
  'dataset',
  'optimizer',
  'posterior',
  'target',
  'train',
];

/** category → name → kind, and name → the first kind of that name in registry order (hot in the checker) */
const byCategory = new Map<string, Map<string, LayerKind>>();
const byName = new Map<string, LayerKind>();
for (const k of REGISTRY) {
  let m = byCategory.get(k.category);
  if (!m) byCategory.set(k.category, (m = new Map()));
  if (!m.has(k.name)) m.set(k.name, k);
  if (!byName.has(k.name)) byName.set(k.name, k);
}

/**
 * The kind called `name`, in `category` when given. Without a category, names used in several
 * categories (made, random, gaussian, categorical, flow) resolve to the first in registry order
 * (flow, net, conditional, ...); pass the category where the slot is known.
 */
export function lookup(name: string, category?: Category): LayerKind | undefined {
  if (category) return byCategory.get(category)?.get(name);
  return byName.get(name);
}

/** All kinds of a category (for completion, "did you mean", and the JSON Schema). */
export function kindsOf(category: Category): LayerKind[] {
  return REGISTRY.filter((k) => k.category === category);
}

export { netOf, netParams, netParamSpecs, netFlops, type NetDesc } from './nets.js';
export { couplingSizes, maskOf } from './coupling.js';
export {
  conditionalOf,
  conditionalParams,
  conditionalParamSpecs,
  conditionalFlops,
  arLayerOf,
} from './conditionals.js';
export { likelihoodOutputs } from './likelihoods.js';
export { LOGDET_WRITTEN_FOR, PLANAR_ACTIVATIONS, STRUCTURAL_FLOW_KINDS } from './flows.js';
export { countParams, numel } from './tensors.js';
export { logDetText, type UseDirection } from './logdet.js';
