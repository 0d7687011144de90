// Literal MADE masks (`made(masks: ...)`): checked by the autoregressive proof as written, used by
// lowering instead of the built masks, hidden sizes read off them. Oracles: an independent
// boolean composition of the masks and hand-counted parameters.
import { describe, expect, it } from 'vitest';
import { compileSource } from '../../compiler/index.js';
import type { FlowIR } from '../../compiler/ir/types.js';
import { checkText as checkOnly, errors } from './helpers.js';

const checkText = (text: string, file: string) => checkOnly(text, file, { proofs: true });

/** reach[r][j]: output row r depends on input j (plain boolean matrix products) */
function dependency(masks: number[][][], D: number): boolean[][] {
  let reach: boolean[][] = Array.from({ length: D }, (_, j) => Array.from({ length: D }, (_, k) => j === k));
  for (const M of masks)
    reach = M.map((row) => Array.from({ length: D }, (_, j) => row.some((w, v) => w !== 0 && reach[v]![j]!)));
  return reach;
}

// D = 3, one hidden layer of 4 units, natural order: unit degrees 1, 2, 1, 2
const GOOD = [
  [
    [1, 0, 0],
    [1, 1, 0],
    [1, 0, 0],
    [1, 1, 0],
  ],
  [
    [0, 0, 0, 0],
    [1, 0, 1, 0],
    [1, 1, 1, 1],
  ],
];
const spec = (masks: number[][][], extra = '', likelihood = 'bernoulli', domain = 'binary[3]') => `model M {
  data x: ${domain}
  conditional made(${extra}masks: ${JSON.stringify(masks).replace(/,/g, ', ')})
  likelihood ${likelihood}
}
`;
const conditionalMasks = (ir: FlowIR | undefined): number[][][] => {
  const c = ir?.conditional;
  if (!c || c.kind !== 'made') throw new Error('no made conditional in the IR');
  return c.masks;
};

describe('literal MADE masks', () => {
  it('a correct mask checks clean, and lowering uses it as written', () => {
    const text = spec(GOOD);
    expect(errors(checkText(text, 'good.flow').diagnostics)).toEqual([]);
    const r = compileSource(text, 'good.flow');
    expect(r.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    const masks = conditionalMasks(r.ir);
    expect(masks).toEqual(GOOD);
    const c = r.ir!.conditional!;
    expect(c.kind === 'made' && c.hidden).toEqual([4]);
    // the oracle: output d depends only on inputs j < d
    const dep = dependency(masks, 3);
    dep.forEach((row, d) =>
      row.forEach((on, j) => {
        if (on) expect(j).toBeLessThan(d);
      }),
    );
    expect(dep[2]).toEqual([true, true, false]);
    // parameters: dense 3→4 and 4→3 with biases
    expect(r.ir!.totals.params).toBe(3 * 4 + 4 + 4 * 3 + 3);
  });

  it('an output mask of D rows is replicated per output (categorical K = 4: 4 blocks of 3 rows)', () => {
    const r = compileSource(spec(GOOD, '', 'categorical', 'categorical(4)[3]'), 'cat.flow');
    expect(r.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    const masks = conditionalMasks(r.ir);
    expect(masks[0]).toEqual(GOOD[0]);
    expect(masks[1]).toHaveLength(12);
    for (let p = 0; p < 4; p++) expect(masks[1]!.slice(3 * p, 3 * p + 3)).toEqual(GOOD[1]);
  });

  it('a leaky mask is an FC602 error naming the witness path', () => {
    const leaky = GOOD.map((M) => M.map((r) => [...r]));
    leaky[1]![0] = [0, 1, 0, 0]; // p(x[0]) reads hidden unit 1, which sees x[0] and x[1]
    const { diagnostics } = checkText(spec(leaky), 'leaky.flow');
    const e = errors(diagnostics);
    expect(e.map((d) => d.code)).toEqual(['FC602']);
    expect(e[0]!.message).toContain('reaches p(x[0]) through hidden unit 1 of layer 1');
    expect(e[0]!.message).toMatch(/x\[(0|1)\] reaches/);
    expect(compileSource(spec(leaky), 'leaky.flow').ir).toBeUndefined();
  });

  it('malformed masks and a disagreeing `hidden` are FC603 errors', () => {
    const ragged = [
      [
        [1, 0, 0],
        [1, 1],
      ],
      GOOD[1]!.map((r) => r.slice(0, 2)),
    ];
    expect(errors(checkText(spec(ragged), 'r.flow').diagnostics).map((d) => d.code)).toEqual(['FC603']);
    const rows = [GOOD[0]!, [...GOOD[1]!, [0, 0, 0, 0]]];
    const e = errors(checkText(spec(rows), 'rows.flow').diagnostics);
    expect(e.map((d) => d.code)).toEqual(['FC603']);
    expect(e[0]!.message).toContain('the output mask has 4 rows');
    const h = errors(checkText(spec(GOOD, 'hidden: [5], '), 'h.flow').diagnostics);
    expect(h.map((d) => d.code)).toEqual(['FC603']);
    expect(h[0]!.message).toContain('hidden: [5] disagrees with the masks');
    expect(errors(checkText(spec(GOOD, 'hidden: [4], '), 'h4.flow').diagnostics)).toEqual([]);
  });

  it('entries other than 0 and 1 are rejected by the argument type (FC303)', () => {
    const bad = GOOD.map((M) => M.map((r) => [...r]));
    bad[0]![0]![0] = 2;
    const e = errors(checkText(spec(bad), 'b.flow').diagnostics);
    expect(e.map((d) => d.code)).toEqual(['FC303']);
    expect(e[0]!.message).toContain('is 2, it must be ≥ 0 and ≤ 1');
  });
});
