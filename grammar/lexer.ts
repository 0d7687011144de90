// The .flow lexer: tokens for the parser, comments for the formatter, lexical diagnostics.
import type { IToken } from 'chevrotain';
import { Lexer } from './chevrotain.js';
import type { Comment } from './ast.js';
import { makeDiagnostic, type Diagnostic } from './diagnostic.js';
import * as T from './tokens.js';
import * as C from './syntax-codes.js';
import { bidiControls } from './limits.js';

/** FC105 warnings for the bidi controls inside a comment or string (in code they are FC101 errors) */
export function bidiWarnings(image: string, start: number, where: string, file: string): Diagnostic[] {
  return bidiControls(image).map((i) =>
    makeDiagnostic(
      C.BidiControl,
      { file, start: start + i, end: start + i + 1 },
      {
        where,
        codepoint: `U+${image.charCodeAt(i).toString(16).toUpperCase().padStart(4, '0')}`,
      },
    ),
  );
}

export const LEXER_CONFIG = { positionTracking: 'onlyOffset', ensureOptimizations: false } as const;

/**
 * The shared lexer. Its token-pattern validations are skipped at start-up (they cost ~30 ms of
 * every `flowc` run); test/grammar/validations.test.ts builds one with them on.
 */
export const flowLexer = new Lexer(T.ALL_TOKENS as T.TokenTypeList, { ...LEXER_CONFIG, skipValidations: true });

export interface LexResult {
  tokens: IToken[];
  comments: Comment[];
  diagnostics: Diagnostic[];
}

export function lexFlow(text: string, file: string, base = 0): LexResult {
  const res = flowLexer.tokenize(text);
  const diagnostics: Diagnostic[] = [];
  const span = (start: number, end: number) => ({ file, start: base + start, end: base + end });
  for (const e of res.errors) {
    const start = e.offset;
    const end = Math.min(text.length, start + Math.max(1, e.length));
    diagnostics.push(makeDiagnostic(C.UnexpectedCharacter, span(start, end), { text: text.slice(start, end) }));
  }
  const comments: Comment[] = [];
  for (const t of res.groups.comments ?? []) {
    const s = span(t.startOffset, t.startOffset + t.image.length);
    comments.push({ text: t.image, span: s });
    diagnostics.push(...bidiWarnings(t.image, s.start, 'a comment', file));
    if (t.tokenType === T.UnterminatedBlockComment) diagnostics.push(makeDiagnostic(C.UnterminatedBlockComment, s, {}));
  }
  for (const t of res.tokens) {
    // 'onlyOffset' tokens lack endOffset; the parser's node locations need it (inclusive, as chevrotain has it)
    t.endOffset = t.startOffset + t.image.length - 1;
    if (t.tokenType === T.StringLiteral || t.tokenType === T.UnterminatedString) {
      diagnostics.push(...bidiWarnings(t.image, base + t.startOffset, 'a string', file));
    }
    if (t.tokenType === T.UnterminatedString) {
      diagnostics.push(makeDiagnostic(C.UnterminatedString, span(t.startOffset, t.startOffset + t.image.length), {}));
    } else if (t.tokenType === T.NumberLiteral && !Number.isFinite(Number(t.image))) {
      diagnostics.push(
        makeDiagnostic(C.BadNumber, span(t.startOffset, t.startOffset + t.image.length), { raw: t.image }),
      );
    }
  }
  diagnostics.sort((a, b) => a.span.start - b.span.start);
  return { tokens: res.tokens, comments, diagnostics };
}
