// Parameter-shape builders shared by the registry's `params`/`flops` rules.
// Layouts follow tfjs: dense W is [in, out] (y = x·W + b), conv filters are [kh, kw, Cin, Cout].
// Counts include masked entries (MADE, PixelCNN), as the bench workloads count them.
import type { ParamSpec, Shape } from './types.js';

export const numel = (shape: readonly number[]): number => shape.reduce((a, b) => a * b, 1);
export const countParams = (ps: readonly ParamSpec[]): number => ps.reduce((a, p) => a + numel(p.shape), 0);

/** [C, H, W] of an image shape, or undefined for vectors and other ranks. */
export function imageDims(shape: Shape): { C: number; H: number; W: number } | undefined {
  if (shape.length !== 3) return undefined;
  const [C, H, W] = shape as [number, number, number];
  return { C, H, W };
}

/** The "channel" axis of a shape: C for images, D for vectors (H = W = 1). */
export function channelsOf(shape: Shape): { C: number; HW: number } {
  const img = imageDims(shape);
  if (img) return { C: img.C, HW: img.H * img.W };
  return { C: numel(shape), HW: 1 };
}

export function dense(prefix: string, inSize: number, outSize: number, zeroInit = false): ParamSpec[] {
  const init = zeroInit ? 'zeros' : 'uniform-fan-in';
  return [
    { name: `${prefix}.W`, shape: [inSize, outSize], init },
    { name: `${prefix}.b`, shape: [outSize], init },
  ];
}

export function conv(
  prefix: string,
  kh: number,
  kw: number,
  cin: number,
  cout: number,
  opts: { zeroInit?: boolean; bias?: boolean } = {},
): ParamSpec[] {
  const init = opts.zeroInit ? 'zeros' : 'uniform-fan-in';
  const ps: ParamSpec[] = [{ name: `${prefix}.W`, shape: [kh, kw, cin, cout], init }];
  if (opts.bias !== false) ps.push({ name: `${prefix}.b`, shape: [cout], init });
  return ps;
}

/** multiply-adds of a dense layer / of a "same"-padded stride-1 conv over an H×W map */
export const denseFlops = (inSize: number, outSize: number): number => inSize * outSize;
export const convFlops = (kh: number, kw: number, cin: number, cout: number, H: number, W: number): number =>
  kh * kw * cin * cout * H * W;

export const isNumArray = (v: unknown): v is number[] => Array.isArray(v) && v.every((x) => typeof x === 'number');
