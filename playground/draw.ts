// The page's pictures on <canvas>: the loss curve, the 2-D density heatmap (viridis, as density.png) with the
// training points, and sample grids of images.
import { viridis } from '../runtime/pictures/canvas.js';

const AXIS = '#555';

function prepare(c: HTMLCanvasElement): CanvasRenderingContext2D {
  const g = c.getContext('2d')!;
  g.setTransform(1, 0, 0, 1, 0, 0);
  g.fillStyle = '#fff';
  g.fillRect(0, 0, c.width, c.height);
  g.font = '11px sans-serif';
  return g;
}

/** loss against step, the y range from the 2nd to the 98th percentile so early spikes do not flatten it */
export function drawLoss(c: HTMLCanvasElement, pts: { step: number; loss: number }[], unit: string): void {
  const g = prepare(c);
  const L = 48,
    R = 10,
    T = 18,
    B = 26;
  const w = c.width - L - R,
    h = c.height - T - B;
  g.fillStyle = AXIS;
  g.fillText(`loss (${unit})`, L, 12);
  g.strokeStyle = AXIS;
  g.strokeRect(L, T, w, h);
  const finite = pts.filter((p) => Number.isFinite(p.loss));
  if (finite.length < 2) return;
  const sorted = finite.map((p) => p.loss).sort((a, b) => a - b);
  const lo = sorted[Math.floor(0.02 * (sorted.length - 1))]!;
  const hi = sorted[Math.ceil(0.98 * (sorted.length - 1))]!;
  const pad = (hi - lo) * 0.05 || 1;
  const y0 = lo - pad,
    y1 = hi + pad;
  const x1 = finite[finite.length - 1]!.step,
    x0 = finite[0]!.step;
  const X = (s: number) => L + ((s - x0) / Math.max(1, x1 - x0)) * w;
  const Y = (v: number) => T + h - ((Math.min(Math.max(v, y0), y1) - y0) / (y1 - y0)) * h;
  g.fillText(y1.toFixed(2), 2, T + 8);
  g.fillText(y0.toFixed(2), 2, T + h);
  g.fillText(String(x0), L, T + h + 14);
  const last = `step ${x1}`;
  g.fillText(last, L + w - g.measureText(last).width, T + h + 14);
  g.strokeStyle = '#1f497d';
  g.beginPath();
  finite.forEach((p, i) => (i ? g.lineTo(X(p.step), Y(p.loss)) : g.moveTo(X(p.step), Y(p.loss))));
  g.stroke();
}

/** the model density exp(log p) on a G×G grid (rows from the top), scaled to its maximum, and the data */
export function drawDensity(
  c: HTMLCanvasElement,
  logp: Float32Array,
  G: number,
  extent: number[],
  points: Float32Array,
): { nonBlank: boolean } {
  const g = prepare(c);
  const [x0, x1, y0, y1] = extent as [number, number, number, number];
  let max = -Infinity;
  for (const v of logp) if (Number.isFinite(v) && v > max) max = v;
  const img = g.createImageData(G, G);
  let lit = 0;
  for (let i = 0; i < G * G; i++) {
    const t = Number.isFinite(logp[i]!) ? Math.exp(logp[i]! - max) : 0;
    if (t > 0.05) lit++;
    const [r, gg, b] = viridis(t);
    img.data.set([r, gg, b, 255], i * 4);
  }
  const off = document.createElement('canvas');
  off.width = off.height = G;
  off.getContext('2d')!.putImageData(img, 0, 0);
  const size = Math.min(c.width, c.height);
  g.imageSmoothingEnabled = true;
  g.drawImage(off, 0, 0, size, size);
  g.fillStyle = 'rgba(255,255,255,0.55)';
  for (let i = 0; i + 1 < points.length; i += 2) {
    const px = ((points[i]! - x0) / (x1 - x0)) * size,
      py = ((y1 - points[i + 1]!) / (y1 - y0)) * size;
    g.fillRect(px - 0.75, py - 0.75, 1.5, 1.5);
  }
  g.fillStyle = '#fff';
  g.fillText(`x ∈ [${x0.toFixed(1)}, ${x1.toFixed(1)}], y ∈ [${y0.toFixed(1)}, ${y1.toFixed(1)}]`, 4, size - 5);
  return { nonBlank: lit > 0 && lit < G * G };
}

/** n images [n, C, H, W] (values 0..1 or 0..K−1, scaled to their range) as a grid */
export function drawGrid(c: HTMLCanvasElement, data: Float32Array, shape: number[]): void {
  const g = prepare(c);
  g.fillStyle = '#333';
  g.fillRect(0, 0, c.width, c.height);
  const [n, C, H, W] = shape as [number, number, number, number];
  let lo = Infinity,
    hi = -Infinity;
  for (const v of data) {
    if (!Number.isFinite(v)) continue;
    lo = Math.min(lo, v);
    hi = Math.max(hi, v);
  }
  const span = hi > lo ? hi - lo : 1;
  const cols = Math.ceil(Math.sqrt(n));
  const cell = Math.floor(Math.min(c.width, c.height) / cols);
  const img = g.createImageData(W, H);
  const off = document.createElement('canvas');
  off.width = W;
  off.height = H;
  for (let k = 0; k < n; k++) {
    for (let p = 0; p < H * W; p++) {
      const ch = (cc: number) => Math.round((255 * (data[k * C * H * W + cc * H * W + p]! - lo)) / span);
      const v = C >= 3 ? [ch(0), ch(1), ch(2)] : [ch(0), ch(0), ch(0)];
      img.data.set([...v, 255], p * 4);
    }
    off.getContext('2d')!.putImageData(img, 0, 0);
    g.imageSmoothingEnabled = false;
    g.drawImage(off, (k % cols) * cell + 1, Math.floor(k / cols) * cell + 1, cell - 2, cell - 2);
  }
}

/** 2-D samples as points over the density's extent */
export function drawPoints(c: HTMLCanvasElement, pts: Float32Array): void {
  const g = prepare(c);
  let x0 = Infinity,
    x1 = -Infinity,
    y0 = Infinity,
    y1 = -Infinity;
  for (let i = 0; i + 1 < pts.length; i += 2) {
    x0 = Math.min(x0, pts[i]!);
    x1 = Math.max(x1, pts[i]!);
    y0 = Math.min(y0, pts[i + 1]!);
    y1 = Math.max(y1, pts[i + 1]!);
  }
  const size = Math.min(c.width, c.height) - 10;
  const span = Math.max(x1 - x0, y1 - y0) || 1;
  g.fillStyle = '#1f497d';
  for (let i = 0; i + 1 < pts.length; i += 2) {
    g.fillRect(5 + ((pts[i]! - x0) / span) * size, 5 + ((y1 - pts[i + 1]!) / span) * size, 2, 2);
  }
}
