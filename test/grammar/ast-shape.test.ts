// The AST the parser builds: node kinds, values and spans, checked against hand-written trees.
import { describe, expect, it } from 'vitest';
import type { FileNode, ModelDecl, Span } from '../../grammar/ast.js';
import { parseFlow } from '../../grammar/parse.js';
import { printAst } from '../../grammar/print.js';
import { stripSpans } from '../../grammar/strip.js';

function parseClean(src: string): FileNode {
  const r = parseFlow(src, 't.flow');
  expect(r.diagnostics.map((d) => `${d.code} ${d.message}`)).toEqual([]);
  return r.value;
}
const model = (f: FileNode, i = 0): ModelDecl => f.items.filter((x): x is ModelDecl => x.kind === 'model')[i];
const text = (src: string, s: Span): string => src.slice(s.start, s.end);

/** every object with a span in the tree */
function spans(node: unknown, out: { kind: string; span: Span }[] = []): { kind: string; span: Span }[] {
  if (Array.isArray(node)) node.forEach((n) => spans(n, out));
  else if (node && typeof node === 'object') {
    const o = node as Record<string, unknown>;
    if (o.span) out.push({ kind: String(o.kind ?? 'name/arg'), span: o.span as Span });
    for (const [k, v] of Object.entries(o)) if (k !== 'span') spans(v, out);
  }
  return out;
}

