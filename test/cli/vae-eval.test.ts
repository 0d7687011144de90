// flowc eval on a VAE: prints -ELBO and the importance-weighted NLL; --per-example writes
// two columns per input row (ELBO, then the importance-weighted log-likelihood).
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { fixture, flowc, noTrace, tmp } from './helpers.js';
import { setConfig } from '../../runtime/config.js';

describe('flowc eval on a VAE', () => {
  it('prints -ELBO and the IW estimate, and writes ELBO, IW per row', async () => {
    setConfig({ backend: 'cpu' });
    const dir = tmp('vae');
    const rows = Array.from({ length: 48 }, (_, i) =>
      Array.from({ length: 8 }, (_, j) => (i >> (j % 6)) & 1).join(','),
    );
    const csv = join(dir, 'bits.csv');
    writeFileSync(csv, rows.join('\n') + '\n');
    const run = join(dir, 'run');
    const t = await flowc('train', fixture('vae.flow'), '--data', csv, '--out', run, '--no-pictures');
    expect(t.code, t.err).toBe(0);
    const per = join(dir, 'per.csv');
    const e = await flowc('eval', run, '--data', csv, '--per-example', per);
    expect(e.code, e.err).toBe(0);
    expect(noTrace(e.out + e.err)).toBe(true);
    const negElbo = Number(/-ELBO ([\d.]+)/.exec(e.out)?.[1]);
    const nll = Number(/NLL ([\d.]+)/.exec(e.out)?.[1]);
    expect(Number.isFinite(negElbo) && Number.isFinite(nll)).toBe(true);
    const table = readFileSync(per, 'utf8')
      .trim()
      .split('\n')
      .map((l) => l.split(',').map(Number));
    expect(table).toHaveLength(48);
    for (const r of table) expect(r).toHaveLength(2);
    const mean = (c: number) => table.reduce((a, r) => a + r[c]!, 0) / table.length;
    // the printed figures are the column means, and the bound is below the IW estimate on average
    expect(mean(0)).toBeCloseTo(-negElbo, 3);
    expect(mean(1)).toBeCloseTo(-nll, 3);
    expect(mean(0)).toBeLessThan(mean(1));
  });
});
