// Coupling masks made concrete: a MaskValue resolved to a 0/1 array over the flattened
// input (C·H·W or D, row-major). 1 = passes through (conditions the rest), 0 = transformed.
//   checkerboard(parity p): images, b[c,i,j] = 1 iff (i + j) mod 2 = p
//   channel:   images, the first ⌊C/2⌋ channels
//   half:      the first ⌊N/2⌋ entries of the flattened input
//   alternate: even flattened indices
//   literal:   as written;  `!m`: the complement
import type { Shape } from '../registry/types.js';
import type { MaskValue } from './values.js';

export type MaskProblem =
  | { problem: 'checkerboard-on-vector' }
  | { problem: 'channel-on-vector' }
  | { problem: 'channel-one-channel' }
  | { problem: 'length'; length: number; size: number }
  | { problem: 'unknown-kind'; kind: string };

export type MaskResolution = { values: number[] } | MaskProblem;

const numel = (s: Shape): number => s.reduce((a, b) => a * b, 1);

export function checkerboardMask(C: number, H: number, W: number, parity = 0): number[] {
  const out: number[] = [];
  for (let c = 0; c < C; c++)
    for (let i = 0; i < H; i++) for (let j = 0; j < W; j++) out.push((i + j) % 2 === parity ? 1 : 0);
  return out;
}

export function channelMask(C: number, H: number, W: number): number[] {
  const pass = Math.floor(C / 2);
  const out: number[] = [];
  for (let c = 0; c < C; c++) for (let k = 0; k < H * W; k++) out.push(c < pass ? 1 : 0);
  return out;
}

export const halfMask = (n: number): number[] => Array.from({ length: n }, (_, i) => (i < Math.floor(n / 2) ? 1 : 0));
export const alternateMask = (n: number): number[] => Array.from({ length: n }, (_, i) => (i % 2 === 0 ? 1 : 0));
export const complement = (m: readonly number[]): number[] => m.map((x) => 1 - x);

/** the concrete mask for an input shape, `!` applied; or why it cannot be made */
export function resolveMask(m: MaskValue, shape: Shape): MaskResolution {
  const n = numel(shape);
  const image = shape.length === 3;
  let values: number[];
  switch (m.base) {
    case 'checkerboard': {
      if (!image) return { problem: 'checkerboard-on-vector' };
      const parity = typeof m.args?.parity === 'number' ? m.args.parity : 0;
      values = checkerboardMask(shape[0]!, shape[1]!, shape[2]!, parity);
      break;
    }
    case 'channel':
      if (!image) return { problem: 'channel-on-vector' };
      if (shape[0]! < 2) return { problem: 'channel-one-channel' };
      values = channelMask(shape[0]!, shape[1]!, shape[2]!);
      break;
    case 'half':
      values = halfMask(n);
      break;
    case 'alternate':
      values = alternateMask(n);
      break;
    case 'literal': {
      const lit = m.values ?? [];
      if (lit.length !== n) return { problem: 'length', length: lit.length, size: n };
      values = [...lit];
      break;
    }
    default:
      return { problem: 'unknown-kind', kind: m.base };
  }
  return { values: m.negate ? complement(values) : values };
}
