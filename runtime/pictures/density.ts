// 2-D pictures: the learned density as a heatmap beside a scatter of the training data, and a
// plain scatter of samples.
import { Canvas, viridis } from './canvas.js';

export interface Bounds { x0: number; x1: number; y0: number; y1: number }

/** A square view around the data: its 0.5%–99.5% quantiles, padded by 10%. */
export function boundsOf(points: Float32Array): Bounds {
  const xs: number[] = [];
  const ys: number[] = [];
  for (let i = 0; i + 1 < points.length; i += 2) {
    if (Number.isFinite(points[i]!) && Number.isFinite(points[i + 1]!)) xs.push(points[i]!), ys.push(points[i + 1]!);
  }
  if (xs.length === 0) return { x0: -1, x1: 1, y0: -1, y1: 1 };
  const q = (a: number[], p: number) => a.sort((u, v) => u - v)[Math.min(a.length - 1, Math.floor(p * a.length))]!;
  const cx = (q(xs, 0.005) + q(xs, 0.995)) / 2;
  const cy = (q(ys, 0.005) + q(ys, 0.995)) / 2;
  const half = (Math.max(q(xs, 0.995) - q(xs, 0.005), q(ys, 0.995) - q(ys, 0.005)) / 2) * 1.1 || 1;
  return { x0: cx - half, x1: cx + half, y0: cy - half, y1: cy + half };
}

/** The centres of a G×G grid over the bounds, row-major from the top (high y) down. */
export function gridPoints(b: Bounds, G: number): Float32Array {
  const pts = new Float32Array(G * G * 2);
  for (let r = 0; r < G; r++) {
    for (let c = 0; c < G; c++) {
      pts[(r * G + c) * 2] = b.x0 + ((c + 0.5) / G) * (b.x1 - b.x0);
      pts[(r * G + c) * 2 + 1] = b.y1 - ((r + 0.5) / G) * (b.y1 - b.y0);
    }
  }
  return pts;
}

function scatter(canvas: Canvas, ox: number, size: number, points: Float32Array, b: Bounds, rgb: number[]): void {
  const n = points.length / 2;
  const alpha = Math.min(0.6, Math.max(0.08, 800 / n));
  for (let i = 0; i < n; i++) {
    const px = ox + ((points[2 * i]! - b.x0) / (b.x1 - b.x0)) * size;
    const py = ((b.y1 - points[2 * i + 1]!) / (b.y1 - b.y0)) * size;
    canvas.set(px, py, rgb, alpha);
    canvas.set(px + 1, py, rgb, alpha);
    canvas.set(px, py + 1, rgb, alpha);
    canvas.set(px + 1, py + 1, rgb, alpha);
  }
}

function heatmap(canvas: Canvas, ox: number, logp: Float32Array, G: number, cell: number): void {
  let max = -Infinity;
  for (const v of logp) if (Number.isFinite(v)) max = Math.max(max, v);
  for (let r = 0; r < G; r++) {
    for (let c = 0; c < G; c++) {
      const v = logp[r * G + c]!;
      const t = Number.isFinite(v) && Number.isFinite(max) ? Math.exp(v - max) : 0;
      canvas.rect(ox + c * cell, r * cell, cell, cell, viridis(t));
    }
  }
}

/** Two densities side by side on the same grid (e.g. the fitted flow and an energy target exp(−U)). */
export function twoDensityPicture(left: Float32Array, right: Float32Array, G: number, cell = 2): Buffer {
  const size = G * cell;
  const gap = 8;
  const canvas = new Canvas(size * 2 + gap, size);
  heatmap(canvas, 0, left, G, cell);
  heatmap(canvas, size + gap, right, G, cell);
  return canvas.toPng();
}

/**
 * Left: density exp(logp) on a G×G grid (values from gridPoints order), each cell `cell` pixels;
 * right: the training data over the same bounds.
 */
export function densityPicture(logp: Float32Array, G: number, data: Float32Array, b: Bounds, cell = 2): Buffer {
  const size = G * cell;
  const gap = 8;
  const canvas = new Canvas(size * 2 + gap, size);
  heatmap(canvas, 0, logp, G, cell);
  scatter(canvas, size + gap, size, data, b, [31, 73, 125]);
  return canvas.toPng();
}

/** A scatter of 2-D points (samples). */
export function scatterPicture(points: Float32Array, b: Bounds = boundsOf(points), size = 400): Buffer {
  const canvas = new Canvas(size, size);
  scatter(canvas, 0, size, points, b, [31, 73, 125]);
  return canvas.toPng();
}
