// parseFlow: .flow text → FileNode with diagnostics. Never throws.
//
// The token stream is cut into top-level chunks before parsing: a new chunk starts at every
// `model` or `let` keyword (they are only valid at the top level) and at a `mask` outside any
// braces. A model that lacks its closing '}' then costs one diagnostic, not the rest of the file.
import type { CstNode, IToken } from 'chevrotain';
import type { FileNode, Span } from './ast.js';
import { makeDiagnostic, type Diagnostic, type Result } from './diagnostic.js';
import { CstToAst } from './cst-to-ast.js';
import { lexFlow } from './lexer.js';
import { MAX_SOURCE_BYTES, utf8Bytes } from './limits.js';
import { ErrorMapper } from './parse-errors.js';
import { flowParser, MAX_NESTED_RECOVERIES } from './parser.js';
import * as C from './syntax-codes.js';
import * as T from './tokens.js';

/** start indices of the top-level chunks */
function chunkStarts(tokens: IToken[]): number[] {
  const out = [0];
  let depth = 0;
  for (let i = 0; i < tokens.length; i++) {
    const tt = tokens[i].tokenType;
    if (tt === T.LCurly) depth++;
    else if (tt === T.RCurly) depth = Math.max(0, depth - 1);
    // a keyword starts a declaration when a name (or, nameless, its '{' / '=') follows;
    // `f(model)` or `train { let: 1 }` use the word as a name
    const next = tokens[i + 1]?.tokenType;
    const named = next !== undefined && (next === T.Identifier || T.KEYWORDS.includes(next));
    const starts =
      (tt === T.Model && (named || next === T.LCurly)) ||
      (tt === T.Let && (named || next === T.Equals)) ||
      (tt === T.Mask && depth === 0 && (named || next === T.Equals));
    if (i > 0 && starts) {
      out.push(i);
      depth = 0;
    }
  }
  return out;
}

/** deeper nesting than this is refused up front (the recursive-descent parser would overflow the stack) */
export const MAX_NESTING = 200;

/** the first token nested deeper than MAX_NESTING, if any */
function tooDeep(tokens: IToken[]): IToken | undefined {
  let depth = 0;
  let bangs = 0;
  for (const t of tokens) {
    const tt = t.tokenType;
    if (tt === T.LParen || tt === T.LBracket || tt === T.LCurly) depth++;
    else if (tt === T.RParen || tt === T.RBracket || tt === T.RCurly) depth = Math.max(0, depth - 1);
    bangs = tt === T.Bang ? bangs + 1 : 0;
    if (depth + bangs > MAX_NESTING) return t;
  }
  return undefined;
}

function emptyFile(text: string, file: string): FileNode {
  return { kind: 'file', items: [], comments: [], span: { file, start: 0, end: text.length } };
}

/** FC990 when the text is over MAX_SOURCE_BYTES (checked before lexing: parsing costs ~110× its size) */
export function sizeCheck(text: string, file: string): Diagnostic | undefined {
  // a UTF-8 byte is at least one UTF-16 unit, at most three: skip the count when it cannot matter
  if (text.length * 3 <= MAX_SOURCE_BYTES) return undefined;
  const bytes = utf8Bytes(text);
  if (bytes <= MAX_SOURCE_BYTES) return undefined;
  return makeDiagnostic(C.FileTooLarge, { file, start: 0, end: 0 }, { bytes, limit: MAX_SOURCE_BYTES });
}

export function parseFlow(text: string, file: string): Result<FileNode> {
  try {
    return parseUnsafe(text, file);
  } catch (err) {
    const detail = err instanceof Error ? err.message : String(err);
    return {
      value: emptyFile(text, file),
      diagnostics: [makeDiagnostic(C.InternalParserError, { file, start: 0, end: 0 }, { detail })],
    };
  }
}

