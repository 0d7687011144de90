import { describe, expect, it } from 'vitest';
import type { Diagnostic } from '../../grammar/diagnostic.js';
import { renderDiagnostic, renderDiagnostics, renderJson } from '../../compiler/diagnostics/render.js';
import { LineIndex, offsetToLineCol } from '../../compiler/diagnostics/lines.js';

const diag = (file: string, start: number, end: number, extra: Partial<Diagnostic> = {}): Diagnostic => ({
  code: 'FC201',
  severity: 'error',
  message: 'unknown flow layer `cuopling`',
  span: { file, start, end },
  ...extra,
});

describe('line index', () => {
  it('maps offsets to 1-based line/col for LF, CRLF and CR line ends', () => {
    const text = 'ab\ncd\r\nef\rgh';
    const idx = new LineIndex(text);
    expect(idx.position(0)).toEqual({ line: 1, col: 1 });
    expect(idx.position(3)).toEqual({ line: 2, col: 1 });
    expect(idx.position(4)).toEqual({ line: 2, col: 2 });
    expect(idx.position(7)).toEqual({ line: 3, col: 1 });
    expect(idx.position(10)).toEqual({ line: 4, col: 1 });
    expect(idx.lineText(1)).toBe('cd');
    expect(idx.position(999)).toEqual({ line: 4, col: 3 }); // clamped to the end
    expect(offsetToLineCol('x\ny', 2)).toEqual({ line: 2, col: 1 });
  });
});

describe('terminal renderer', () => {
  const text = 'model M {\n  flow {\n    cuopling(affine)\n  }\n}\n';
  const start = text.indexOf('cuopling');
  const sources = new Map([['m.flow', text]]);

  it('prints file:line:col, the source line, a caret underline and the hint', () => {
    const out = renderDiagnostic(diag('m.flow', start, start + 8, { hint: 'did you mean `coupling`?' }), sources, {
      color: false,
    });
    expect(out).toBe(
      [
        'm.flow:3:5 - error FC201: unknown flow layer `cuopling`',
        '',
        ' 3 |     cuopling(affine)',
        '   |     ^^^^^^^^',
        '  hint: did you mean `coupling`?',
      ].join('\n'),
    );
  });

  it('expands tabs so the carets stay under the span', () => {
    const t = 'model M {\n\tflow {\n\t\tcuopling\n';
    const s = t.indexOf('cuopling');
    const out = renderDiagnostic(diag('t.flow', s, s + 8), new Map([['t.flow', t]]), { color: false, tabWidth: 4 });
    const lines = out.split('\n');
    expect(lines[0]).toBe('t.flow:3:3 - error FC201: unknown flow layer `cuopling`');
    expect(lines[2]).toBe(' 3 |         cuopling');
    expect(lines[3]).toBe('   |         ^^^^^^^^');
  });

  it('underlines only the first line of a multi-line span, and one caret for an empty span', () => {
    const s = text.indexOf('flow {');
    const multi = renderDiagnostic(diag('m.flow', s, text.length - 3), sources, { color: false }).split('\n');
    expect(multi[2]).toBe(' 2 |   flow {');
    expect(multi[3]).toBe('   |   ^^^^^^');
    const empty = renderDiagnostic(diag('m.flow', text.length, text.length), sources, { color: false }).split('\n');
    expect(empty[0]).toBe('m.flow:6:1 - error FC201: unknown flow layer `cuopling`');
    expect(empty[3]).toBe('   | ^');
  });

  it('prints related locations as notes and separates diagnostics with a blank line', () => {
    const d = diag('m.flow', start, start + 8, {
      related: [{ span: { file: 'm.flow', start: 0, end: 5 }, message: 'first defined here' }],
    });
    const out = renderDiagnostics([d, { ...d, severity: 'warning', related: undefined }], sources, { color: false });
    expect(out).toContain('  note: m.flow:1:1: first defined here\n\nm.flow:3:5 - warning FC201');
    expect(out.endsWith('\n')).toBe(true);
    expect(renderDiagnostics([], sources)).toBe('');
  });

  it('colours only when asked', () => {
    const d = diag('m.flow', start, start + 8);
    expect(renderDiagnostic(d, sources, { color: true })).toContain('\u001b[31;1merror\u001b[0m');
    expect(renderDiagnostic(d, sources, { color: false })).not.toContain('\u001b[');
  });

  it('falls back to a header when the source is unknown', () => {
    expect(renderDiagnostic(diag('other.flow', 7, 9), sources, { color: false })).toBe(
      'other.flow:7 - error FC201: unknown flow layer `cuopling`',
    );
  });
});

describe('JSON renderer', () => {
  it('adds 1-based line/col of start and end, for related spans too', () => {
    const text = 'let a = 1\nlet a = 2\n';
    const d: Diagnostic = {
      code: 'FC204',
      severity: 'error',
      message: 'dup',
      hint: 'h',
      span: { file: 'f', start: 14, end: 15 },
      related: [{ span: { file: 'f', start: 4, end: 5 }, message: 'first' }],
    };
    const [j] = renderJson([d], new Map([['f', text]]));
    expect(j).toEqual({
      code: 'FC204',
      severity: 'error',
      message: 'dup',
      hint: 'h',
      span: { file: 'f', start: 14, end: 15, line: 2, col: 5, endLine: 2, endCol: 6 },
      related: [{ message: 'first', span: { file: 'f', start: 4, end: 5, line: 1, col: 5, endLine: 1, endCol: 6 } }],
    });
    expect(JSON.parse(JSON.stringify(renderJson([d], new Map())))[0].span).toEqual({ file: 'f', start: 14, end: 15 });
  });
});
