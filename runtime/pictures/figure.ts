// Figures a reader understands without the code: panels side by side, each with a title, a frame,
// tick marks and tick labels in data coordinates, and (for heatmaps) a colour bar with its scale
// and label. The panels draw their own pixels inside the frame; this file only lays them out.
import { Canvas, viridis } from './canvas.js';
import { drawText, textWidth } from './font.js';

export interface Bounds {
  x0: number;
  x1: number;
  y0: number;
  y1: number;
}

/** Round tick values (1, 2, 5 × 10^k steps) covering [lo, hi], at most about n of them. */
export function niceTicks(lo: number, hi: number, n = 5): number[] {
  const span = hi - lo || 1;
  const mag = 10 ** Math.floor(Math.log10(span / n));
  const step = [1, 2, 5, 10].map((m) => m * mag).find((s) => span / s <= n) ?? 10 * mag;
  const out: number[] = [];
  for (let v = Math.ceil(lo / step - 1e-9) * step; v <= hi + 1e-9 * span; v += step) out.push(Number(v.toPrecision(6)));
  return out;
}

/** A tick label: short, no float noise (0.30000000000000004 → 0.3), exponents for tiny or huge values. */
export function tickLabel(v: number): string {
  if (v === 0) return '0';
  const a = Math.abs(v);
  if (a >= 1e5 || a < 1e-3) return v.toExponential(1).replace('e+', 'e');
  return String(Number(v.toPrecision(4)));
}

export interface ColourBar {
  /** the value the top colour stands for (the bottom is 0) */
  max: number;
  label: string;
}

export interface Panel {
  title: string;
  bounds: Bounds;
  /** draws the panel's content; (ox, oy) is the top-left pixel of its size × size plot area */
  draw(canvas: Canvas, ox: number, oy: number, size: number): void;
  colourBar?: ColourBar;
}

const INK = [40, 40, 40];
const TITLE_SCALE = 2;
const M = { left: 40, top: 26, bottom: 22, right: 12, bar: 12, barGap: 8, barLabels: 52 };

export interface Layout {
  width: number;
  height: number;
  origins: { x: number; y: number }[];
  size: number;
}

/** Where each panel's plot area lies (its top-left pixel) for plot areas of size × size. */
export function layoutOf(panels: Panel[], size: number): Layout {
  const origins: { x: number; y: number }[] = [];
  let x = 0;
  for (const p of panels) {
    x += M.left;
    origins.push({ x, y: M.top });
    x += size;
    if (p.colourBar) x += M.barGap + M.bar + M.barLabels;
  }
  return { width: x + M.right, height: M.top + size + M.bottom, origins, size };
}

function frame(canvas: Canvas, ox: number, oy: number, size: number): void {
  for (let i = -1; i <= size; i++) {
    canvas.set(ox + i, oy - 1, INK);
    canvas.set(ox + i, oy + size, INK);
    canvas.set(ox - 1, oy + i, INK);
    canvas.set(ox + size, oy + i, INK);
  }
}

function axes(canvas: Canvas, ox: number, oy: number, size: number, b: Bounds): void {
  frame(canvas, ox, oy, size);
  for (const t of niceTicks(b.x0, b.x1).filter((v) => v >= b.x0 && v <= b.x1)) {
    const px = Math.round(ox + ((t - b.x0) / (b.x1 - b.x0)) * (size - 1));
    for (let k = 1; k <= 4; k++) canvas.set(px, oy + size + k, INK);
    drawText(canvas, px, oy + size + 7, tickLabel(t), { rgb: INK, align: 'center' });
  }
  for (const t of niceTicks(b.y0, b.y1).filter((v) => v >= b.y0 && v <= b.y1)) {
    const py = Math.round(oy + ((b.y1 - t) / (b.y1 - b.y0)) * (size - 1));
    for (let k = 1; k <= 4; k++) canvas.set(ox - 1 - k, py, INK);
    drawText(canvas, ox - 8, py - 3, tickLabel(t), { rgb: INK, align: 'right' });
  }
}

function colourBar(canvas: Canvas, x: number, oy: number, size: number, bar: ColourBar): void {
  for (let j = 0; j < size; j++) canvas.rect(x, oy + j, M.bar, 1, viridis(1 - j / (size - 1)));
  for (let i = -1; i <= size; i++) {
    canvas.set(x - 1, oy + i, INK);
    canvas.set(x + M.bar, oy + i, INK);
  }
  for (let i = -1; i <= M.bar; i++) {
    canvas.set(x + i, oy - 1, INK);
    canvas.set(x + i, oy + size, INK);
  }
  const max = bar.max > 0 && Number.isFinite(bar.max) ? bar.max : 1;
  for (const t of niceTicks(0, max, 4).filter((v) => v >= 0 && v <= max)) {
    const py = Math.round(oy + (1 - t / max) * (size - 1));
    for (let k = 1; k <= 3; k++) canvas.set(x + M.bar + k, py, INK);
    drawText(canvas, x + M.bar + 6, py - 3, tickLabel(t), { rgb: INK });
  }
  // the label reads upwards along the right edge of the tick labels
  const lx = x + M.bar + M.barLabels - 12;
  drawText(canvas, lx, oy + size / 2, bar.label, { rgb: INK, align: 'center', vertical: true });
}

/** Draws the panels side by side into a PNG: titles above, axes, colour bars. */
export function renderFigure(panels: Panel[], size: number): Buffer {
  const L = layoutOf(panels, size);
  const canvas = new Canvas(L.width, L.height);
  panels.forEach((p, i) => {
    const { x, y } = L.origins[i]!;
    p.draw(canvas, x, y, size);
    axes(canvas, x, y, size, p.bounds);
    const fits = textWidth(p.title, TITLE_SCALE) <= size + M.left;
    drawText(canvas, x + size / 2, 6, p.title, { rgb: INK, align: 'center', scale: fits ? TITLE_SCALE : 1 });
    if (p.colourBar) colourBar(canvas, x + size + M.barGap, y, size, p.colourBar);
  });
  return canvas.toPng();
}
