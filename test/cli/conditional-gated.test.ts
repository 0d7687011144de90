// The command line with a class-conditional Gated PixelCNN (issue 14 item 5): trained on 4×4 binary images from a
// CSV with --labels, evaluated as −log p(x | y), sampled with --condition (the class's pattern appears) and
// without it (a PNG grid with one row per class).
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { flowc, tmp } from './helpers.js';

/** 150 images 4×4: pixels of column j are likely on iff j mod 3 = y (the label) */
function writeData(dir: string): void {
  const xs: string[] = [];
  const ys: string[] = [];
  let s = 11;
  const u = () => (s = (s * 1103515245 + 12345) % 2147483648) / 2147483648;
  for (let i = 0; i < 150; i++) {
    const y = i % 3;
    xs.push(Array.from({ length: 16 }, (_, j) => (u() < ((j % 4) % 3 === y ? 0.95 : 0.05) ? 1 : 0)).join(','));
    ys.push(String(y));
  }
  writeFileSync(join(dir, 'x.csv'), xs.join('\n') + '\n');
  writeFileSync(join(dir, 'y.csv'), ys.join('\n') + '\n');
}

/** width and height of a PNG */
const pngSize = (file: string): [number, number] => {
  const b = readFileSync(file);
  return [b.readUInt32BE(16), b.readUInt32BE(20)];
};

describe('flowc with a conditional Gated PixelCNN', () => {
  it('trains with --labels, evaluates −log p(x|y), samples one class or one row per class', async () => {
    const dir = tmp('cond-gated');
    writeData(dir);
    const spec = join(dir, 'g.flow');
    writeFileSync(
      spec,
      `model G {
  data x: binary[1, 4, 4]
  condition y: categorical(3)
  conditional gated_pixelcnn(layers: 2, channels: 8, kernel: 3)
  likelihood bernoulli
  train { batch: 50, steps: 200, optimizer: adam(lr: 1e-2) }
}\n`,
    );
    const run = join(dir, 'run');
    const t = await flowc(
      'train',
      spec,
      '--data',
      join(dir, 'x.csv'),
      '--labels',
      join(dir, 'y.csv'),
      '--out',
      run,
      '--no-pictures',
    );
    expect(t.err).toBe('');
    expect(t.code).toBe(0);
    const e = await flowc('eval', run);
    expect(e.code).toBe(0);
    expect(e.out).toMatch(/NLL \(−log p\(x \| y\)\) [\d.]+ nats/);
    const csv = join(dir, 's.csv');
    const s = await flowc('sample', run, '-n', '60', '--condition', '1', '-o', csv);
    expect(s.code).toBe(0);
    const rows = readFileSync(csv, 'utf8')
      .trim()
      .split('\n')
      .map((r) => r.split(',').map(Number));
    // class 1 turns on column 1 (4 pixels) and mostly nothing else
    const onCol = (c: number) =>
      rows.reduce((a, r) => a + [0, 1, 2, 3].reduce((b, i) => b + r[i * 4 + c]!, 0), 0) / (4 * rows.length);
    expect(onCol(1)).toBeGreaterThan(0.7);
    expect(Math.max(onCol(0), onCol(2), onCol(3))).toBeLessThan(0.3);
    // no --condition: 6 samples of 3 classes → 3 rows of 2 (4·3 px images, 1 px gaps)
    const png = join(dir, 'grid.png');
    expect((await flowc('sample', run, '-n', '6', '-o', png)).code).toBe(0);
    expect(pngSize(png)).toEqual([2 * (4 * 3 + 1) + 1, 3 * (4 * 3 + 1) + 1]);
  }, 120_000);
});
