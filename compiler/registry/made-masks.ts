// User-written MADE masks (`made(masks: [[[...]], ...])`): one 0/1 matrix per layer, row = output
// unit, column = input unit (input → hidden 1 → … → output). When given they replace the masks
// built from order, hidden sizes and connectivity, and the hidden sizes are read off them.
import { T, arg } from './spec.js';
import type { ArgSpec } from './types.js';

export const madeMasksArg: ArgSpec = arg(
  'masks',
  T.list(T.list(T.list(T.int(0, 1)), 1), 1),
  'literal 0/1 masks, one matrix per layer ([units out][units in], input → hidden → output); replaces the built ' +
    'masks and is proved autoregressive as written',
);

const isRow = (r: unknown): r is number[] => Array.isArray(r) && r.every((x) => typeof x === 'number');

/** the literal masks of a checked `made` (args.masks), or undefined when none were written */
export function literalMadeMasks(v: unknown): number[][][] | undefined {
  if (!Array.isArray(v) || v.length === 0) return undefined;
  if (!v.every((m) => Array.isArray(m) && m.every(isRow))) return undefined;
  return v as number[][][];
}

/** hidden widths of a MADE: read off its literal masks when given, else `hidden` (or the default) */
export function madeHidden(args: Record<string, unknown>, fallback: number[]): number[] {
  const m = literalMadeMasks(args.masks);
  if (m) return m.slice(0, -1).map((M) => M.length);
  return Array.isArray(args.hidden) && args.hidden.every((x) => typeof x === 'number')
    ? [...(args.hidden as number[])]
    : [...fallback];
}
