// Name resolution, argument binding, types, shapes and families through the real front end.
import { describe, expect, it } from 'vitest';
import { checkText, codes, errors } from './helpers.js';
import { checkFile } from '../../compiler/check/index.js';
import { parseFlow } from '../../grammar/parse.js';
import type { FileNode, Span } from '../../grammar/ast.js';
import type { CheckedCall } from '../../compiler/check/model.js';

const flowModel = (body: string, data = 'real[4]', extra = '') => `${extra}
model M {
  data x: ${data}
  prior normal
  flow {
${body}
  }
}`;

describe('argument binding', () => {
  it('binds positional, named, variadic and default arguments, and substitutes lets', () => {
    const { models, diagnostics } = checkText(
      flowModel('    coupling(additive, mask: half, net: mlp(w, 16))', 'real[4]', 'let w = 32'),
    );
    expect(errors(diagnostics)).toEqual([]);
    const c = models[0]!.flow![0]!;
    expect(c.args.type).toBe('additive');
    expect(c.args.scale).toBe('tanh'); // registry default
    expect(c.args.flip).toBe(false);
    const net = c.args.net as CheckedCall;
    expect(net.kind.name).toBe('mlp');
    expect(net.args.hidden).toEqual([32, 16]);
    expect(net.args.activation).toBe('relu');
  });

  it('accepts mlp([8, 8]) as mlp(8, 8), flags like normal(learned), and lets holding calls', () => {
    const { models, diagnostics } = checkText(`let net = mlp([8, 8])
model M {
  data x: real[2]
  prior normal(learned)
  flow { coupling(affine, mask: alternate, net: net) }
}`);
    expect(errors(diagnostics)).toEqual([]);
    expect(models[0]!.prior!.args.learned).toBe(true);
    expect((models[0]!.flow![0]!.args.net as CheckedCall).args.hidden).toEqual([8, 8]);
  });

  it('reports unknown arguments with a suggestion, duplicates, missing and too many positional', () => {
    const { diagnostics } = checkText(
      flowModel('    coupling(affine, affine, mask: half, maks: half, net: mlp(8), net: mlp(4))\n    coupling(affine)'),
    );
    const cs = codes(diagnostics);
    expect(cs).toContain('FC304'); // two positional `affine`, coupling takes one
    const unknown = diagnostics.find((d) => d.code === 'FC202')!;
    expect(unknown.hint).toBe('did you mean `mask`? (`flowc help coupling`, docs/LANGUAGE.md#coupling)');
    expect(cs).toContain('FC206'); // net twice
    expect(diagnostics.filter((d) => d.code === 'FC302').map((d) => d.message)).toEqual([
      '`coupling` needs argument `mask` (a mask)',
      '`coupling` needs argument `net` (a conditioner net)',
    ]);
  });

  it('reports wrong types, ranges, enum typos and bad repeat counts', () => {
    const { diagnostics } = checkText(
      flowModel(`    coupling(affine, mask: half, net: mlp(8), scale: tahn)
    logit(alpha: 0.7)
    logit(alpha: "big")
    repeat 0 { actnorm }
    repeat 2.5 { actnorm }`),
    );
    const byCode = (c: string) => diagnostics.filter((d) => d.code === c);
    expect(byCode('FC301').map((d) => d.hint)).toContain('did you mean `tanh`?');
    expect(byCode('FC303')[0]!.message).toBe('`alpha` of `logit` is 0.7, it must be ≥ 0 and < 0.5');
    expect(byCode('FC301').some((d) => d.message.includes('got "big"'))).toBe(true);
    expect(byCode('FC305')).toHaveLength(2);
  });
});

