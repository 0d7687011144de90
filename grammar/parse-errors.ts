// Turns chevrotain's recognition exceptions into diagnostics in the user's terms: which call's
// argument list or which block a missing ')' or '}' belongs to, what a statement may be, etc.
import type { IRecognitionException, IToken } from 'chevrotain';
import type { Span } from './ast.js';
import { makeDiagnostic, type Diagnostic } from './diagnostic.js';
import type { ErrorPayload } from './parser.js';
import * as C from './syntax-codes.js';
import * as T from './tokens.js';

/** how a piece of source text reads in a message */
export function describeToken(image: string): string {
  if (image === '') return 'end of file';
  if (image[0] === '"' || image[0] === "'") return 'a string';
  const short = image.length > 24 ? `${image.slice(0, 21)}...` : image;
  return `'${short}'`;
}

/** 1-based line and column of an offset */
export function lineCol(text: string, offset: number): { line: number; col: number } {
  let line = 1;
  let lineStart = 0;
  for (let i = 0; i < offset && i < text.length; i++) {
    if (text.charCodeAt(i) === 10) {
      line++;
      lineStart = i + 1;
    }
  }
  return { line, col: offset - lineStart + 1 };
}

const isEof = (t: IToken): boolean => t.tokenType.name === 'EOF' || !Number.isFinite(t.startOffset);

export class ErrorMapper {
  constructor(
    private readonly text: string,
    private readonly file: string,
    private readonly tokens: IToken[],
    private readonly base = 0,
  ) {}

  private span(start: number, end: number): Span {
    return { file: this.file, start: this.base + start, end: this.base + end };
  }

  /** index of a token in the stream (tokens.length for EOF) */
  private indexOf(t: IToken): number {
    if (isEof(t)) return this.tokens.length;
    let lo = 0;
    let hi = this.tokens.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.tokens[mid].startOffset < t.startOffset) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  /** the index of the innermost unclosed `open` before position i, or -1 */
  private unclosed(i: number, open: T.TokenType, close: T.TokenType): number {
    let depth = 0;
    for (let j = i - 1; j >= 0; j--) {
      const tt = this.tokens[j].tokenType;
      if (tt === close) depth++;
      else if (tt === open) {
        if (depth === 0) return j;
        depth--;
      }
    }
    return -1;
  }

  /** "'coupling'" for the `(` at index i */
  private parenOwner(i: number): string {
    const prev = this.tokens[i - 1];
    return prev && (prev.tokenType === T.Identifier || T.KEYWORDS.includes(prev.tokenType))
      ? `'${prev.image}'`
      : 'the call';
  }

  /** "model 'A'", "the 'flow' block", "the block of 'pixelcnn'" for the `{` at index i */
  private braceOwner(i: number): string {
    let k = i - 1;
    if (this.tokens[k]?.tokenType === T.RParen) {
      const open = this.unclosed(k, T.LParen, T.RParen);
      k = open - 1;
    }
    const prev = this.tokens[k];
    if (!prev) return 'the block';
    const before = this.tokens[k - 1];
    if (before?.tokenType === T.Model) return `model '${prev.image}'`;
    if (before?.tokenType === T.Repeat) return "the 'repeat' block";
    if ([T.Flow, T.Train, T.Level].includes(prev.tokenType)) return `the '${prev.image}' block`;
    if (prev.tokenType === T.Identifier) return `the block of '${prev.image}'`;
    return 'the block';
  }

  /** the span a diagnostic about token t points at (end of the previous token at EOF) */
  private at(t: IToken, prev: IToken | undefined): Span {
    if (!isEof(t)) return this.span(t.startOffset, t.startOffset + t.image.length);
    const end = prev && Number.isFinite(prev.startOffset) ? prev.startOffset + prev.image.length : this.text.length;
    return this.span(end, end);
  }

