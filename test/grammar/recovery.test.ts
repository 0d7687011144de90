// Error recovery: each case asserts the diagnostics (code + line:col + message) AND the tree
// that was recovered around them.
import { describe, expect, it } from 'vitest';
import type { ModelDecl } from '../../grammar/ast.js';
import { parseFlow } from '../../grammar/parse.js';
import { stripSpans } from '../../grammar/strip.js';
import { SYNTAX_CODES } from '../../grammar/syntax-codes.js';
import { where } from './helpers.js';

const call = (name: string, args: unknown[] = [], parens = args.length > 0) => ({
  kind: 'call',
  callee: { text: name },
  args,
  parens,
});
const ident = (name: string) => ({ kind: 'ident', name });
const num = (v: number) => ({ kind: 'number', value: v, raw: String(v) });
const realType = (n: number) => ({ kind: 'type', domain: { text: 'real' }, domainArgs: [], shape: [num(n)] });

function parse(src: string) {
  const r = parseFlow(src, 'bad.flow');
  return { ...r, at: where(src, r.diagnostics), messages: r.diagnostics.map((d) => d.message) };
}

describe('parse recovery', () => {
  it('reports three errors at their places and keeps the rest of the model', () => {
    const src = `model A {
  data x real[2]
  prior normal
  flow {
    coupling(affine, mask: alternate
    squeeze
    repeat { planar }
  }
}
`;
    const r = parse(src);
    expect(r.at).toEqual(['2:10 FC124', '6:5 FC112', '7:12 FC122']);
    expect(r.messages).toEqual([
      "expected ':' between the variable name and its type, found 'real'",
      "expected ')' to close the argument list of 'coupling', found 'squeeze'",
      "expected a count (a number or a let name) after 'repeat', found '{'",
    ]);
    expect(stripSpans(r.value.items)).toEqual([
      {
        kind: 'model',
        name: { text: 'A' },
        body: [
          { kind: 'data', name: { text: 'x' }, type: realType(2) },
          { kind: 'prior', value: call('normal') },
          {
            kind: 'flow',
            args: [],
            body: [
              call('coupling', [{ value: ident('affine') }, { name: { text: 'mask' }, value: ident('alternate') }]),
              call('squeeze'),
            ],
          },
        ],
      },
    ]);
  });

  it('a model missing its closing brace costs one error, not the next model', () => {
    const src = 'model A {\n  prior normal\n\nmodel B {\n  prior laplace\n}\n';
    const r = parse(src);
    expect(r.at).toEqual(['4:1 FC111']);
    expect(r.messages).toEqual(["expected '}' to close model 'A' opened at 1:9, found 'model'"]);
    expect(r.diagnostics[0].related?.[0].span.start).toBe(src.indexOf('{'));
    expect(stripSpans(r.value.items)).toEqual([
      { kind: 'model', name: { text: 'A' }, body: [{ kind: 'prior', value: call('normal') }] },
      { kind: 'model', name: { text: 'B' }, body: [{ kind: 'prior', value: call('laplace') }] },
    ]);
  });

  it('names the block a missing brace belongs to at the end of the file', () => {
    const src = 'model A {\n  flow {\n    repeat 2 {\n      planar\n  }\n}\n';
    const r = parse(src);
    expect(r.at).toEqual(['6:2 FC111']);
    expect(r.messages[0]).toBe("expected '}' to close model 'A' opened at 1:9, found end of file");
    const m = r.value.items[0] as ModelDecl;
    expect(stripSpans(m.body)).toEqual([
      { kind: 'flow', args: [], body: [{ kind: 'repeat', count: num(2), body: [call('planar')] }] },
    ]);
  });

  it('skips junk statements in a model body and in a flow body', () => {
    const src = 'model A {\n  foo bar\n  prior normal\n  flow {\n    squeeze\n    ] 42\n    planar\n  }\n}\n';
    const r = parse(src);
    expect(r.at).toEqual(['2:3 FC115', '6:5 FC116']);
    expect(r.messages[1]).toBe("expected a layer call, 'repeat' or 'level' in the 'flow' block, found ']'");
    expect(stripSpans((r.value.items[0] as ModelDecl).body)).toEqual([
      { kind: 'prior', value: call('normal') },
      { kind: 'flow', args: [], body: [call('squeeze'), call('planar')] },
    ]);
  });

  it('reports lexical errors and keeps parsing', () => {
    const src = 'let a = 1 @ 2\nlet s = "open\nlet b = 2\n/* never closed';
    const r = parse(src);
    expect(r.at).toEqual(['1:11 FC101', '1:13 FC114', '2:9 FC103', '4:1 FC102']);
    expect(r.messages[0]).toBe('unexpected character "@"');
    expect(stripSpans(r.value.items)).toEqual([
      { kind: 'let', name: { text: 'a' }, value: num(1) },
      { kind: 'let', name: { text: 's' }, value: { kind: 'string', value: 'open' } },
      { kind: 'let', name: { text: 'b' }, value: num(2) },
    ]);
    expect(r.value.comments.map((c) => c.text)).toEqual(['/* never closed']);
  });

  it('reports junk at the top level and drops nameless declarations', () => {
    const src = 'flow { }\nmodel { prior normal }\nlet = 3\nlet ok = 1\n';
    const r = parse(src);
    expect(r.at).toEqual(['1:1 FC114', '2:7 FC118', '3:5 FC118']);
    expect(r.messages).toEqual([
      "expected 'model', 'let' or 'mask' at the top level, found 'flow'",
      "expected a name after 'model', found '{'",
      "expected a name after 'let', found '='",
    ]);
    expect(stripSpans(r.value.items)).toEqual([{ kind: 'let', name: { text: 'ok' }, value: num(1) }]);
  });

  it('requires statements on one line to be separated by ";"', () => {
    const src = 'model A { data x: real[2] prior normal; likelihood bernoulli }';
    const r = parse(src);
    expect(r.at).toEqual(['1:27 FC120']);
    expect(r.messages).toEqual(["'prior' must start on a new line or after ';'"]);
    expect((r.value.items[0] as ModelDecl).body.map((s) => s.kind)).toEqual(['data', 'prior', 'likelihood']);
  });

  it('requires commas between arguments and list items, and keeps both', () => {
    const src = 'let a = f(1 2, x: [3 4])\n';
    const r = parse(src);
    expect(r.at).toEqual(['1:13 FC110', '1:22 FC110']);
    expect(r.messages[0]).toBe("expected ',' between arguments, found '2'");
    expect(stripSpans(r.value.items[0])).toEqual({
      kind: 'let',
      name: { text: 'a' },
      value: call('f', [
        { value: num(1) },
        { value: num(2) },
        { name: { text: 'x' }, value: { kind: 'list', items: [num(3), num(4)] } },
      ]),
    });
  });

  it('stops an unclosed argument list at the next statement', () => {
    const src = 'model A {\n  prior normal(\n  flow { squeeze }\n}\nlet b = f(x: 1';
    const r = parse(src);
    expect(r.at).toEqual(['3:3 FC112', '5:15 FC112']);
    expect(r.messages).toEqual([
      "expected ')' to close the argument list of 'normal', found 'flow'",
      "expected ')' to close the argument list of 'f', found end of file",
    ]);
    expect((r.value.items[0] as ModelDecl).body.map((s) => s.kind)).toEqual(['prior', 'flow']);
  });

  it('a block missing its braces does not take the enclosing brace', () => {
    const src = 'model A {\n  flow\n  prior normal\n  flow { repeat 4 }\n}\n';
    const r = parse(src);
    expect(r.at).toEqual(['3:3 FC123', '4:19 FC123']);
    expect(r.messages).toEqual([
      "expected '{' to open the body of 'flow', found 'prior'",
      "expected '{' to open the body of 'repeat', found '}'",
    ]);
    expect(stripSpans((r.value.items[0] as ModelDecl).body)).toEqual([
      { kind: 'prior', value: call('normal') },
      { kind: 'flow', args: [], body: [] },
    ]);
  });

  it('refuses absurd nesting with a diagnostic instead of overflowing the stack', () => {
    const deep = `let a = ${'['.repeat(5000)}\nlet b = ${'!'.repeat(5000)}x\nlet ok = 1\n`;
    const r = parse(deep);
    expect(r.at).toEqual(['1:209 FC126', '2:209 FC126']);
    expect(stripSpans(r.value.items)).toEqual([{ kind: 'let', name: { text: 'ok' }, value: num(1) }]);
    const fine = `let a = ${'['.repeat(150)}${']'.repeat(150)}\n`;
    expect(parse(fine).at).toEqual([]);
  });

  it('stops reporting after 200 syntax errors, saying how many more there are', () => {
    const src = `let a = [${Array.from({ length: 300 }, () => '1').join(' ')}]\nlet ok = 2\n`;
    const r = parse(src);
    expect(r.diagnostics.length).toBe(201);
    expect(r.diagnostics.slice(0, 200).every((d) => d.code === 'FC110')).toBe(true);
    expect(r.diagnostics[200].code).toBe('FC127');
    expect(r.messages[200]).toBe('99 more syntax errors after the first 200 are not shown');
    expect(r.value.items.map((i) => i.name.text)).toEqual(['a', 'ok']);
  });

  it('parses empty and comment-only files cleanly', () => {
    for (const src of ['', '   \n', '// nothing\n/* here */']) {
      const r = parse(src);
      expect(r.at).toEqual([]);
      expect(r.value.items).toEqual([]);
      expect(r.value.span).toEqual({ file: 'bad.flow', start: 0, end: src.length });
    }
  });

  it('uses only catalogued codes, each with a hint', () => {
    const codes = new Set(SYNTAX_CODES.map((d) => d.code));
    expect(codes.size).toBe(SYNTAX_CODES.length);
    for (const d of SYNTAX_CODES) expect(d.code).toMatch(/^FC(1[0-9][0-9]|99[0-9])$/);
    const r = parse('model { data x real[2 }\n@\nlet = ');
    expect(r.diagnostics.length).toBeGreaterThan(2);
    for (const d of r.diagnostics) {
      expect(codes.has(d.code)).toBe(true);
      expect(d.hint).toBeTruthy();
      expect(d.message).not.toMatch(/Identifier|LCurly|RParen|NumberLiteral|-->/);
    }
  });
});