function parseUnsafe(text: string, file: string): Result<FileNode> {
  const tooLarge = sizeCheck(text, file);
  if (tooLarge) return { value: emptyFile(text, file), diagnostics: [tooLarge] };
  const lex = lexFlow(text, file);
  const diagnostics: Diagnostic[] = [...lex.diagnostics];
  const tokens = lex.tokens;
  const parser = flowParser();
  parser.source = text;
  const mapper = new ErrorMapper(text, file, tokens);
  const starts = chunkStarts(tokens);
  const csts: CstNode[] = [];
  let stoppedAt: number | undefined;
  for (let c = 0; c < starts.length; c++) {
    const end = c + 1 < starts.length ? starts[c + 1] : tokens.length;
    // a file with this many errors is not a spec: parsing the rest would only cost time (a chunk
    // with errors costs ~100 µs: `model model model ...` of 1 MB took 30 s)
    if (end <= starts[c]) continue;
    if (diagnostics.length > 2 * MAX_SYNTAX_ERRORS) {
      stoppedAt = tokens[starts[c]].startOffset;
      break;
    }
    const chunk = tokens.slice(starts[c], end);
    const deep = tooDeep(chunk);
    if (deep) {
      diagnostics.push(
        makeDiagnostic(
          C.TooDeep,
          { file, start: deep.startOffset, end: deep.startOffset + deep.image.length },
          { limit: MAX_NESTING },
        ),
      );
      continue;
    }
    parser.input = chunk;
    parser.gaveUp = undefined;
    const cst = parser.file();
    const gaveUp = parser.gaveUp as IToken | undefined;
    if (gaveUp) {
      const at = Number.isFinite(gaveUp.startOffset) ? gaveUp.startOffset : text.length;
      const len = Number.isFinite(gaveUp.startOffset) ? gaveUp.image.length : 0;
      const span = { file, start: at, end: at + len };
      diagnostics.push(makeDiagnostic(C.RecoveryLimit, span, { limit: MAX_NESTED_RECOVERIES }));
    }
    for (const e of parser.errors) {
      // a chunk's end is not the file's end: report what really follows
      if (!Number.isFinite(e.token.startOffset) && end < tokens.length) e.token = tokens[end];
      diagnostics.push(mapper.map(e));
    }
    csts.push(cst);
  }
  const visitor = new CstToAst(text, file);
  const items = visitor.items(csts);
  diagnostics.push(...visitor.diagnostics);
  return {
    value: { kind: 'file', items, comments: lex.comments, span: { file, start: 0, end: text.length } },
    diagnostics: dedupe(diagnostics, stoppedAt === undefined ? undefined : { file, start: stoppedAt, end: stoppedAt }),
  };
}

/** at most this many syntax diagnostics are reported, then one FC127 */
export const MAX_SYNTAX_ERRORS = 200;

/**
 * one diagnostic per position (the first reported: lexer, then parser, then tree checks), in
 * source order, at most MAX_SYNTAX_ERRORS of them
 */
function dedupe(ds: Diagnostic[], stopped?: Span): Diagnostic[] {
  const seen = new Set<string>();
  const out: Diagnostic[] = [];
  for (const d of [...ds].sort((a, b) => a.span.start - b.span.start)) {
    const key = `${d.span.start}`;
    if (seen.has(key)) continue;
    seen.add(key);
    out.push(d);
  }
  if (stopped) {
    const rest = makeDiagnostic(C.TooManyErrors, stopped, { limit: MAX_SYNTAX_ERRORS });
    return [...out.slice(0, MAX_SYNTAX_ERRORS), rest];
  }
  if (out.length <= MAX_SYNTAX_ERRORS) return out;
  const last = out[MAX_SYNTAX_ERRORS - 1].span;
  return [
    ...out.slice(0, MAX_SYNTAX_ERRORS),
    makeDiagnostic(
      C.TooManyErrors,
      { ...last, start: last.end },
      { limit: MAX_SYNTAX_ERRORS, more: out.length - MAX_SYNTAX_ERRORS },
    ),
  ];
}
