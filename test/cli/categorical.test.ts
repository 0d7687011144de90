// flowc on a Categorical Normalizing Flow: train logs the decoder's accuracy at each evaluation; eval prints the
// bound and the importance-weighted estimate in nats and bits per category and writes `bound, IW` per row;
// sample decodes by argmax or by drawing (--decode), which other models refuse.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { fixture, flowc, noTrace, tmp } from './helpers.js';
import { setConfig } from '../../runtime/config.js';

describe('flowc on dequantize(categorical)', () => {
  it('trains, evaluates (bound, IW, bits per category), samples with --decode', async () => {
    setConfig({ backend: 'cpu' });
    const dir = tmp('categorical');
    const run = join(dir, 'run');
    const t = await flowc(
      'train',
      fixture('categorical.flow'),
      '--out',
      run,
      '--no-pictures',
      '--eval-every',
      '10',
      '--eval-seconds',
      '0',
    );
    expect(t.code, t.err).toBe(0);
    expect(t.out + t.err).toMatch(/held-out NLL [\d.]+ nats \([\d.]+ bits\/dim\).* · decoder accuracy [\d.]+%/);
    const metrics = readFileSync(join(run, 'metrics.jsonl'), 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    const acc = metrics.filter((m) => m.decoder_accuracy !== undefined).map((m) => m.decoder_accuracy as number);
    expect(acc.length).toBeGreaterThanOrEqual(2);
    for (const a of acc) expect(a).toBeGreaterThan(0.3);

    const per = join(dir, 'per.csv');
    const e = await flowc('eval', run, '--per-example', per, '--iw-samples', '50');
    expect(e.code, e.err).toBe(0);
    expect(noTrace(e.out + e.err)).toBe(true);
    const bound =
      /-bound .* ([\d.]+) nats\/example = ([\d.]+) bits\/category; importance-weighted estimate \(k=50\)/.exec(e.out);
    const nll = /NLL ([\d.]+) nats\/example = ([\d.]+) bits\/category/.exec(e.out);
    expect(bound, e.out).not.toBeNull();
    expect(nll, e.out).not.toBeNull();
    expect(Number(bound![2])).toBeCloseTo(Number(bound![1]) / (3 * Math.LN2), 3);
    const table = readFileSync(per, 'utf8')
      .trim()
      .split('\n')
      .map((l) => l.split(',').map(Number));
    expect(table.length).toBe(24); // the 10% hold-out of 240 permutations
    for (const r of table) expect(r).toHaveLength(2);
    const mean = (c: number) => table.reduce((a, r) => a + r[c]!, 0) / table.length;
    expect(mean(0)).toBeCloseTo(-Number(bound![1]), 3);
    expect(mean(1)).toBeCloseTo(-Number(nll![1]), 3);
    expect(mean(0)).toBeLessThan(mean(1)); // the bound is below the IW estimate on average

    for (const decode of ['argmax', 'sample']) {
      const out = join(dir, `s-${decode}.csv`);
      const s = await flowc('sample', run, '-n', '20', '-o', out, '--decode', decode);
      expect(s.code, s.err).toBe(0);
      const rows = readFileSync(out, 'utf8')
        .trim()
        .split('\n')
        .map((l) => l.split(',').map(Number));
      expect(rows).toHaveLength(20);
      for (const r of rows) for (const v of r) expect([0, 1, 2]).toContain(v);
    }
    const bad = await flowc('sample', run, '-n', '2', '-o', join(dir, 'x.csv'), '--decode', 'mode');
    expect(bad.code).toBe(2);
  }, 120_000);

  it('--decode and --iw-samples on other models are usage errors with the reason', async () => {
    setConfig({ backend: 'cpu' });
    const dir = tmp('categorical-other');
    const c = await flowc('compile', fixture('flow2d.flow'), '-o', dir);
    expect(c.code, c.err).toBe(0);
    const ir = join(
      dir,
      readdirSync(dir).find((f) => f.endsWith('.flowir.json'))!,
    );
    const s = await flowc('sample', ir, '-n', '2', '-o', join(dir, 'x.csv'), '--decode', 'sample');
    expect(s.code).toBe(2);
    expect(s.err).toMatch(/--decode applies to flows that start with dequantize\(categorical\)/);
    const e = await flowc('eval', ir, '--data', 'toy:moons?n=50', '--iw-samples', '5');
    expect(e.code).toBe(2);
    expect(e.err).toMatch(/--iw-samples applies to VAEs and flows that start with dequantize\(categorical\)/);
    expect(noTrace(s.err + e.err)).toBe(true);
  });
});
