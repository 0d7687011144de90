// The latent-interpolation picture for 2-D flows: left, the latent space with the prior density
// and the interpolation paths as drawn there (straight for linear interpolation); right, the data
// space with the model density and the same paths decoded by the inverse flow. Each pair has its
// colour; its two real examples are the large dots, the decoded steps the small ones.
import * as tf from '@tensorflow/tfjs-core';
import type { FlowIR } from '../../compiler/ir/types.js';
import type { FlowModel } from '../model.js';
import type { Prior } from '../priors.js';
import type { Canvas } from './canvas.js';
import { boundsOf, gridPoints, heatPanel, toPixel } from './density.js';
import { renderFigure, type Bounds, type Panel } from './figure.js';
import { logProbRows } from './model-pictures.js';

export const PATH_COLOURS = [
  [255, 255, 255],
  [255, 127, 14],
  [214, 39, 40],
  [227, 119, 194],
  [23, 190, 207],
  [188, 189, 34],
];

/** the union of two square views */
function union(a: Bounds, b: Bounds): Bounds {
  const x0 = Math.min(a.x0, b.x0),
    x1 = Math.max(a.x1, b.x1),
    y0 = Math.min(a.y0, b.y0),
    y1 = Math.max(a.y1, b.y1);
  const half = Math.max(x1 - x0, y1 - y0) / 2;
  return { x0: (x0 + x1) / 2 - half, x1: (x0 + x1) / 2 + half, y0: (y0 + y1) / 2 - half, y1: (y0 + y1) / 2 + half };
}

/** draws `pairs` polylines of `steps` 2-D points each (row-major [pair, step, 2]) over a panel */
function drawPaths(
  canvas: Canvas,
  ox: number,
  oy: number,
  size: number,
  b: Bounds,
  pts: Float32Array,
  pairs: number,
  steps: number,
): void {
  for (let p = 0; p < pairs; p++) {
    const rgb = PATH_COLOURS[p % PATH_COLOURS.length]!;
    const at = (k: number) => toPixel(b, ox, oy, size, pts[(p * steps + k) * 2]!, pts[(p * steps + k) * 2 + 1]!);
    for (let k = 0; k + 1 < steps; k++) {
      const [x0, y0] = at(k);
      const [x1, y1] = at(k + 1);
      canvas.line(x0, y0, x1, y1, rgb);
    }
    for (let k = 0; k < steps; k++) {
      const [x, y] = at(k);
      const end = k === 0 || k === steps - 1;
      if (end) canvas.dot(x, y, 4, [0, 0, 0]);
      canvas.dot(x, y, end ? 3 : 1, rgb);
    }
  }
}

/** keeps a panel's drawing, then draws the paths over it (clipped to the plot area) */
function withPaths(panel: Panel, pts: Float32Array, pairs: number, steps: number): Panel {
  return {
    ...panel,
    draw(canvas, ox, oy, size) {
      panel.draw(canvas, ox, oy, size);
      const inside = new Float32Array(pts.length);
      const { x0, x1, y0, y1 } = panel.bounds;
      for (let i = 0; i < pts.length; i += 2) {
        inside[i] = Math.min(x1, Math.max(x0, pts[i]!));
        inside[i + 1] = Math.min(y1, Math.max(y0, pts[i + 1]!));
      }
      drawPaths(canvas, ox, oy, size, panel.bounds, inside, pairs, steps);
    },
  };
}

/**
 * z: the latent paths [pairs·steps, 2]; x: the decoded paths [pairs·steps, 2]; data: real rows
 * that set the data-space view.
 */
export function interpolationPicture(
  model: FlowModel,
  ir: FlowIR,
  data: Float32Array,
  z: Float32Array,
  x: Float32Array,
  pairs: number,
  steps: number,
  G = 100,
  cell = 3,
): Buffer {
  const zb = union(boundsOf(z), { x0: -3, x1: 3, y0: -3, y1: 3 });
  const xb = union(boundsOf(data), boundsOf(x));
  const prior = (model as { prior?: Prior }).prior;
  const zg = gridPoints(zb, G);
  const zlp = prior
    ? logProbRows(model, ir, zg, G * G, 1024, (t) => prior.logProb(t as tf.Tensor2D))
    : zg
        .filter((_, i) => i % 2 === 0)
        .map((_, i) => -0.5 * (zg[2 * i]! ** 2 + zg[2 * i + 1]! ** 2) - Math.log(2 * Math.PI));
  const xlp = logProbRows(model, ir, gridPoints(xb, G), G * G);
  return renderFigure(
    [
      withPaths(heatPanel('latent z: prior density', zlp, G, zb, { label: 'p(z)' }), z, pairs, steps),
      withPaths(heatPanel('data x: model density', xlp, G, xb, { label: 'p(x)' }), x, pairs, steps),
    ],
    G * cell,
  );
}
