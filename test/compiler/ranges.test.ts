// Exclusive bounds on number arguments (ArgType exclusiveMax): `logit(alpha)` needs 0 ≤ α < 0.5,
// in the .flow form (checker) and in the YAML form (the generated JSON Schema), and the YAML
// schema's `level` arguments.
import { describe, expect, it } from 'vitest';
import { checkSource } from '../../compiler/index.js';
import { generateSchema } from '../../compiler/schema.js';

const flow = (alpha: string) => `model L {
  data x: real[4]
  prior normal
  flow {
    logit(${alpha})
    actnorm
  }
}
`;
const yaml = (alpha: string) => `models:
  L:
    data: { x: "real[4]" }
    prior: normal
    flow:
      - logit: { alpha: ${alpha} }
      - actnorm
`;
const errs = (text: string, file: string) => checkSource(text, file).diagnostics.filter((d) => d.severity === 'error');

describe('logit(alpha) range 0 ≤ α < 0.5', () => {
  it('accepts 0 and 0.49, rejects 0.5 and above, and says the bound is exclusive', () => {
    expect(errs(flow('0'), 'a.flow')).toEqual([]);
    expect(errs(flow('0.49'), 'a.flow')).toEqual([]);
    for (const a of ['0.5', '0.7']) {
      const e = errs(flow(a), 'a.flow');
      expect(e.map((d) => d.code)).toEqual(['FC303']);
      expect(e[0]!.message).toContain(`is ${a}, it must be ≥ 0 and < 0.5`);
    }
    expect(errs(flow('alpha: -0.1'), 'a.flow').map((d) => d.code)).toEqual(['FC303']);
  });

  it('the YAML form rejects α = 0.5 too (exclusiveMaximum in the schema)', () => {
    expect(errs(yaml('0.25'), 'a.flow.yaml')).toEqual([]);
    const e = errs(yaml('0.5'), 'a.flow.yaml');
    expect(e.length).toBeGreaterThan(0);
    expect(e[0]!.span.start).toBe(yaml('0.5').indexOf('0.5'));
    const text = JSON.stringify(generateSchema());
    expect(text).toContain('"exclusiveMaximum":0.5');
  });

  it('the YAML schema takes level(squeeze, split) arguments and refuses unknown ones', () => {
    const level = (args: string) => `models:
  G:
    data: { x: "real[4, 8, 8]" }
    prior: normal
    flow:
      - level: { ${args}body: [actnorm] }
`;
    expect(errs(level('squeeze: true, split: false, '), 'g.flow.yaml')).toEqual([]);
    const r = checkSource(level('split: false, '), 'g.flow.yaml');
    expect(r.models[0]!.flow!.map((l) => l.kind.name)).toEqual(['actnorm', 'squeeze']);
    expect(errs(level('split: 3, '), 'g.flow.yaml').length).toBeGreaterThan(0);
    expect(errs(level('splitt: false, '), 'g.flow.yaml')[0]!.message).toContain("unknown key 'splitt'");
  });
});
