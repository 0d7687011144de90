// The kernel registry: every fast implementation the runtime has, registered for a (layer kind, backends,
// condition). The layer classes hold the plain math (the oracle); a kernel is chosen outside them, by the
// planner (planner.ts) from the backend, the configuration and the layer's shape. Kernels register
// themselves from runtime/kernels/catalog.ts.
//
//   registerKernel({
//     name: 'fused-mlp', kind: 'coupling', backends: ['wasm', 'cpu'], settings: ['fuse'],
//     applies: (unit) => unit.layer?.inShape.length === 1 || 'not a vector',   // true, or why not
//     build: (layer, plain, ctx, on) => …,   // flow layers: a Bijector that replaces the plain layer
//     doc: '…',
//   });
//
// Units that are not flow layers (an AR conditional's pass, a likelihood, a net's dense stack …) have a
// plain implementation of a type of their own (e.g. MadePass in runtime/ar/made.ts); a kernel for them
// has `implement(under, on, unit)` instead of `build`, returning the fast form of that type. The model
// asks the planner for its unit's implementation (planner.ts `implementationOf`), never for a kernel.
import type { FlowIR, LayerIR, LikelihoodIR, NetIR } from '../../compiler/ir/types.js';
import type { FlowcConfig } from '../config.js';
import type { Bijector, BuildContext } from '../bijectors/types.js';

/** one thing the planner picks implementations for: a flow layer, an AR conditional, a likelihood, a net … */
export interface PlanUnit {
  /** LayerIR.id, or a path such as `conditional`, `likelihood`, `target`, `encoder`, `<layer id>.net` */
  id: string;
  /** the layer kind, or `made` | `nade` | `pixelcnn` | … (conditionals), `likelihood`, `energy`, `mlp` */
  kind: string;
  /** the flow layer itself (flow layers and their nets) */
  layer?: LayerIR;
  /** the net (units of kind mlp / resnet) */
  net?: NetIR;
  /** the likelihood (units of kind likelihood) */
  likelihood?: LikelihoodIR;
  /** the model (absent when a layer is built on its own) */
  ir?: FlowIR;
  /** the conditioning context's shape when the model is conditioned (BuildContext.contextShape) */
  contextShape: number[] | null;
}

export interface PlanContext {
  backend: string;
  config: Readonly<FlowcConfig>;
}

export interface KernelSpec<I = unknown> {
  /** short name, unique per kind (the plan prints `kind:name`) */
  name: string;
  kind: string;
  /** backends it runs on by name; 'any' = every backend */
  backends: readonly string[] | 'any';
  /** boolean settings (runtime/config.ts) that must all be on */
  settings?: readonly (keyof FlowcConfig)[];
  /** further configuration or run-time conditions (cheap; checked on every call): true, or why not */
  when?(ctx: PlanContext): true | string;
  /** the shape condition (static; checked once per layer): true, or why it does not apply */
  applies(unit: PlanUnit): true | string;
  /** what it does, one line (`flowc explain --plan`) */
  doc: string;
  /**
   * builds the fast form of a flow layer around its plain one (sharing its parameters); `on()` says, at
   * call time, whether the kernel is still allowed (backend and settings), else the plain layer runs
   */
  build?(layer: LayerIR, plain: Bijector, ctx: BuildContext, on: () => boolean): Bijector;
  /**
   * the fast implementation of a unit that is not a flow layer, of the type of its plain one: `under` is the
   * implementation it replaces (the plain one, or an earlier-registered kernel's), which it runs when `on()`
   * (backend and settings, checked when the kernel chooses: at each call, or once when it is built) is false
   */
  implement?(under: I, on: () => boolean, unit: PlanUnit): I;
  /** a refinement of another kernel of the same kind (its name): allowed only where that one is */
  refines?: string;
}

const KERNELS: KernelSpec[] = [];
const BY_NAME = new Map<string, KernelSpec>();

export function registerKernel<I>(spec: KernelSpec<I>): KernelSpec<I> {
  if (KERNELS.some((k) => k.kind === spec.kind && k.name === spec.name)) {
    throw new Error(`kernel ${spec.kind}:${spec.name} is registered twice`);
  }
  KERNELS.push(spec);
  BY_NAME.set(`${spec.kind}:${spec.name}`, spec);
  return spec;
}

/** the kernels registered for a kind, in registration order (earlier ones are preferred) */
export function kernelsFor(kind: string): readonly KernelSpec[] {
  return KERNELS.filter((k) => k.kind === kind);
}

export function allKernels(): readonly KernelSpec[] {
  return KERNELS;
}

export function findKernel(qualified: string): KernelSpec {
  const k = BY_NAME.get(qualified);
  if (!k) throw new Error(`no kernel '${qualified}' is registered`);
  return k;
}

/** the backend and configuration condition (not the shape): true, or why not */
export function allowed(spec: KernelSpec, ctx: PlanContext): true | string {
  if (ctx.config.kernelsOff.length && ctx.config.kernelsOff.includes(`${spec.kind}:${spec.name}`)) {
    return 'turned off (kernelsOff)';
  }
  if (spec.backends !== 'any' && !spec.backends.includes(ctx.backend)) {
    return `backend ${ctx.backend}, needs ${spec.backends.join(' or ')}`;
  }
  for (const s of spec.settings ?? []) if (!ctx.config[s]) return `setting ${s} off`;
  if (spec.refines && allowed(findKernel(`${spec.kind}:${spec.refines}`), ctx) !== true) {
    return `needs ${spec.kind}:${spec.refines}`;
  }
  return spec.when ? spec.when(ctx) : true;
}
