// The command line for issue 14 items 4–5: a conditional MADE trained on a CSV with --labels, evaluated as
// −log p(x | y), sampled per class with --condition; an order-agnostic MADE evaluated with --eval-ensemble.
// Usage errors are one line without a stack trace.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { flowc, noTrace, tmp } from './helpers.js';

/** 300 rows of 6 bits: bit j is likely on iff j mod 3 = y (the label) */
function writeData(dir: string): void {
  const xs: string[] = [];
  const ys: string[] = [];
  let s = 7;
  const u = () => (s = (s * 1103515245 + 12345) % 2147483648) / 2147483648;
  for (let i = 0; i < 300; i++) {
    const y = i % 3;
    xs.push(Array.from({ length: 6 }, (_, j) => (u() < (j % 3 === y ? 0.95 : 0.05) ? 1 : 0)).join(','));
    ys.push(String(y));
  }
  writeFileSync(join(dir, 'x.csv'), xs.join('\n') + '\n');
  writeFileSync(join(dir, 'y.csv'), ys.join('\n') + '\n');
}

describe('flowc with a conditional model', () => {
  it('trains with --labels, evaluates −log p(x|y), samples a class with --condition', async () => {
    const dir = tmp('cond');
    writeData(dir);
    const spec = join(dir, 'c.flow');
    writeFileSync(
      spec,
      `model C {
  data x: binary[6]
  condition y: categorical(3)
  conditional made(hidden: [16], orders: 2, ensemble: 2)
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
    const nll = Number(/NLL \(−log p\(x \| y\)\) ([\d.]+) nats/.exec(e.out)?.[1]);
    // 6 independent bits at 0.95/0.05 given y: entropy 6·H(0.05) ≈ 1.19 nats; uniform would be 4.16
    expect(nll).toBeLessThan(2.2);
    const one = await flowc('eval', run, '--eval-ensemble', '1');
    expect(one.out).toMatch(/ensemble of 1 mask set/);
    const out = join(dir, 's.csv');
    const s = await flowc('sample', run, '-n', '40', '--condition', '2', '-o', out);
    expect(s.code).toBe(0);
    const { readFileSync } = await import('node:fs');
    const rows = readFileSync(out, 'utf8')
      .trim()
      .split('\n')
      .map((r) => r.split(',').map(Number));
    // class 2 turns on bits 2 and 5 and (mostly) nothing else
    const on = [0, 1, 2, 3, 4, 5].map((j) => rows.reduce((a, r) => a + r[j]!, 0) / rows.length);
    expect(on[2]! + on[5]!).toBeGreaterThan(1.4);
    expect(on[0]! + on[1]! + on[3]! + on[4]!).toBeLessThan(0.8);
    for (const [args, msg] of [
      [['sample', run, '-n', '2', '--condition', '5', '-o', out], /--condition 5: `y` is a class 0..2/],
      [
        ['eval', run, '--data', join(dir, 'x.csv')],
        /conditioned on `y`; .* has no labels \(pass --labels FILE, or --label-column COL/,
      ],
      [['eval', run, '--labels', join(dir, 'y.csv')], /--labels LABELS goes with --data FILE/],
      [['eval', run, '--eval-ensemble', '3'], /--eval-ensemble 3: the run trained 2 mask sets/],
    ] as const) {
      const r = await flowc(...args);
      expect(r.code).not.toBe(0);
      expect(r.err).toMatch(msg);
      expect(noTrace(r.err)).toBe(true);
    }
  }, 120_000);
});