describe('names', () => {
  it('suggests the closest layer kind and flags kinds used in the wrong place', () => {
    const { diagnostics } = checkText(flowModel('    cuopling(affine, mask: half, net: mlp(8))\n    normal'));
    const unknown = diagnostics.find((d) => d.code === 'FC201')!;
    expect(unknown.message).toBe('unknown flow layer `cuopling`');
    expect(unknown.hint).toBe('did you mean `coupling`?');
    const wrong = diagnostics.find((d) => d.code === 'FC210')!;
    expect(wrong.message).toBe('`normal` is a prior, it cannot be used as a flow layer');
  });

  it('reports duplicate models, lets and masks with the first definition as related', () => {
    const text = `let a = 1
let a = 2
mask m = half
mask m = alternate
model M { data x: real[2] prior normal flow { actnorm } }
model M { data x: real[2] prior normal flow { actnorm } }`;
    const { diagnostics } = checkText(text);
    const dup = diagnostics.filter((d) => ['FC203', 'FC204', 'FC205'].includes(d.code));
    expect(dup.map((d) => d.code)).toEqual(['FC204', 'FC205', 'FC203']);
    for (const d of dup) expect(d.related?.[0]?.message).toMatch(/first defined here/);
    expect(dup[0]!.related![0]!.span.start).toBe(text.indexOf('a'));
  });

  it('reports undefined lets and masks, and recursive lets, without crashing', () => {
    const { diagnostics } = checkText(
      flowModel(
        `    coupling(affine, mask: hlaf, net: mlp(widht))
    coupling(affine, mask: half, net: mlp(r))`,
        'real[4]',
        'let width = 8\nlet r = s\nlet s = r',
      ),
    );
    expect(diagnostics.find((d) => d.code === 'FC208')!.hint).toBe('did you mean `half`?');
    expect(diagnostics.find((d) => d.code === 'FC207')!.hint).toBe('did you mean `width`?');
    expect(codes(diagnostics)).toContain('FC216');
    expect(codes(diagnostics)).not.toContain('FC000');
  });

  it('does not cascade: an unknown layer stops shape inference after it', () => {
    const { diagnostics, models } = checkText(
      flowModel('    squeez\n    squeeze\n    coupling(affine, mask: checkerboard, net: mlp(8))', 'real[1, 3, 3]'),
    );
    expect(codes(diagnostics)).toEqual(['FC201']);
    expect(models[0]!.flow!.map((l) => l.kind.name)).toEqual(['squeeze', 'coupling']);
  });

  it('reports missing and duplicated declarations per family', () => {
    const { diagnostics } = checkText(`model A {
  data x: binary[4]
  data y: binary[4]
  conditional made(hidden: [8])
}`);
    expect(codes(diagnostics)).toEqual(expect.arrayContaining(['FC211', 'FC212']));
    expect(diagnostics.find((d) => d.code === 'FC212')!.message).toBe('autoregressive model `A` has no `likelihood`');
  });
});

describe('shapes and structure', () => {
  it('infers shapes through squeeze, split and level (layers, then squeeze and split)', () => {
    const { models, diagnostics } = checkText(
      flowModel(
        `    level { actnorm }
    level(split: false) { actnorm }
    squeeze`,
        'real[1, 8, 8]',
      ),
    );
    expect(errors(diagnostics)).toEqual([]);
    const f = models[0]!.flow!;
    expect(f.map((l) => `${l.id} ${l.inShape.join('x')}>${l.outShape.join('x')}`)).toEqual([
      'flow.level0.0.actnorm 1x8x8>1x8x8',
      'flow.level0.1.squeeze 1x8x8>4x4x4',
      'flow.level0.2.split 4x4x4>2x4x4',
      'flow.level1.3.actnorm 2x4x4>2x4x4',
      'flow.level1.4.squeeze 2x4x4>8x2x2',
      'flow.5.squeeze 8x2x2>32x1x1',
    ]);
    expect(f[0]!.origin).toEqual(['level 0']);
  });

  it('expands repeat with fresh layers and records the origin', () => {
    const { models } = checkText(flowModel('    repeat 3 { actnorm\n permute(reverse) }'));
    const f = models[0]!.flow!;
    expect(f).toHaveLength(6);
    expect(new Set(f.map((l) => l.id)).size).toBe(6);
    expect(f[5]!.origin).toEqual(['repeat 3 #2']);
  });

  it('reports registry shape rules (odd squeeze, split of one channel) and the final latent shape', () => {
    const odd = checkText(flowModel('    squeeze', 'real[1, 3, 4]'));
    expect(codes(odd.diagnostics)).toEqual(['FC401']);
    const one = checkText(flowModel('    split', 'real[1, 4, 4]'));
    expect(codes(one.diagnostics)).toEqual(['FC402']);
    const lat = checkText(`model M {
  data x: real[4]
  latent z: real[3]
  prior normal
  flow { actnorm }
}`);
    expect(codes(lat.diagnostics)).toEqual(['FC452']);
  });

  it('reports mask problems at the mask argument', () => {
    const text = flowModel(
      '    coupling(affine, mask: [1, 0, 1], net: mlp(8))\n    coupling(affine, mask: checkerboard, net: mlp(8))',
    );
    const { diagnostics } = checkText(text);
    const spans = diagnostics.map((d) => text.slice(d.span.start, d.span.end));
    expect(spans).toEqual(['mask: [1, 0, 1]', 'mask: checkerboard']);
  });

  it('detects the four families', () => {
    const fam = (t: string) => checkText(t).models[0]!.family;
    expect(fam(flowModel('    actnorm'))).toBe('flow');
    expect(fam('model A { data x: binary[4]\n conditional nade(hidden: 8)\n likelihood bernoulli }')).toBe(
      'autoregressive',
    );
    expect(
      fam(
        'model V { data x: binary[4]\n latent z: real[2]\n prior normal\n encoder mlp(8)\n ' +
          'decoder mlp(8)\n likelihood bernoulli }',
      ),
    ).toBe('vae');
    expect(fam('model E { latent z: real[2]\n prior normal\n flow { repeat 2 { planar } }\n target energy(u1) }')).toBe(
      'energy',
    );
  });

  it('resolves orders: natural, reverse, literal and raster default for images', () => {
    const ord = (o: string, data = 'binary[4]') =>
      checkText(`model A {\n data x: ${data}\n ${o}\n conditional nade(hidden: 8)\n likelihood bernoulli\n}`).models[0]!
        .order?.values;
    expect(ord('order natural')).toEqual([0, 1, 2, 3]);
    expect(ord('order reverse')).toEqual([3, 2, 1, 0]);
    expect(ord('order [2, 0, 3, 1]')).toEqual([2, 0, 3, 1]);
    expect(ord('', 'binary[2, 1, 2]')).toEqual([0, 2, 1, 3]);
    const r = ord('order random(seed: 3)')!;
    expect([...r].sort()).toEqual([0, 1, 2, 3]);
  });
});

