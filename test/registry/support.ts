// Helpers for the registry tests: a shape context that records diagnostics, and checked-call look-alikes.
import type { Diagnostic } from '../../grammar/diagnostic.js';
import type { Span } from '../../grammar/ast.js';
import { lookup } from '../../compiler/registry/index.js';
import type { Category, ResolvedArgs, Shape, ShapeContext } from '../../compiler/registry/types.js';

export const SPAN: Span = { file: 'test.flow', start: 10, end: 17 };

export function recorder(): ShapeContext & { diags: Diagnostic[] } {
  const diags: Diagnostic[] = [];
  return { span: SPAN, report: (d) => diags.push(d), diags };
}

/** run a flow kind's shape rule; returns the output shape and the diagnostics it reported */
export function shapeOf(kind: string, input: Shape, args: ResolvedArgs = {}, category: Category = 'flow') {
  const k = lookup(kind, category);
  if (!k?.shape) throw new Error(`no shape rule for ${kind}`);
  const ctx = recorder();
  const out = k.shape(input, args, ctx);
  return { out, diags: ctx.diags, codes: ctx.diags.map((d) => d.code) };
}

/** what the checker hands over for a nested call like net: mlp(64, 64) */
export function call(name: string, category: Category, args: ResolvedArgs = {}, body?: unknown[]) {
  const kind = lookup(name, category);
  if (!kind) throw new Error(`no kind ${category}:${name}`);
  const filled: ResolvedArgs = {};
  for (const a of kind.args) if (a.default !== undefined) filled[a.name] = a.default;
  return { kind, args: { ...filled, ...args }, ...(body ? { body } : {}) };
}

/** a flow layer's args with defaults filled, as the checker produces them */
export function flowArgs(name: string, args: ResolvedArgs): ResolvedArgs {
  return call(name, 'flow', args).args;
}

export const checkerboard = (C: number, H: number, W: number, parity: number): number[] => {
  const out: number[] = [];
  for (let c = 0; c < C; c++)
    for (let i = 0; i < H; i++) for (let j = 0; j < W; j++) out.push((i + j) % 2 === parity ? 1 : 0);
  return out;
};

export const channelHalves = (C: number, HW: number, firstHalfPasses: boolean): number[] => {
  const out: number[] = [];
  for (let c = 0; c < C; c++) for (let k = 0; k < HW; k++) out.push(c < C / 2 === firstHalfPasses ? 1 : 0);
  return out;
};
