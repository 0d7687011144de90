// Sample grids for image data: n images [C, H, W] tiled with a 1-pixel gap, scaled 2×.
import { Canvas } from './canvas.js';

export interface GridOptions {
  /** value shown as black and white: binary 0..1, discrete(K) 0..K-1; default: the samples' range */
  range?: [number, number];
  scale?: number;
  /** images per row (default: a square-ish grid) */
  cols?: number;
}

export function imageGrid(x: Float32Array, n: number, shape: number[], opts: GridOptions = {}): Buffer {
  const [C, H, W] = shape.length === 3 ? shape : [1, shape[0]!, shape[1] ?? 1];
  const size = C! * H! * W!;
  let [lo, hi] = opts.range ?? [Infinity, -Infinity];
  if (!opts.range) {
    for (const v of x) {
      if (!Number.isFinite(v)) continue;
      lo = Math.min(lo, v);
      hi = Math.max(hi, v);
    }
  }
  if (!(hi > lo)) hi = lo + 1;
  const s = opts.scale ?? 2;
  const cols = Math.max(1, Math.min(n, opts.cols ?? Math.ceil(Math.sqrt(n))));
  const rows = Math.ceil(n / cols);
  const gap = 1;
  const canvas = new Canvas(cols * (W! * s + gap) + gap, rows * (H! * s + gap) + gap, [128, 128, 128]);
  const level = (v: number) => Math.round(255 * Math.min(1, Math.max(0, (v - lo) / (hi - lo))));
  for (let k = 0; k < n; k++) {
    const ox = gap + (k % cols) * (W! * s + gap);
    const oy = gap + Math.floor(k / cols) * (H! * s + gap);
    for (let i = 0; i < H!; i++) {
      for (let j = 0; j < W!; j++) {
        const px = (c: number) => level(x[k * size + (c * H! + i) * W! + j]!);
        const rgb = C === 3 ? [px(0), px(1), px(2)] : [px(0), px(0), px(0)];
        canvas.rect(ox + j * s, oy + i * s, s, s, rgb);
      }
    }
  }
  return canvas.toPng();
}