describe('robustness', () => {
  it(
    'turns an exception inside a check into FC000 on a clean model, and skips the proofs ' + 'on a model with errors',
    () => {
      const boom = {
        name: 'boom',
        run: () => {
          throw new Error('kaput');
        },
      };
      const clean = checkFile(
        parseFlow('model M { data x: real[2]\n prior normal\n flow { actnorm } }', 'c.flow').value,
        { proofs: [boom] },
      );
      expect(clean.diagnostics.map((d) => d.message)).toEqual(['internal compiler error: check `boom` failed: kaput']);
      expect(clean.models).toHaveLength(1);
      let ran = false;
      const spy = {
        name: 'spy',
        run: () => {
          ran = true;
        },
      };
      checkFile(parseFlow('model M { data x: real[2]\n prior normal\n flow { cuopling } }', 'e.flow').value, {
        proofs: [spy],
      });
      expect(ran).toBe(false);
      checkFile(parseFlow('model M { data x: real[2]\n prior normal\n flow { actnorm } }', 'c.flow').value, {
        proofs: [spy],
      });
      expect(ran).toBe(true);
    },
  );

  it('never throws on malformed ASTs; internal failures become FC000 or are skipped', () => {
    const s: Span = { file: 'x.flow', start: 0, end: 1 };
    const bad = {
      kind: 'file',
      comments: [],
      span: s,
      items: [
        null,
        {
          kind: 'model',
          name: { text: 'M', span: s },
          span: s,
          body: [
            {
              kind: 'data',
              name: { text: 'x', span: s },
              type: {
                kind: 'type',
                domain: { text: 'real', span: s },
                domainArgs: [],
                shape: [{ kind: 'number', value: 2, raw: '2', span: s }],
                span: s,
              },
              span: s,
            },
            {
              kind: 'flow',
              args: [],
              span: s,
              body: [
                {
                  kind: 'call',
                  callee: { text: 'coupling', span: s },
                  args: [{ value: { kind: 'list', items: [], span: s }, span: s }],
                  parens: true,
                  span: s,
                },
                { kind: 'repeat', count: { kind: 'ident', name: 'n', span: s }, body: [], span: s },
              ],
            },
            { kind: 'posterior', value: { kind: 'weird' }, span: s },
          ],
        },
      ],
    } as unknown as FileNode;
    expect(() => checkFile(bad)).not.toThrow();
    expect(() => checkFile(undefined as unknown as FileNode)).not.toThrow();
    expect(checkFile(undefined as unknown as FileNode).diagnostics.every((d) => d.code === 'FC000')).toBe(true);
  });
});

describe('checked-model printer', () => {
  it('dumps family, slots, layers with shapes, masks and origin', async () => {
    const { printCheckedModel } = await import('../../compiler/check/print.js');
    const { models } = checkText(`model M {
  data x: real[2]
  prior normal
  flow { repeat 2 { coupling(affine, mask: alternate, flip: true, net: mlp(8)) } }
  train { batch: 16, steps: 10 }
}`);
    const text = printCheckedModel(models[0]!);
    expect(text.split('\n').slice(0, 6)).toEqual([
      'model M (flow)',
      '  data x: real[2]',
      '  prior normal(mean: 0, std: 1, learned: false)',
      '  flow (2 layers)',
      '    flow.0.coupling  coupling(type: affine, net: mlp(hidden: [8], activation: relu, zero_init: true), ' +
        'scale: tanh, flip: true)  [2] → [2]  mask 10  (repeat 2 #0)',
      '    flow.1.coupling  coupling(type: affine, net: mlp(hidden: [8], activation: relu, zero_init: true), ' +
        'scale: tanh, flip: true)  [2] → [2]  mask 01  (repeat 2 #1)',
    ]);
    expect(text).toMatch(/ {2}train batch: 16, steps: 10, optimizer: adam\(lr: 0\.001/);
  });
});
