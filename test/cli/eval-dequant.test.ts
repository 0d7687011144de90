// flowc eval --dequant-samples K on a dequantized flow (x-conditioned variational dequantization with a
// mixture coupling): prints the dequantization bound and the K-sample importance-weighted NLL in nats and
// bits/dim; --per-example writes (bound, IW) per row with IW ≥ bound; a flow without dequantization is refused.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { flowc, noTrace, tmp } from './helpers.js';

const SPEC = `model Dq {
  data x: discrete(4)[2]
  prior normal
  flow {
    dequantize(variational, net: mlp(8), features: 2) {
      coupling(logistic_mixture, k: 2, mask: [1, 0], net: mlp(8))
    }
    logit(alpha: 0.05)
    coupling(spline, bins: 4, bound: 3, mask: [0, 1], net: mlp(8))
  }
  train { batch: 16, steps: 3 }
}
`;

describe('flowc eval --dequant-samples', () => {
  it('prints the bound and the importance-weighted estimate; per-example rows have IW ≥ bound', async () => {
    const dir = tmp('dequant-eval');
    const spec = join(dir, 'dq.flow');
    writeFileSync(spec, SPEC);
    const csv = join(dir, 'x.csv');
    writeFileSync(csv, Array.from({ length: 40 }, (_, i) => `${i % 4},${(i >> 2) % 4}`).join('\n') + '\n');
    const run = join(dir, 'run');
    const t = await flowc('train', spec, '--data', csv, '--out', run, '--no-pictures', '--set', 'backend=cpu');
    expect(t.code, t.err).toBe(0);
    const per = join(dir, 'per.csv');
    const e = await flowc(
      'eval',
      run,
      '--data',
      csv,
      '--dequant-samples',
      '8',
      '--per-example',
      per,
      '--set',
      'backend=cpu',
    );
    expect(e.code, e.err).toBe(0);
    expect(noTrace(e.out + e.err)).toBe(true);
    const bound = /-bound [^\d]*([\d.]+) nats\/example = ([\d.]+) bits\/dim/.exec(e.out);
    const iw = /NLL \(importance-weighted, K=8\) ([\d.]+) nats\/example = ([\d.]+) bits\/dim/.exec(e.out);
    expect(bound, e.out).not.toBeNull();
    expect(iw, e.out).not.toBeNull();
    expect(Number(iw![1])).toBeLessThanOrEqual(Number(bound![1]) + 1e-4);
    expect(Number(iw![2])).toBeCloseTo(Number(iw![1]) / (2 * Math.LN2), 3);
    const table = readFileSync(per, 'utf8')
      .trim()
      .split('\n')
      .map((l) => l.split(',').map(Number));
    expect(table).toHaveLength(40);
    for (const [b, w] of table) expect(w!).toBeGreaterThanOrEqual(b! - 1e-4);
    const mean = (c: number) => table.reduce((a, r) => a + r[c]!, 0) / table.length;
    expect(mean(0)).toBeCloseTo(-Number(bound![1]), 3);
    expect(mean(1)).toBeCloseTo(-Number(iw![1]), 3);
  });

  it('refuses a model that does not dequantize, with the reason', async () => {
    const dir = tmp('dequant-eval-refuse');
    const spec = join(dir, 'r.flow');
    writeFileSync(
      spec,
      'model R {\n  data x: real[2]\n  prior normal\n  flow { coupling(spline, mask: [1, 0], net: mlp(4)) }\n' +
        '  train { data: toy(moons, n: 64), batch: 16, steps: 2 }\n}\n',
    );
    const run = join(dir, 'run');
    expect((await flowc('train', spec, '--out', run, '--no-pictures', '--set', 'backend=cpu')).code).toBe(0);
    const e = await flowc('eval', run, '--dequant-samples', '4', '--set', 'backend=cpu');
    expect(e.code).not.toBe(0);
    expect(e.err).toMatch(/does not dequantize/);
    expect(noTrace(e.out + e.err)).toBe(true);
  });
});
