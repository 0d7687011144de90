// MADE specifics: the compiler's output masks, already replicated for P outputs per dimension
// (rows p·D + d), give the same network as the D-row masks replicated at run time.
import { beforeAll, describe, expect, it } from 'vitest';
import { madeMasks } from '../../compiler/lower-parts.js';
import { buildMadeMasks } from '../../compiler/proofs/made.js';
import { build, paramsHost, useCpu } from './helpers.js';
import { Rng } from '../../runtime/rng.js';

beforeAll(useCpu);

describe('MADE masks from the compiler', () => {
  it('expanded (P·D rows) and plain (D rows) output masks give identical parameters', () => {
    const order = [3, 1, 0, 4, 2];
    const hidden = [9, 7];
    const base = {
      domain: { kind: 'discrete' as const, K: 3 },
      shape: [5],
      order,
      likelihood: { kind: 'categorical' as const, K: 3 },
      seed: 21,
    };
    const plain = buildMadeMasks({ order, hidden, connectivity: { random: 4 } });
    const expanded = madeMasks(order, hidden, { random: 4 }, 3);
    expect(expanded[2]!.length).toBe(15);
    const a = build({ ...base, conditional: { kind: 'made', hidden, activation: 'relu', masks: plain, ensemble: 1 } });
    const b = build({
      ...base,
      conditional: { kind: 'made', hidden, activation: 'relu', masks: expanded, ensemble: 1 },
    });
    const rng = new Rng(2);
    const x = Float32Array.from({ length: 4 * 5 }, () => Math.floor(rng.uniform() * 3));
    const pa = paramsHost(a, x);
    expect(Array.from(pa)).toEqual(Array.from(paramsHost(b, x)));
    expect(pa.some((v) => v !== 0)).toBe(true);
    a.dispose();
    b.dispose();
  });
  it('rejects masks that do not fit the hidden sizes', () => {
    const masks = buildMadeMasks({ order: [0, 1, 2], hidden: [4], connectivity: 'sequential' });
    expect(() =>
      build({
        domain: { kind: 'binary' },
        shape: [3],
        order: [0, 1, 2],
        likelihood: { kind: 'bernoulli' },
        conditional: { kind: 'made', hidden: [5], activation: 'relu', masks, ensemble: 1 },
      }),
    ).toThrow(/mask 0/);
  });
});