describe('AST shape', () => {
  it('builds the two-moons model', () => {
    const src = `let width = 64
model TwoMoons {
  data x: real[2]
  prior normal // base
  flow {
    repeat 8 {
      coupling(affine, mask: alternate, flip: true, net: mlp(width, width), scale: tanh)
    }
  }
  train { data: toy(moons, noise: 0.05), batch: 512, steps: 5000, optimizer: adam(lr: 1e-3) }
}
`;
    const f = parseClean(src);
    expect(stripSpans(f.items[0])).toEqual({
      kind: 'let',
      name: { text: 'width' },
      value: { kind: 'number', value: 64, raw: '64' },
    });
    const m = model(f);
    expect(m.name.text).toBe('TwoMoons');
    expect(m.body.map((s) => s.kind)).toEqual(['data', 'prior', 'flow', 'train']);
    expect(stripSpans(m.body[0])).toEqual({
      kind: 'data',
      name: { text: 'x' },
      type: { kind: 'type', domain: { text: 'real' }, domainArgs: [], shape: [{ kind: 'number', value: 2, raw: '2' }] },
    });
    expect(stripSpans(m.body[1])).toEqual({
      kind: 'prior',
      value: { kind: 'call', callee: { text: 'normal' }, args: [], parens: false },
    });
    const flow = m.body[2];
    if (flow.kind !== 'flow') throw new Error('flow');
    const rep = flow.body[0];
    if (rep.kind !== 'repeat') throw new Error('repeat');
    expect(stripSpans(rep.count)).toEqual({ kind: 'number', value: 8, raw: '8' });
    expect(stripSpans(rep.body[0])).toEqual({
      kind: 'call',
      callee: { text: 'coupling' },
      parens: true,
      args: [
        { value: { kind: 'ident', name: 'affine' } },
        { name: { text: 'mask' }, value: { kind: 'ident', name: 'alternate' } },
        { name: { text: 'flip' }, value: { kind: 'bool', value: true } },
        {
          name: { text: 'net' },
          value: {
            kind: 'call',
            callee: { text: 'mlp' },
            parens: true,
            args: [{ value: { kind: 'ident', name: 'width' } }, { value: { kind: 'ident', name: 'width' } }],
          },
        },
        { name: { text: 'scale' }, value: { kind: 'ident', name: 'tanh' } },
      ],
    });
    const train = m.body[3];
    if (train.kind !== 'train') throw new Error('train');
    expect(train.entries.map((e) => e.name?.text)).toEqual(['data', 'batch', 'steps', 'optimizer']);
    expect(stripSpans(train.entries[3].value)).toEqual({
      kind: 'call',
      callee: { text: 'adam' },
      parens: true,
      args: [{ name: { text: 'lr' }, value: { kind: 'number', value: 0.001, raw: '1e-3' } }],
    });
    expect(f.comments.map((c) => c.text)).toEqual(['// base']);
    expect(text(src, f.comments[0].span)).toBe('// base');
  });

  it('gives every node a span that covers exactly its source text', () => {
    const src = `mask cb = checkerboard
model M {
  data x: discrete(256)[1, 28, 28]
  latent z: real[40]
  order raster(channels: sequential)
  conditional pixelcnn {
    conv(mask: A, kernel: 7, channels: 64)
    repeat 7 { conv(mask: B, kernel: 3) }
  }
  posterior flow(amortized: true) { repeat 16 { planar } }
  flow { level(k: 2) { squeeze; split(prior: fixed) } coupling(affine, mask: !cb) }
}
`;
    const f = parseClean(src);
    const m = model(f);
    expect(text(src, m.span)).toBe(src.slice(src.indexOf('model M'), src.lastIndexOf('}') + 1));
    expect(m.body.map((s) => text(src, s.span))).toEqual([
      'data x: discrete(256)[1, 28, 28]',
      'latent z: real[40]',
      'order raster(channels: sequential)',
      'conditional pixelcnn {\n    conv(mask: A, kernel: 7, channels: 64)\n    repeat 7 { conv(mask: B, kernel: 3) ' +
        '}\n  }',
      'posterior flow(amortized: true) { repeat 16 { planar } }',
      'flow { level(k: 2) { squeeze; split(prior: fixed) } coupling(affine, mask: !cb) }',
    ]);
    const all = spans(f);
    expect(all.length).toBeGreaterThan(40);
    for (const { kind, span } of all) {
      expect(span.file).toBe('t.flow');
      if (kind === 'file') continue;
      expect(0 <= span.start && span.start < span.end && span.end <= src.length).toBe(true);
      // no span starts or ends in whitespace
      expect(text(src, span)).toBe(text(src, span).trim());
    }
    const cond = m.body[3];
    if (cond.kind !== 'conditional') throw new Error('conditional');
    expect(cond.value.body?.map((s) => text(src, s.span))).toEqual([
      'conv(mask: A, kernel: 7, channels: 64)',
      'repeat 7 { conv(mask: B, kernel: 3) }',
    ]);
    const x = m.body[0];
    if (x.kind !== 'data') throw new Error('data');
    expect(text(src, x.type.span)).toBe('discrete(256)[1, 28, 28]');
    expect(x.type.domainArgs.map((a) => text(src, a.span))).toEqual(['256']);
    expect(x.type.shape.map((e) => (e.kind === 'number' ? e.value : NaN))).toEqual([1, 28, 28]);
    const post = m.body[4];
    expect(post.kind === 'posterior' && post.value.kind).toBe('flow');
    const flow = m.body[5];
    if (flow.kind !== 'flow') throw new Error('flow');
    expect(flow.body.map((s) => s.kind)).toEqual(['level', 'call']);
    const lvl = flow.body[0];
    expect(lvl.kind === 'level' && lvl.args.map((a) => text(src, a.span))).toEqual(['k: 2']);
    expect(lvl.kind === 'level' && lvl.body.map((s) => text(src, s.span))).toEqual(['squeeze', 'split(prior: fixed)']);
    const coupling = flow.body[1];
    expect(coupling.kind === 'call' && stripSpans(coupling.args[1].value)).toEqual({
      kind: 'not',
      operand: { kind: 'ident', name: 'cb' },
    });
  });

  it('reads numbers, strings, lists and keywords used as names', () => {
    const src = `let a = -1
let b = 2.5E+4
let c = .5e-2
let s = "a\\"b\\n"
let q = 'single'
let l = [1, 0, 0, 1,]
let e = []
let f = false
let o = foo(order, data: 1, mask: !!m)
`;
    const f = parseClean(src);
    const v = f.items.map((i) => (i.kind === 'let' ? stripSpans(i.value) : undefined));
    expect(v[0]).toEqual({ kind: 'number', value: -1, raw: '-1' });
    expect(v[1]).toEqual({ kind: 'number', value: 25000, raw: '2.5E+4' });
    expect(v[2]).toEqual({ kind: 'number', value: 0.005, raw: '.5e-2' });
    expect(v[3]).toEqual({ kind: 'string', value: 'a"b\n' });
    expect(v[4]).toEqual({ kind: 'string', value: 'single' });
    expect(v[5]).toEqual({
      kind: 'list',
      items: [1, 0, 0, 1].map((n) => ({ kind: 'number', value: n, raw: String(n) })),
    });
    expect(v[6]).toEqual({ kind: 'list', items: [] });
    expect(v[7]).toEqual({ kind: 'bool', value: false });
    expect(v[8]).toEqual({
      kind: 'call',
      callee: { text: 'foo' },
      parens: true,
      args: [
        { value: { kind: 'ident', name: 'order' } },
        { name: { text: 'data' }, value: { kind: 'number', value: 1, raw: '1' } },
        {
          name: { text: 'mask' },
          value: { kind: 'not', operand: { kind: 'not', operand: { kind: 'ident', name: 'm' } } },
        },
      ],
    });
  });

  it('collects line and block comments in order', () => {
    const src = '/* head\n spans lines */ let a = 1 // tail\n// last';
    const f = parseClean(src);
    expect(f.comments.map((c) => text(src, c.span))).toEqual(['/* head\n spans lines */', '// tail', '// last']);
    expect(f.comments.map((c) => c.text)).toEqual(['/* head\n spans lines */', '// tail', '// last']);
  });

  it('accepts separators: newlines, semicolons, commas in train, trailing commas', () => {
    const f = parseClean(
      'model M { data x: real[2]; prior normal; train { a: 1\n b: 2, c: 3; d: 4 } flow { squeeze; squeeze } }',
    );
    const t = model(f).body.find((s) => s.kind === 'train');
    expect(t?.kind === 'train' && t.entries.map((e) => e.name?.text)).toEqual(['a', 'b', 'c', 'd']);
  });

  it('prints the AST as JSON with or without spans', () => {
    const f = parseClean('let a = 1\n');
    expect(JSON.parse(printAst(f))).toEqual({
      kind: 'file',
      items: [{ kind: 'let', name: { text: 'a' }, value: { kind: 'number', value: 1, raw: '1' } }],
      comments: [],
    });
    const withSpans = JSON.parse(printAst(f, { spans: true }));
    expect(withSpans.items[0].span).toEqual([0, 9]);
    expect(withSpans.items[0].value.span).toEqual([8, 9]);
  });

  it('keeps every span inside the file for all node kinds', () => {
    const f = parseClean('model M { flow { repeat n { a } } }');
    const kinds = new Set(spans(f).map((s) => s.kind));
    expect([...kinds]).toEqual(expect.arrayContaining(['file', 'model', 'flow', 'repeat', 'call', 'ident']));
  });
});
