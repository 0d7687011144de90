// The planner: for every unit of a model (units.ts) the kernels that run on this backend with this
// configuration, and for each one that does not, why. The model builder uses the same decisions
// (buildWithKernels for flow layers, implementationOf for every other unit); `flowc train` prints
// planSummary(plan) in its first log line and `flowc explain --plan` prints the table.
import * as tf from '@tensorflow/tfjs-core';
import type { FlowIR, LayerIR } from '../../compiler/ir/types.js';
import { config, type FlowcConfig } from '../config.js';
import type { Bijector, BuildContext } from '../bijectors/types.js';
import { allowed, kernelsFor, type KernelSpec, type PlanContext, type PlanUnit } from './registry.js';
import { planUnits } from './units.js';
import '../kernels/catalog.js';

export interface PlanEntry {
  id: string;
  kind: string;
  /** qualified names (`kind:name`) of the kernels chosen; empty = the plain implementation */
  kernels: string[];
  /** every registered kernel of this kind that is not chosen, and why */
  rejected: { kernel: string; why: string }[];
}

export interface Plan {
  backend: string;
  entries: PlanEntry[];
}

export interface PlanOptions {
  backend?: string;
  config?: Readonly<FlowcConfig>;
  contextShape?: number[] | null;
}

export function planUnit(unit: PlanUnit, ctx: PlanContext): PlanEntry {
  const entry: PlanEntry = { id: unit.id, kind: unit.kind, kernels: [], rejected: [] };
  for (const spec of kernelsFor(unit.kind)) {
    const q = `${spec.kind}:${spec.name}`;
    const a = allowed(spec, ctx);
    const why = a !== true ? a : spec.applies(unit);
    if (why === true) entry.kernels.push(q);
    else entry.rejected.push({ kernel: q, why });
  }
  return entry;
}

/** the plan for ir on a backend (default: the current one) with a configuration (default: the current one) */
export function planModel(ir: FlowIR, opts: PlanOptions = {}): Plan {
  const ctx: PlanContext = { backend: opts.backend ?? tf.getBackend(), config: opts.config ?? config() };
  return { backend: ctx.backend, entries: planUnits(ir, opts.contextShape ?? null).map((u) => planUnit(u, ctx)) };
}

/** `on()` of a kernel: whether it may run now (the current backend and configuration) */
const onNow = (spec: KernelSpec) => () => allowed(spec, { backend: tf.getBackend(), config: config() }) === true;

/**
 * A flow layer's implementation: the first registered kernel with a `build` whose shape condition holds
 * wraps the plain layer (it falls back to the plain one on a call where its backend or settings are off);
 * otherwise the plain layer.
 */
export function buildWithKernels(layer: LayerIR, plain: Bijector, ctx: BuildContext, ir?: FlowIR): Bijector {
  const unit: PlanUnit = { id: layer.id, kind: layer.kind, layer, ir, contextShape: ctx.contextShape ?? null };
  for (const spec of kernelsFor(layer.kind)) {
    if (!spec.build || spec.applies(unit) !== true) continue;
    return spec.build(layer, plain, ctx, onNow(spec));
  }
  return plain;
}

/**
 * The implementation of a unit that is not a flow layer (an AR conditional's pass, a likelihood, an energy
 * target, a net's dense stack …): every registered kernel of its kind with an `implement` hook whose shape
 * condition holds wraps the implementation before it, starting from the plain one, so a later-registered
 * kernel (a refinement) is tried first and each falls back to the one it wraps where it is not allowed.
 */
export function implementationOf<I>(unit: PlanUnit, plain: I): I {
  let impl = plain;
  for (const spec of kernelsFor(unit.kind) as readonly KernelSpec<I>[]) {
    if (spec.implement && spec.applies(unit) === true) impl = spec.implement(impl, onNow(spec), unit);
  }
  return impl;
}

export type { PlanUnit } from './registry.js';
