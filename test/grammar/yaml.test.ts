// The YAML front end: schema errors point at the YAML node (line:col), syntax errors and
// unsupported YAML are reported, and the AST's spans point into the YAML text.
import { describe, expect, it } from 'vitest';
import type { ModelDecl, Span } from '../../grammar/ast.js';
import { parseFlowYaml } from '../../grammar/yaml.js';
import { generateSchema } from '../../compiler/schema.js';
import { where } from './helpers.js';

const schema = generateSchema();
const parse = (text: string) => {
  const r = parseFlowYaml(text, 'm.flow.yaml', schema);
  return {
    ...r,
    at: where(text, r.diagnostics),
    messages: r.diagnostics.map((d) => d.message),
    hints: r.diagnostics.map((d) => d.hint),
  };
};
const slice = (text: string, s: Span) => text.slice(s.start, s.end);

const GOOD = `let:
  width: 64
models:
  TwoMoons:
    data: { x: "real[2]" }
    prior: normal
    flow:
      - repeat: 8
        body:
          - coupling: { _: [affine], mask: alternate, flip: true, net: { mlp: [width, width] }, scale: tanh }
          - squeeze
    train: { batch: 256, optimizer: { adam: { lr: 1e-3 } } }
`;

describe('YAML form', () => {
  it('accepts a valid file and gives spans that point into the YAML', () => {
    const r = parse(GOOD);
    expect(r.at).toEqual([]);
    const m = r.value.items[1] as ModelDecl;
    expect(slice(GOOD, m.name.span)).toBe('TwoMoons');
    const data = m.body[0];
    if (data.kind !== 'data') throw new Error('data');
    expect(slice(GOOD, data.type.span)).toBe('real[2]');
    expect(slice(GOOD, data.type.domain.span)).toBe('real');
    const flow = m.body[2];
    if (flow.kind !== 'flow' || flow.body[0].kind !== 'repeat') throw new Error('flow');
    const coupling = flow.body[0].body[0];
    if (coupling.kind !== 'call') throw new Error('call');
    expect(slice(GOOD, coupling.callee.span)).toBe('coupling');
    expect(coupling.args.map((a) => slice(GOOD, a.span))).toEqual([
      'affine',
      'mask: alternate',
      'flip: true',
      'net: { mlp: [width, width] }',
      'scale: tanh',
    ]);
    expect(slice(GOOD, flow.body[0].count.span)).toBe('8');
    const train = m.body[3];
    expect(train.kind === 'train' && train.entries.map((e) => e.name?.text)).toEqual(['batch', 'optimizer']);
  });

  it('reports schema errors at the YAML line and column, with did-you-mean hints', () => {
    const bad = GOOD.replace('prior: normal', 'prior: normall')
      .replace('flip: true', 'flipp: true')
      .replace('scale: tanh', 'scale: tan')
      .replace('- squeeze', '- squeez')
      .replace('batch: 256', 'batch: 0')
      .replace('optimizer:', 'optimiser:');
    const r = parse(`${bad}    bogus: 1\n`);
    expect(r.at).toEqual([
      '6:12 FC154',
      '10:55 FC151',
      '10:105 FC154',
      '11:13 FC154',
      '12:21 FC156',
      '12:24 FC151',
      '13:5 FC151',
    ]);
    expect(r.messages[1]).toBe("unknown key 'flipp' in the arguments of 'coupling'");
    expect(r.hints[1]).toBe("did you mean 'flip'?");
    expect(r.hints[0]).toMatch(/^did you mean "normal"\?/);
    expect(r.hints[5]).toBe("did you mean 'optimizer'?");
    expect(r.messages[4]).toBe('value 0 must be >= 1');
  });

  it('reports an unknown layer kind at its key', () => {
    const text = 'models:\n  M:\n    flow:\n      - couplin: { mask: alternate }\n';
    const r = parse(text);
    expect(r.at).toEqual(['4:9 FC152']);
    expect(r.messages[0]).toBe("unknown kind 'couplin' in item 1 of 'flow'");
    expect(r.hints[0]).toBe("did you mean 'coupling'?");
  });

  it('reports a bad type string and a wrong value type', () => {
    const text = 'models:\n  M:\n    data: { x: "real[2" }\n    flow: [{ coupling: { _: [affine], flip: 3 } }]\n';
    const r = parse(text);
    expect(r.at).toEqual(['3:16 FC157', '4:14 FC153', '4:14 FC153', '4:45 FC155']);
    expect(r.messages).toEqual([
      'invalid type "real[2"',
      "missing required key 'mask' in the arguments of 'coupling'",
      "missing required key 'net' in the arguments of 'coupling'",
      'expected true or false, found number 3',
    ]);
  });

  it('reports YAML syntax errors with their position', () => {
    const text = 'models:\n  M:\n    prior: [normal\n';
    const r = parse(text);
    expect(r.diagnostics.length).toBeGreaterThan(0);
    expect(r.diagnostics.every((d) => d.code === 'FC150')).toBe(true);
    expect(r.at[0].startsWith('4:') || r.at[0].startsWith('3:')).toBe(true);
    expect(r.value.items).toEqual([]);
  });

  it('rejects aliases and explains that ! is a YAML tag', () => {
    const a = parse('let:\n  a: &w 64\n  b: *w\n');
    expect(a.diagnostics.map((d) => d.code)).toContain('FC160');
    const t = parseFlowYaml('mask:\n  m: !cb\n', 't.yaml', {});
    expect(t.diagnostics.map((d) => d.code)).toContain('FC161');
    expect(t.diagnostics.find((d) => d.code === 'FC161')?.message).toMatch(/\{ not: cb \}/);
  });

  it('maps malformed structure without a schema defensively', () => {
    const texts = [
      '[1, 2]',
      'models: 3',
      'models:\n  M: [1]\n',
      'models:\n  M:\n    flow: 3\n',
      'models:\n  M:\n    prior: { a: 1, b: 2 }\n',
      'let: { a: }',
      '',
    ];
    for (const text of texts) {
      const r = parseFlowYaml(text, 'x.yaml', {});
      for (const d of r.diagnostics) {
        expect(d.span.start).toBeGreaterThanOrEqual(0);
        expect(d.span.end).toBeLessThanOrEqual(text.length);
      }
      expect(r.diagnostics.some((d) => d.code === 'FC149')).toBe(false);
    }
    expect(parseFlowYaml('models: 3', 'x.yaml', {}).diagnostics.map((d) => d.code)).toEqual(['FC159']);
    expect(parseFlowYaml('', 'x.yaml', {}).diagnostics).toEqual([]);
  });
});

describe('YAML comments', () => {
  it('collects # comments with their spans', () => {
    const text = '# head\nmodels:  # the models\n  M:\n    prior: normal # base\n';
    const r = parseFlowYaml(text, 'c.yaml', {});
    expect(r.diagnostics).toEqual([]);
    expect(r.value.comments.map((c) => c.text)).toEqual(['# head', '# the models', '# base']);
    for (const c of r.value.comments) expect(text.slice(c.span.start, c.span.end)).toBe(c.text);
  });
});
