// Pictures a reader understands without the code: the PNG figures carry their titles, tick labels
// and colour bar as pixels. The words are found by matching the font's own rendering of them
// in the picture (an exact bitmap search), so a missing or misplaced label fails.
import { PNG } from 'pngjs';
import { describe, expect, it } from 'vitest';
import { Canvas, viridis } from '../../runtime/pictures/canvas.js';
import { boundsOf, densityPicture, gridPoints, twoDensityPicture } from '../../runtime/pictures/density.js';
import { layoutOf, niceTicks, tickLabel } from '../../runtime/pictures/figure.js';
import { drawText, hasGlyph } from '../../runtime/pictures/font.js';
import { dark, findText } from '../support/find-text.js';

describe('bitmap font', () => {
  it('has a distinct glyph for every printable ASCII character', () => {
    const seen = new Map<string, string>();
    for (let k = 32; k < 127; k++) {
      const ch = String.fromCharCode(k);
      if (!hasGlyph(ch)) continue;
      const c = new Canvas(8, 12);
      drawText(c, 1, 1, ch);
      const key = Array.from({ length: 96 }, (_, i) => (dark(c, i % 8, Math.floor(i / 8)) ? 1 : 0)).join('');
      expect(seen.get(key), `${ch} looks like ${seen.get(key)}`).toBeUndefined();
      seen.set(key, ch);
    }
    expect(seen.size).toBeGreaterThanOrEqual(85);
  });
  it('tick labels are short and free of float noise', () => {
    expect(tickLabel(0.30000000000000004)).toBe('0.3');
    expect(tickLabel(-1.5)).toBe('-1.5');
    expect(tickLabel(2e-5)).toBe('2.0e-5');
    expect(niceTicks(-1.2, 2.3)).toEqual([-1, 0, 1, 2]);
  });
});

describe('density.png', () => {
  const G = 60;
  const b = { x0: -2, x1: 2, y0: -2, y1: 2 };
  const pts = gridPoints(b, G);
  const lp = new Float32Array(G * G).map(
    (_, i) => -0.5 * (pts[2 * i]! ** 2 + pts[2 * i + 1]! ** 2) - Math.log(2 * Math.PI),
  );
  const data = new Float32Array([0, 0, 1, 1, -1, 0.5]);

  it('titles the panels "model density" and "training data", over their plot areas', () => {
    const png = PNG.sync.read(densityPicture(lp, G, data, b, 3));
    const L = layoutOf([{ colourBar: { max: 1, label: '' } } as never, {} as never], G * 3);
    expect(png.width).toBe(L.width);
    const model = findText(png, 'model density', 2);
    const train = findText(png, 'training data', 2);
    expect(model.length).toBe(1);
    expect(train.length).toBe(1);
    expect(model[0]!.y).toBeLessThan(L.origins[0]!.y);
    expect(model[0]!.x).toBeGreaterThan(L.origins[0]!.x - 20);
    expect(train[0]!.x).toBeGreaterThan(L.origins[1]!.x - 20);
  });

  it('labels the axes in data coordinates and has a colour bar from 0 to max p(x)', () => {
    const png = PNG.sync.read(densityPicture(lp, G, data, b, 3));
    const L = layoutOf([{ colourBar: { max: 1, label: '' } } as never, {} as never], G * 3);
    const { x: ox, y: oy } = L.origins[0]!;
    const size = G * 3;
    // x ticks −2 … 2 below both panels, y ticks left of them
    for (const t of ['-2', '-1']) {
      const below = findText(png, t).filter((p) => p.y > oy + size);
      expect(below.length, `x tick ${t}`).toBe(2);
    }
    const yTicks = findText(png, '-1').filter((p) => p.x < ox && p.y > oy && p.y < oy + size);
    expect(yTicks.length).toBe(1);
    expect(yTicks[0]!.y).toBeGreaterThan(oy + size * 0.7); // −1 is in the lower part
    // the colour bar: top = viridis(1), bottom = viridis(0), its peak density 1/(2π) ≈ 0.159 labelled by ticks ≤ it
    const bx = ox + size + 8 + 6;
    const at = (x: number, y: number) => {
      const i = (y * png.width + x) * 4;
      return Array.from(png.data.subarray(i, i + 3));
    };
    expect(at(bx, oy)).toEqual(viridis(1));
    expect(at(bx, oy + size - 1)).toEqual(viridis(0));
    expect(findText(png, '0.15').length).toBe(1); // ticks 0, 0.05, 0.1, 0.15
    expect(findText(png, '0.2').length).toBe(0);
    expect(findText(png, 'p(x)').length).toBe(0); // drawn vertically: not found as horizontal text
  });

  it('energy pictures say which side is the target exp(−U)', () => {
    const png = PNG.sync.read(twoDensityPicture(lp, lp, G, 3));
    expect(findText(png, 'target exp(-U)', 2).length).toBe(1);
    const s = (t: string) => findText(png, t, 2).length + findText(png, t, 1).length;
    expect(s('model samples (histogram)')).toBe(1); // scale 1 where scale 2 would not fit
  });

  it('bounds of real data give a labelled square view', () => {
    expect(boundsOf(data).x1).toBeGreaterThan(1);
  });
});
