// Front-end limits in-process (grammar/limits.ts, grammar/yaml-limits.ts, the parser's recovery
// bound): each hostile shape gets its diagnostic, never FC149; found by the fuzz (test/fuzz).
import { describe, expect, it } from 'vitest';
import { MAX_NESTING, parseFlow } from '../../grammar/parse.js';
import { MAX_YAML_DEPTH } from '../../grammar/limits.js';
import { yamlTooDeep } from '../../grammar/yaml-limits.js';

const codes = (text: string) => parseFlow(text, 'l.flow').diagnostics.map((d) => d.code);

describe('parser limits', () => {
  it("a file of nothing but comment openers and stray '*' (no tokens, many errors)", () => {
    const cs = codes('/*'.repeat(1439));
    expect(cs).not.toContain('FC149');
    expect(cs[cs.length - 1]).toBe('FC127');
  });

  it('long runs of recoverable errors end with FC127 (the recovery bound keeps the stack), never FC149', () => {
    for (const run of ['=;', ';=', '}=;', 'model ', 'let ;']) {
      const cs = codes(run.repeat(3000));
      expect(cs, run).not.toContain('FC149');
      expect(cs[cs.length - 1], run).toBe('FC127');
    }
    // runs the parser skips in one piece: one error, no recursion at all
    for (const run of ['=,', ')=']) expect(codes(run.repeat(5000)), run).toEqual(['FC114']);
  });

  it(`nesting past ${MAX_NESTING}: FC126`, () => {
    for (const [o, c] of [
      ['(', ')'],
      ['[', ']'],
      ['{', '}'],
    ]) {
      expect(codes(`let a = ${o.repeat(5000)}1${c.repeat(5000)}`)).toContain('FC126');
    }
    expect(codes(`mask m = ${'!'.repeat(5000)}checkerboard`)).toContain('FC126');
  });
});

describe('YAML depth scan', () => {
  it('counts indentation, flow brackets and "- " items; ignores brackets in quotes and comments', () => {
    expect(yamlTooDeep('a:\n  b:\n    c: [1, {d: 2}]\n', 5)).toBeUndefined();
    expect(yamlTooDeep('a:\n  b:\n    c: [1, {d: 2}]\n', 4)).toBeDefined();
    expect(yamlTooDeep(`a: "${'['.repeat(500)}" # ${'{'.repeat(500)}\n`, MAX_YAML_DEPTH)).toBeUndefined();
    // not at a line start: a plain scalar
    expect(yamlTooDeep(`a: ${'- '.repeat(MAX_YAML_DEPTH + 1)}x\n`, MAX_YAML_DEPTH)).toBeUndefined();
    expect(yamlTooDeep(`${'- '.repeat(MAX_YAML_DEPTH + 1)}x\n`, MAX_YAML_DEPTH)).toBeDefined();
    const deep = Array.from({ length: MAX_YAML_DEPTH + 1 }, (_, i) => `${' '.repeat(i)}k${i}:`).join('\n');
    expect(yamlTooDeep(deep, MAX_YAML_DEPTH)).toBe(deep.lastIndexOf('\n') + 1);
  });
});
