// Factorization orders resolved to arrays: values[t] = the dimension generated at step t
// (the convention of compiler/proofs/made.ts), over the flattened data (C·H·W or D).
import { shuffledRange, mulberry32 } from '../proofs/rng.js';
import type { Shape } from '../registry/types.js';
import type { CheckedCall } from './model.js';

export interface ResolvedOrder {
  values: number[];
  raster?: { channels: 'sequential' | 'joint' };
}

const numel = (s: Shape): number => s.reduce((a, b) => a * b, 1);

/**
 * Raster order over [C, H, W] stored channels-first: pixels row by row, left to right, and in
 * each pixel the channels in turn (R then G then B). Index of (c, i, j) is c·H·W + i·W + j.
 */
export function rasterOrder(C: number, H: number, W: number): number[] {
  const out: number[] = [];
  for (let i = 0; i < H; i++) for (let j = 0; j < W; j++) for (let c = 0; c < C; c++) out.push(c * H * W + i * W + j);
  return out;
}

/** an order given as a checked call (natural | reverse | random(seed) | raster(channels)) or a literal list */
export function resolveOrder(v: unknown, shape: Shape): ResolvedOrder | undefined {
  const D = numel(shape);
  if (Array.isArray(v)) return v.every((x) => typeof x === 'number') ? { values: [...(v as number[])] } : undefined;
  const c = v as CheckedCall | undefined;
  if (!c || typeof c !== 'object' || !c.kind) return undefined;
  switch (c.kind.name) {
    case 'natural':
      return { values: Array.from({ length: D }, (_, i) => i) };
    case 'reverse':
      return { values: Array.from({ length: D }, (_, i) => D - 1 - i) };
    case 'random': {
      const seed = typeof c.args.seed === 'number' ? c.args.seed : 0;
      return { values: shuffledRange(D, mulberry32(seed)) };
    }
    case 'raster': {
      const channels = c.args.channels === 'joint' ? 'joint' : 'sequential';
      if (shape.length !== 3) return { values: Array.from({ length: D }, (_, i) => i), raster: { channels } };
      return { values: rasterOrder(shape[0]!, shape[1]!, shape[2]!), raster: { channels } };
    }
    default:
      return undefined;
  }
}
