// The loss curve as a hand-written SVG: training loss per step (and held-out NLL where measured),
// with its axes and unit (nats/example, or bits/dim for discrete data such as images); when the
// early spikes are clipped off the top, the clip is drawn and says how many values lie above it.
import { niceTicks } from './figure.js';

export interface CurvePoint {
  step: number;
  loss?: number;
  test_nll?: number;
}

const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;');

export function lossCurveSvg(points: CurvePoint[], title = 'training loss', unit = 'nats/example'): string {
  const W = 640;
  const H = 360;
  const m = { l: 64, r: 16, t: 32, b: 40 };
  const train = points.filter((p) => Number.isFinite(p.loss)).map((p) => [p.step, p.loss!] as const);
  const test = points.filter((p) => Number.isFinite(p.test_nll)).map((p) => [p.step, p.test_nll!] as const);
  const all = [...train, ...test];
  const head =
    `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" ` +
    `font-family="sans-serif" font-size="12">\n<rect width="${W}" height="${H}" fill="white"/>\n<text ` +
    `x="${W / 2}" y="20" text-anchor="middle" font-size="14">${esc(title)}</text>\n`;
  if (all.length === 0) return head + `<text x="${W / 2}" y="${H / 2}" text-anchor="middle">no data</text>\n</svg>\n`;
  const s0 = Math.min(...all.map((p) => p[0]));
  const s1 = Math.max(...all.map((p) => p[0]), s0 + 1);
  // robust y range: with many points, ignore the early spikes by clipping at the 98th percentile;
  // with few (a run of a step or two), show them all. A flat or near-flat curve gets a margin so
  // the axis keeps readable, distinct ticks inside the plot.
  const ys = all.map((p) => p[1]).sort((a, b) => a - b);
  let y0 = ys[0]!;
  const yMax = ys[ys.length - 1]!;
  let y1 = ys.length >= 50 ? ys[Math.floor(0.98 * (ys.length - 1))]! : yMax;
  // clip only when it matters: the top 2% lie well above the rest
  if (y1 - ys[0]! > 0 && (yMax - y1) / (y1 - ys[0]!) < 0.25) y1 = yMax;
  const clipped = ys.filter((v) => v > y1).length;
  const minSpan = Math.max(1e-3 * Math.max(Math.abs(y0), Math.abs(y1)), 1e-6);
  if (y1 - y0 < minSpan) {
    const mid = (y0 + y1) / 2;
    const half = Math.max(0.05 * Math.abs(mid), 0.5 * minSpan, 0.01);
    y0 = mid - half;
    y1 = mid + half;
  }
  const X = (s: number) => m.l + ((s - s0) / (s1 - s0)) * (W - m.l - m.r);
  const Y = (v: number) => m.t + (1 - (Math.min(v, y1) - y0) / (y1 - y0)) * (H - m.t - m.b);
  const path = (pts: readonly (readonly [number, number])[]) =>
    pts.map((p, i) => `${i ? 'L' : 'M'}${X(p[0]).toFixed(1)},${Y(p[1]).toFixed(1)}`).join('');
  let svg = head;
  svg += `<rect x="${m.l}" y="${m.t}" width="${W - m.l - m.r}" height="${H - m.t - m.b}" fill="none" stroke="#999"/>\n`;
  for (const t of niceTicks(y0, y1).filter((v) => v >= y0 && v <= y1)) {
    svg +=
      `<line x1="${m.l}" x2="${W - m.r}" y1="${Y(t).toFixed(1)}" y2="${Y(t).toFixed(1)}" stroke="#eee"/><text ` +
      `x="${m.l - 6}" y="${(Y(t) + 4).toFixed(1)}" text-anchor="end">${t}</text>\n`;
  }
  for (const t of niceTicks(s0, s1).filter((v) => Number.isInteger(v) && v >= s0 && v <= s1)) {
    svg += `<text x="${X(t).toFixed(1)}" y="${H - m.b + 16}" text-anchor="middle">${t}</text>\n`;
  }
  svg += `<text x="${(m.l + W - m.r) / 2}" y="${H - 6}" text-anchor="middle">step</text>\n`;
  svg +=
    `<text x="14" y="${(m.t + H - m.b) / 2}" text-anchor="middle" transform="rotate(-90 14 ` +
    `${(m.t + H - m.b) / 2})">${esc(unit)}</text>\n`;
  if (train.length) {
    // raw per-step loss, light; its exponential moving average, dark
    svg += `<path d="${path(train)}" fill="none" stroke="#a9bdd6" stroke-width="1"/>\n`;
    const a = 2 / (Math.max(2, Math.round(train.length / 50)) + 1);
    let ema = train[0]![1];
    const smooth = train.map(([s, v]) => [s, (ema = ema + a * (v - ema))] as const);
    svg += `<path d="${path(smooth)}" fill="none" stroke="#1f497d" stroke-width="1.6"/>\n`;
    // a path of one point draws nothing: mark the points of a very short run
    if (train.length < 3)
      for (const p of train)
        svg += `<circle cx="${X(p[0]).toFixed(1)}" cy="${Y(p[1]).toFixed(1)}" r="2.5" fill="#1f497d"/>\n`;
  }
  if (test.length) {
    svg += `<path d="${path(test)}" fill="none" stroke="#d9541e" stroke-width="1.5"/>\n`;
    for (const p of test)
      svg += `<circle cx="${X(p[0]).toFixed(1)}" cy="${Y(p[1]).toFixed(1)}" r="2.5" fill="#d9541e"/>\n`;
  }
  if (clipped > 0) {
    const fmt = (v: number) => String(Number(v.toPrecision(4)));
    svg += `<line x1="${m.l}" x2="${W - m.r}" y1="${m.t}" y2="${m.t}" stroke="#c00" stroke-dasharray="4 3"/>\n`;
    const what = `clipped: ${clipped} value${clipped > 1 ? 's' : ''} above ${fmt(y1)} (max ${fmt(yMax)})`;
    svg += `<text class="clip" x="${m.l + 4}" y="${m.t + 14}" fill="#c00" font-size="11">${what}</text>\n`;
  }
  svg +=
    `<text x="${W - m.r - 4}" y="${m.t + 16}" text-anchor="end" fill="#1f497d">train loss (moving ` +
    `average)</text>\n`;
  if (test.length)
    svg += `<text x="${W - m.r - 4}" y="${m.t + 32}" text-anchor="end" fill="#d9541e">held-out NLL</text>\n`;
  return svg + '</svg>\n';
}
