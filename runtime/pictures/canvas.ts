// A tiny RGBA canvas encoded to PNG (png.ts: pngjs; its browser twin refuses), and a perceptual colour map (viridis).
import { encodePng } from './png.js';

export class Canvas {
  readonly data: Uint8Array;
  constructor(
    readonly width: number,
    readonly height: number,
    background: [number, number, number] = [255, 255, 255],
  ) {
    this.data = new Uint8Array(width * height * 4);
    for (let i = 0; i < width * height; i++) this.data.set([...background, 255], i * 4);
  }

  set(x: number, y: number, rgb: readonly number[], alpha = 1): void {
    if (x < 0 || y < 0 || x >= this.width || y >= this.height) return;
    const i = (Math.floor(y) * this.width + Math.floor(x)) * 4;
    for (let c = 0; c < 3; c++) this.data[i + c] = Math.round(this.data[i + c]! * (1 - alpha) + rgb[c]! * alpha);
    this.data[i + 3] = 255;
  }

  rect(x: number, y: number, w: number, h: number, rgb: readonly number[]): void {
    for (let j = 0; j < h; j++) for (let i = 0; i < w; i++) this.set(x + i, y + j, rgb);
  }

  /** a straight line (one pixel wide) from (x0, y0) to (x1, y1) */
  line(x0: number, y0: number, x1: number, y1: number, rgb: readonly number[], alpha = 1): void {
    const n = Math.max(1, Math.ceil(Math.max(Math.abs(x1 - x0), Math.abs(y1 - y0))));
    for (let i = 0; i <= n; i++) this.set(x0 + ((x1 - x0) * i) / n, y0 + ((y1 - y0) * i) / n, rgb, alpha);
  }

  /** a filled disc of radius r */
  dot(x: number, y: number, r: number, rgb: readonly number[]): void {
    for (let j = -r; j <= r; j++) {
      for (let i = -r; i <= r; i++) if (i * i + j * j <= r * r + r) this.set(x + i, y + j, rgb);
    }
  }

  toPng(): Buffer {
    return encodePng(this.width, this.height, this.data);
  }
}

// viridis at 9 stops
const VIRIDIS = [
  [68, 1, 84],
  [71, 44, 122],
  [59, 81, 139],
  [44, 113, 142],
  [33, 144, 141],
  [39, 173, 129],
  [92, 200, 99],
  [170, 220, 50],
  [253, 231, 37],
];

/** t in [0, 1] → RGB */
export function viridis(t: number): [number, number, number] {
  const u = Math.min(1, Math.max(0, Number.isFinite(t) ? t : 0)) * (VIRIDIS.length - 1);
  const i = Math.min(VIRIDIS.length - 2, Math.floor(u));
  const f = u - i;
  const a = VIRIDIS[i]!;
  const b = VIRIDIS[i + 1]!;
  return [0, 1, 2].map((c) => Math.round(a[c]! + (b[c]! - a[c]!) * f)) as [number, number, number];
}