  map(e: IRecognitionException): Diagnostic {
    let p: ErrorPayload;
    try {
      p = JSON.parse(e.message) as ErrorPayload;
    } catch {
      p = { k: 'mismatch', rule: '' };
    }
    const tok = e.token;
    const idx = this.indexOf(tok);
    const prev = this.tokens[idx - 1];
    const span = this.at(tok, prev);
    const found = isEof(tok) ? 'end of file' : describeToken(tok.image);
    const stack = e.context?.ruleStack ?? [];
    const parent = stack[stack.length - 2];
    const startsStatement = [
      T.Model,
      T.Let,
      T.Data,
      T.Latent,
      T.Condition,
      T.Order,
      T.Prior,
      T.Likelihood,
      T.Conditional,
      T.Encoder,
      T.Decoder,
      T.Target,
      T.Flow,
      T.Posterior,
      T.Train,
    ].includes(tok.tokenType);

    if (p.k === 'mismatch') {
      switch (p.expected) {
        case 'RCurly': {
          const open = this.unclosed(idx, T.LCurly, T.RCurly);
          const junk = !isEof(tok) && !startsStatement;
          if (junk && p.rule === 'modelDecl') return makeDiagnostic(C.ExpectedModelStatement, span, { found });
          if (junk && p.rule === 'block') {
            return makeDiagnostic(C.ExpectedLayer, span, {
              found,
              block: open >= 0 ? this.braceOwner(open) : 'the block',
            });
          }
          if (junk && p.rule === 'trainBlock') {
            return makeDiagnostic(C.UnexpectedToken, span, {
              expected: "an entry 'name: value'",
              context: "in the 'train' block",
              found,
            });
          }
          if (open >= 0) {
            const o = this.tokens[open];
            const lc = lineCol(this.text, o.startOffset);
            return makeDiagnostic(C.MissingCloseBrace, span, { owner: this.braceOwner(open), ...lc, found }, [
              { span: this.span(o.startOffset, o.startOffset + 1), message: 'the block opened here' },
            ]);
          }
          return makeDiagnostic(C.UnexpectedToken, span, { expected: "'}'", found });
        }
        case 'RParen': {
          const open = this.unclosed(idx, T.LParen, T.RParen);
          const owner = open >= 0 ? this.parenOwner(open) : 'the call';
          const rel =
            open >= 0
              ? [
                  {
                    span: this.span(this.tokens[open].startOffset, this.tokens[open].startOffset + 1),
                    message: 'the list opened here',
                  },
                ]
              : undefined;
          return makeDiagnostic(C.MissingCloseParen, span, { owner, found }, rel);
        }
        case 'RBracket':
          return makeDiagnostic(C.MissingCloseBracket, span, { found });
        case 'EOF':
          return makeDiagnostic(C.ExpectedTopLevel, span, { found });
        case 'Name':
        case 'Identifier': {
          if (p.rule === 'typeExpr') return makeDiagnostic(C.ExpectedType, span, { found });
          const after = prev && !isEof(prev) ? `'${prev.image}'` : 'this point';
          return makeDiagnostic(C.ExpectedName, span, { after, found });
        }
        case 'Colon':
          return makeDiagnostic(C.ExpectedColon, span, {
            what:
              p.rule === 'varDecl'
                ? 'between the variable name and its type'
                : `after the name ${prev ? `'${prev.image}'` : ''}`.trimEnd(),
            found,
          });
        case 'Equals':
          return makeDiagnostic(C.ExpectedEquals, span, {
            what: `after the name${prev ? ` '${prev.image}'` : ''}`,
            found,
          });
        case 'LCurly': {
          const owner =
            p.rule === 'modelDecl'
              ? `model${prev ? ` '${prev.image}'` : ''}`
              : p.rule === 'trainBlock'
                ? "'train'"
                : parent === 'flowBlock'
                  ? "'flow'"
                  : parent === 'repeatStmt'
                    ? "'repeat'"
                    : parent === 'levelStmt'
                      ? "'level'"
                      : 'the block';
          return makeDiagnostic(C.ExpectedBlock, span, { owner, found });
        }
        case 'LBracket':
          if (parent === 'typeExpr')
            return makeDiagnostic(C.UnexpectedToken, span, {
              expected: "'[' and the shape",
              context: `after the domain${prev ? ` '${prev.image}'` : ''}`,
              found,
            });
          break;
        default:
          break;
      }
      if (isEof(tok))
        return makeDiagnostic(C.UnexpectedEnd, span, { expected: T.describeTokenType(tokenTypeNamed(p.expected)) });
      return makeDiagnostic(C.UnexpectedToken, span, {
        expected: T.describeTokenType(tokenTypeNamed(p.expected)),
        found,
      });
    }
    if (p.k === 'noviable') {
      switch (p.rule) {
        case 'topItem':
          return makeDiagnostic(C.ExpectedTopLevel, span, { found });
        case 'modelStmt':
          return makeDiagnostic(C.ExpectedModelStatement, span, { found });
        case 'repeatStmt':
          return makeDiagnostic(C.RepeatCount, span, { found });
        case 'posteriorDecl':
          return makeDiagnostic(C.UnexpectedToken, span, {
            expected: "'flow { ... }' or a posterior such as 'gaussian'",
            context: "after 'posterior'",
            found,
          });
        case 'expr':
        case 'arg':
        case 'nameExpr': {
          const open = this.unclosed(idx, T.LParen, T.RParen);
          if ((startsStatement || tok.tokenType === T.RCurly || isEof(tok)) && open >= 0 && stack.includes('argList')) {
            return makeDiagnostic(C.MissingCloseParen, span, { owner: this.parenOwner(open), found }, [
              {
                span: this.span(this.tokens[open].startOffset, this.tokens[open].startOffset + 1),
                message: 'the list opened here',
              },
            ]);
          }
          if (isEof(tok)) return makeDiagnostic(C.UnexpectedEnd, span, { expected: 'a value' });
          return makeDiagnostic(C.ExpectedValue, span, {
            found,
            context: prev && !isEof(prev) ? `after '${prev.image}'` : undefined,
          });
        }
        default:
          return makeDiagnostic(C.UnexpectedToken, span, { expected: 'something else', found });
      }
    }
    if (p.k === 'notall') return makeDiagnostic(C.ExpectedTopLevel, span, { found });
    return makeDiagnostic(C.UnexpectedToken, span, { expected: 'something else', found });
  }
}

function tokenTypeNamed(name: string | undefined): T.TokenType {
  return T.ALL_TOKENS.find((t) => t.name === name) ?? T.Name;
}
