// Arguments that mean something only for some values of another (ArgSpec.onlyWhen): spline's `bins`/`bound`
// and the mixture's `k` on `coupling`. Their defaults are filled in only for the type that uses them, and
// writing one for another type is warning FC315 (the value is dropped, so the IR and explain do not show it).
import { describe, expect, it } from 'vitest';
import { checkText } from './helpers.js';
import { compileSource } from '../../compiler/index.js';

const spec = (layer: string) => `model M {
  data x: real[2]
  prior normal
  flow { ${layer} }
}`;

const args = (layer: string) => {
  const { ir, diagnostics } = compileSource(spec(layer), 'test.flow');
  expect(diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
  return ir!.flow![0]!.args as Record<string, unknown>;
};

describe('arguments used only with some types (FC315)', () => {
  it('fills defaults only for the type that uses them', () => {
    const affine = args('coupling(affine, mask: alternate, net: mlp(8))');
    expect(affine).not.toHaveProperty('bins');
    expect(affine).not.toHaveProperty('k');
    const spline = args('coupling(spline, mask: alternate, net: mlp(8))');
    expect(spline.bins).toBeGreaterThanOrEqual(2);
    expect(spline.bound).toBeGreaterThan(0);
    expect(spline).not.toHaveProperty('k');
    const mixture = args('coupling(logistic_mixture, mask: alternate, net: mlp(8), k: 3)');
    expect(mixture.k).toBe(3);
    expect(mixture).not.toHaveProperty('bins');
  });

  it('warns, at the argument, when one is written for a type that ignores it', () => {
    const text = spec('coupling(affine, mask: alternate, net: mlp(8), bins: 4)');
    const d = checkText(text, 'test.flow').diagnostics.filter((x) => x.code === 'FC315');
    expect(d).toHaveLength(1);
    expect(d[0]!.severity).toBe('warning');
    expect(d[0]!.message).toContain('`bins`');
    expect(d[0]!.message).toContain('type: affine');
    expect(text.slice(d[0]!.span.start, d[0]!.span.end)).toBe('bins: 4');
    expect(checkText(spec('coupling(spline, mask: alternate, net: mlp(8), bins: 4)'), 'test.flow').diagnostics).toEqual(
      [],
    );
  });
});
