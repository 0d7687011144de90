// Labels from a CSV column (issue 14 item 5): `--data FILE.csv?label=COL` or `--label-column COL` on train and
// eval, COL a 0-based index or a header name; the column is removed from x. The labels reach the model: the
// held-out −log p(x | y) with the right labels is far below the one with every label moved to the next class.
// Bad columns and bad labels are one-line errors naming the column or the row, without a stack trace.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { flowc, noTrace, tmp } from './helpers.js';

/** 300 rows: a header, 6 bits with the class y in the middle (column 3, `digit`): bit j likely on iff j mod 3 = y */
function writeData(dir: string, shift = 0): string {
  const rows = ['b0,b1,b2,digit,b3,b4,b5'];
  let s = 11;
  const u = () => (s = (s * 1103515245 + 12345) % 2147483648) / 2147483648;
  for (let i = 0; i < 300; i++) {
    const y = i % 3;
    const bits = Array.from({ length: 6 }, (_, j) => (u() < (j % 3 === y ? 0.95 : 0.05) ? 1 : 0));
    rows.push([...bits.slice(0, 3), (y + shift) % 3, ...bits.slice(3)].join(','));
  }
  const file = join(dir, shift ? `shifted${shift}.csv` : 'x.csv');
  writeFileSync(file, rows.join('\n') + '\n');
  return file;
}

const nllOf = (out: string) => Number(/NLL \(−log p\(x \| y\)\) ([\d.]+) nats/.exec(out)?.[1]);

const SPEC = (condition: string) => `model C {
  data x: binary[6]
${condition}  conditional made(hidden: [16])
  likelihood bernoulli
  train { batch: 50, steps: 150, optimizer: adam(lr: 1e-2) }
}\n`;

describe('labels from a CSV column', () => {
  it('trains with --label-column NAME, evaluates with ?label=INDEX; wrong labels cost more', async () => {
    const dir = tmp('labcol');
    const data = writeData(dir);
    const shifted = writeData(dir, 1);
    const spec = join(dir, 'c.flow');
    writeFileSync(spec, SPEC('  condition y: categorical(3)\n'));
    const run = join(dir, 'run');
    const t = await flowc('train', spec, '--data', data, '--label-column', 'digit', '--out', run, '--no-pictures');
    expect(t.err).toBe('');
    expect(t.code).toBe(0);
    // the run records its source with the column: eval without --data uses the held-out rows and their labels
    const own = await flowc('eval', run);
    expect(own.code).toBe(0);
    expect(nllOf(own.out)).toBeLessThan(2.2);
    const right = await flowc('eval', run, '--data', `${data}?label=3`);
    const wrong = await flowc('eval', run, '--data', shifted, '--label-column', '3');
    expect(right.code).toBe(0);
    expect(wrong.code).toBe(0);
    // 6 bits at 0.95/0.05 given y: ≈ 1.2 nats; the next class's pattern: most of the bits are wrong
    expect(nllOf(right.out)).toBeLessThan(2.2);
    expect(nllOf(wrong.out)).toBeGreaterThan(nllOf(right.out) + 3);

    const bad = join(dir, 'bad.csv');
    const cases: [string[], RegExp][] = [
      [['eval', run, '--data', data, '--label-column', 'klass'], /no column named 'klass' \(its header names 'b0'/],
      [['eval', run, '--data', `${data}?label=7`], /label column 7 does not exist \(columns 0\.\.6\)/],
      [['eval', run, '--data', data, '--label-column', '0', '--labels', data], /from a file or from a column/],
      [['eval', run, '--label-column', '3'], /--label-column COL goes with --data FILE/],
      [['eval', run, '--data', `${join(dir, 'x.npy')}?label=3`], /label=COL names a column of a CSV file/],
      // a label that is not a class is reported with its row (1-based, in the file's order)
      [['eval', run, '--data', `${bad}?label=digit`], /bad\.csv.*: row 2 has the label 1\.5 \(not an integer\)/],
    ];
    writeFileSync(bad, 'b0,b1,b2,digit,b3,b4,b5\n0,0,0,1,0,0,0\n1,1,1,1.5,1,1,1\n');
    for (const [args, msg] of cases) {
      const r = await flowc(...args);
      expect(r.code, args.join(' ')).not.toBe(0);
      expect(r.err).toMatch(msg);
      expect(noTrace(r.err)).toBe(true);
    }
    writeFileSync(bad, 'b0,b1,b2,digit,b3,b4,b5\n0,0,0,1,0,0,0\n1,1,1,2,1,1,1\n0,1,0,3,0,1,0\n');
    const out = await flowc('eval', run, '--data', bad, '--label-column', 'digit');
    expect(out.err).toMatch(/row 3 has the label 3 \(out of range\), but `y` is a class 0\.\.2/);
    // a model without `condition` takes no labels
    const plain = join(dir, 'p.flow');
    writeFileSync(plain, SPEC(''));
    const p = await flowc('train', plain, '--data', data, '--label-column', 'digit', '--out', join(dir, 'p'));
    expect(p.code).not.toBe(0);
    expect(p.err).toMatch(/C has no `condition` declaration, so it takes no labels: a label column \(digit\)/);
    expect(noTrace(p.err)).toBe(true);
  }, 120_000);
});
