// Terminal and JSON rendering of diagnostics, in the manner of tsc and rustc:
//
//   specs/x.flow:7:7 - error FC201: unknown flow layer `cuopling`
//
//      7 |       cuopling(affine, mask: alternate)
//        |       ^^^^^^^^
//     hint: did you mean `coupling`?
import type { Diagnostic, Severity } from '../../grammar/diagnostic.js';
import type { Span } from '../../grammar/ast.js';
import { lineIndex } from './lines.js';

export interface RenderOptions {
  /** ANSI colours; default: on when stdout is a TTY and NO_COLOR is unset */
  color?: boolean;
  /** columns per tab stop when displaying source lines (default 4) */
  tabWidth?: number;
}

export function defaultColor(): boolean {
  const env = typeof process !== 'undefined' ? process.env : {};
  if (env.NO_COLOR !== undefined && env.NO_COLOR !== '') return false;
  if (env.FORCE_COLOR !== undefined && env.FORCE_COLOR !== '0') return true;
  return typeof process !== 'undefined' && !!process.stdout?.isTTY;
}

const ESC = '\u001b[';
const paint = (on: boolean, code: string, s: string): string => (on ? `${ESC}${code}m${s}${ESC}0m` : s);
const SEVERITY_COLOUR: Record<Severity, string> = { error: '31;1', warning: '33;1', info: '36;1', hint: '32;1' };

/** "file:line:col" for a span, using the source when present */
export function formatLocation(span: Span, sources: ReadonlyMap<string, string>): string {
  const text = sources.get(span.file);
  if (text === undefined) return `${span.file}:${span.start}`;
  const { line, col } = lineIndex(text).position(span.start);
  return `${span.file}:${line}:${col}`;
}

/** expand tabs to spaces; returns the display text and a map from column index to display column */
function expandTabs(line: string, tabWidth: number): { text: string; cols: number[] } {
  let text = '';
  const cols: number[] = [];
  for (const ch of line) {
    for (let k = 0; k < ch.length; k++) cols.push(text.length);
    if (ch === '\t') text += ' '.repeat(tabWidth - (text.length % tabWidth));
    else text += ch;
  }
  cols.push(text.length);
  return { text, cols };
}

/** columns of context kept on each side of the span when a source line is clipped */
export const CLIP_CONTEXT = 80;
/** lines up to this many columns are shown whole */
const CLIP_WIDTH = 2 * CLIP_CONTEXT + 40;

/**
 * The part of a source line shown for columns [c0, c1): the whole line when short, else the span
 * (its first 2·CLIP_CONTEXT columns) with CLIP_CONTEXT columns either side and an ellipsis where
 * the line was cut, so that a diagnostic on a very long line prints a bounded snippet.
 */
function clipLine(raw: string, c0: number, c1: number): { text: string; c0: number; c1: number } {
  if (raw.length <= CLIP_WIDTH) return { text: raw, c0, c1 };
  const e1 = Math.min(c1, c0 + 2 * CLIP_CONTEXT);
  const from = Math.max(0, c0 - CLIP_CONTEXT);
  const to = Math.min(raw.length, Math.max(e1, c0 + 1) + CLIP_CONTEXT);
  const head = from > 0 ? '…' : '';
  const tail = to < raw.length ? '…' : '';
  return { text: head + raw.slice(from, to) + tail, c0: c0 - from + head.length, c1: e1 - from + head.length };
}

function renderSnippet(span: Span, text: string, color: boolean, sevColour: string, tabWidth: number): string[] {
  const idx = lineIndex(text);
  const start = Math.max(0, Math.min(span.start, text.length));
  const end = Math.max(start, Math.min(span.end, text.length));
  const line = idx.lineOf(start);
  const lineStart = idx.starts[line]!;
  const full = idx.lineText(line);
  // multi-line spans: underline the rest of the first line
  const clip = clipLine(full, Math.min(start - lineStart, full.length), Math.min(end - lineStart, full.length));
  const raw = clip.text;
  const { text: shown, cols } = expandTabs(raw, tabWidth);
  const c0 = Math.min(clip.c0, raw.length);
  const c1 = Math.min(clip.c1, raw.length);
  const d0 = cols[c0]!;
  const d1 = Math.max(cols[c1]!, d0 + 1);
  const num = String(line + 1);
  const gutter = ' '.repeat(num.length);
  const bar = paint(color, '34;1', '|');
  return [
    ` ${paint(color, '34;1', num)} ${bar} ${shown}`.trimEnd(),
    ` ${gutter} ${bar} ${' '.repeat(d0)}${paint(color, sevColour, '^'.repeat(d1 - d0))}`,
  ];
}

/** one diagnostic as terminal text (no trailing newline) */
export function renderDiagnostic(
  d: Diagnostic,
  sources: ReadonlyMap<string, string>,
  opts: RenderOptions = {},
): string {
  const color = opts.color ?? defaultColor();
  const tabWidth = opts.tabWidth ?? 4;
  const sevColour = SEVERITY_COLOUR[d.severity] ?? '1';
  const out: string[] = [];
  out.push(
    `${paint(color, '36', formatLocation(d.span, sources))} - ` +
      `${paint(color, sevColour, d.severity)} ${paint(color, '90', d.code)}: ${d.message}`,
  );
  const text = sources.get(d.span.file);
  if (text !== undefined) {
    out.push('');
    out.push(...renderSnippet(d.span, text, color, sevColour, tabWidth));
  }
  if (d.hint) out.push(`  ${paint(color, '36;1', 'hint')}: ${d.hint}`);
  for (const r of d.related ?? []) {
    out.push(`  ${paint(color, '1', 'note')}: ${formatLocation(r.span, sources)}: ${r.message}`);
  }
  return out.join('\n');
}

/** all diagnostics, separated by blank lines, ending with a newline (empty string for none) */
export function renderDiagnostics(
  diags: readonly Diagnostic[],
  sources: ReadonlyMap<string, string>,
  opts: RenderOptions = {},
): string {
  if (diags.length === 0) return '';
  return diags.map((d) => renderDiagnostic(d, sources, opts)).join('\n\n') + '\n';
}

export interface JsonSpan {
  file: string;
  start: number;
  end: number;
  line?: number;
  col?: number;
  endLine?: number;
  endCol?: number;
}
export interface JsonDiagnostic {
  code: string;
  severity: Severity;
  message: string;
  hint?: string;
  span: JsonSpan;
  related?: { message: string; span: JsonSpan }[];
}

function jsonSpan(span: Span, sources: ReadonlyMap<string, string>): JsonSpan {
  const out: JsonSpan = { file: span.file, start: span.start, end: span.end };
  const text = sources.get(span.file);
  if (text !== undefined) {
    const idx = lineIndex(text);
    const a = idx.position(span.start);
    const b = idx.position(span.end);
    out.line = a.line;
    out.col = a.col;
    out.endLine = b.line;
    out.endCol = b.col;
  }
  return out;
}

/** diagnostics as plain JSON objects with 1-based line/col added (for tools and `--format json`) */
export function renderJson(diags: readonly Diagnostic[], sources: ReadonlyMap<string, string>): JsonDiagnostic[] {
  return diags.map((d) => {
    const j: JsonDiagnostic = {
      code: d.code,
      severity: d.severity,
      message: d.message,
      span: jsonSpan(d.span, sources),
    };
    if (d.hint) j.hint = d.hint;
    if (d.related?.length) j.related = d.related.map((r) => ({ message: r.message, span: jsonSpan(r.span, sources) }));
    return j;
  });
}
