// 2-D pictures: the learned density as a heatmap beside a scatter of the training data, and a
// plain scatter of samples; every panel titled, with axes in data coordinates and a colour bar
// (runtime/pictures/figure.ts).
import { Canvas, viridis } from './canvas.js';
import { renderFigure, type Bounds, type ColourBar, type Panel } from './figure.js';

export type { Bounds } from './figure.js';

/** A square view around the data: its 0.5%–99.5% quantiles, padded by 10%. */
export function boundsOf(points: Float32Array): Bounds {
  const xs: number[] = [];
  const ys: number[] = [];
  for (let i = 0; i + 1 < points.length; i += 2) {
    if (Number.isFinite(points[i]!) && Number.isFinite(points[i + 1]!)) {
      xs.push(points[i]!);
      ys.push(points[i + 1]!);
    }
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

/** pixel position of a data point inside a size × size plot area at (ox, oy) */
export function toPixel(b: Bounds, ox: number, oy: number, size: number, x: number, y: number): [number, number] {
  return [ox + ((x - b.x0) / (b.x1 - b.x0)) * size, oy + ((b.y1 - y) / (b.y1 - b.y0)) * size];
}

function scatter(
  canvas: Canvas,
  ox: number,
  oy: number,
  size: number,
  points: Float32Array,
  b: Bounds,
  rgb: number[],
): void {
  const n = points.length / 2;
  const alpha = Math.min(0.6, Math.max(0.08, 800 / n));
  for (let i = 0; i < n; i++) {
    const [px, py] = toPixel(b, ox, oy, size, points[2 * i]!, points[2 * i + 1]!);
    if (px < ox || py < oy || px >= ox + size - 1 || py >= oy + size - 1) continue;
    canvas.set(px, py, rgb, alpha);
    canvas.set(px + 1, py, rgb, alpha);
    canvas.set(px, py + 1, rgb, alpha);
    canvas.set(px + 1, py + 1, rgb, alpha);
  }
}

/** the largest finite value (−Infinity when none) */
const finiteMax = (v: Float32Array) => v.reduce((m, x) => (Number.isFinite(x) && x > m ? x : m), -Infinity);

function heatmap(canvas: Canvas, ox: number, oy: number, size: number, logp: Float32Array, G: number): void {
  const max = finiteMax(logp);
  for (let py = 0; py < size; py++) {
    const r = Math.min(G - 1, Math.floor((py * G) / size));
    for (let px = 0; px < size; px++) {
      const v = logp[r * G + Math.min(G - 1, Math.floor((px * G) / size))]!;
      canvas.set(ox + px, oy + py, viridis(Number.isFinite(v) && Number.isFinite(max) ? Math.exp(v - max) : 0));
    }
  }
}

/** A heatmap panel of exp(logp) on a G×G grid (gridPoints order); the colour bar tops at exp(max logp). */
export function heatPanel(
  title: string,
  logp: Float32Array,
  G: number,
  b: Bounds,
  bar: Omit<ColourBar, 'max'> & { max?: number },
): Panel {
  const max = finiteMax(logp);
  return {
    title,
    bounds: b,
    colourBar: { label: bar.label, max: bar.max ?? (Number.isFinite(max) ? Math.exp(max) : 1) },
    draw: (canvas, ox, oy, size) => heatmap(canvas, ox, oy, size, logp, G),
  };
}

export function scatterPanel(title: string, points: Float32Array, b: Bounds, rgb = [31, 73, 125]): Panel {
  return { title, bounds: b, draw: (canvas, ox, oy, size) => scatter(canvas, ox, oy, size, points, b, rgb) };
}

/**
 * Two densities side by side on the same grid: the fitted flow (a histogram of its samples) and
 * the energy target exp(−U), each scaled to its own maximum (the target is unnormalised).
 */
export function twoDensityPicture(
  left: Float32Array,
  right: Float32Array,
  G: number,
  cell = 2,
  b: Bounds = { x0: -4, x1: 4, y0: -4, y1: 4 },
): Buffer {
  const bar = { label: 'density / its max', max: 1 };
  return renderFigure(
    [heatPanel('model samples (histogram)', left, G, b, bar), heatPanel('target exp(−U)', right, G, b, bar)],
    G * cell,
  );
}

/**
 * Left: the model density p(x) = exp(logp) on a G×G grid (values in gridPoints order), each cell
 * `cell` pixels, with a colour bar in density units; right: the training data over the same bounds.
 */
export function densityPicture(logp: Float32Array, G: number, data: Float32Array, b: Bounds, cell = 2): Buffer {
  return renderFigure(
    [heatPanel('model density', logp, G, b, { label: 'p(x)' }), scatterPanel('training data', data, b)],
    G * cell,
  );
}

/** A scatter of 2-D points (samples). */
export function scatterPicture(
  points: Float32Array,
  b: Bounds = boundsOf(points),
  size = 400,
  title = 'samples',
): Buffer {
  return renderFigure([scatterPanel(title, points, b)], size);
}
