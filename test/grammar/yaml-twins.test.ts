// Each specs/*.flow.yaml and its .flow twin produce the identical AST (spans stripped), and
// every LANGUAGE.md example and spec survives .flow → YAML → AST unchanged.
import { existsSync } from 'node:fs';
import { basename } from 'node:path';
import { describe, expect, it } from 'vitest';
import { generateSchema } from '../../compiler/schema.js';
import { parseFlow } from '../../grammar/parse.js';
import { stripSpans } from '../../grammar/strip.js';
import { toFlowYaml } from '../../grammar/to-yaml.js';
import { parseFlowYaml } from '../../grammar/yaml.js';
import { examplesOf, languageBlocks, read, specFiles, where } from './helpers.js';

const schema = generateSchema();
const twins = specFiles('.flow.yaml').map((y) => ({ yaml: y, flow: y.replace(/\.yaml$/, ''), name: basename(y) }));

describe('YAML twins of the spec library', () => {
  it('has at least three twins, including the three named in the issue', () => {
    const names = twins.filter((t) => existsSync(t.flow)).map((t) => t.name);
    expect(names).toEqual(
      expect.arrayContaining(['two_moons.flow.yaml', 'made_mnist.flow.yaml', 'planar_vae.flow.yaml']),
    );
  });

  it.each(twins.filter((t) => existsSync(t.flow)))('$name gives the same AST as its .flow', ({ yaml, flow }) => {
    const y = parseFlowYaml(read(yaml), yaml, schema);
    const f = parseFlow(read(flow), flow);
    expect(where(read(yaml), y.diagnostics)).toEqual([]);
    expect(f.diagnostics).toEqual([]);
    expect(y.value.items.length).toBeGreaterThan(0);
    expect(stripSpans(y.value.items)).toEqual(stripSpans(f.value.items));
  });
});

describe('.flow → YAML → AST round trip', () => {
  const sources = [
    ...languageBlocks()
      .flatMap((b) => examplesOf(b))
      .map((src, i) => ({ name: `LANGUAGE.md #${i + 1}`, src })),
    ...specFiles('.flow').map((p) => ({ name: basename(p), src: read(p) })),
    {
      name: 'every call form',
      src: `let a = [1, -2.5, 1e-3, "s", true, !m, f(), g(1), h(x: 1), k(1, y: [2])]
mask m = [1, 0]
model M {
  data x: discrete(256)[1, 28, 28]
  latent z: categorical(10)[5]
  order [1, 0]
  flow(amortized: true) {
    dequantize(variational) { repeat 2 { coupling(affine, mask: !m) } }
    level { squeeze }
    level(split: false) { squeeze }
    permute(random(seed: 7))
    wrap() { squeeze }
    logit(alpha: -1.5E-3, name: "a\\"b", on: false)
  }
  mask inner = half
  mask both = [1, 0]
  conditional pixelcnn { conv(mask: A, kernel: 7, channels: 64) }
  posterior gaussian
  target energy(u1)
}
`,
    },
  ];
  it.each(sources)('$name', ({ src }) => {
    const f = parseFlow(src, 'a.flow');
    expect(f.diagnostics).toEqual([]);
    const text = toFlowYaml(f.value);
    const y = parseFlowYaml(text, 'a.flow.yaml', {});
    expect(where(text, y.diagnostics), `${text}\n${y.diagnostics.map((d) => d.message).join('\n')}`).toEqual([]);
    expect(stripSpans(y.value.items)).toEqual(stripSpans(f.value.items));
  });

  it('the generated schema accepts the YAML of every spec', () => {
    for (const p of specFiles('.flow')) {
      const text = toFlowYaml(parseFlow(read(p), p).value);
      const y = parseFlowYaml(text, p, schema);
      expect(y.diagnostics.map((d) => `${basename(p)} ${d.code} ${d.message}`)).toEqual([]);
    }
  });
});
