// Token types of the .flow language. Keywords also belong to the `Name` category so they may
// be used where any name is allowed (argument names such as `mask:` or `data:`, values such
// as `order`); statement dispatch uses the specific keyword tokens.
import type { TokenType } from 'chevrotain';
import { createToken, Lexer } from './chevrotain.js';
export type { TokenType };
export type TokenTypeList = TokenType[];

export const WhiteSpace = createToken({
  name: 'WhiteSpace',
  pattern: /[ \t\r\n\f\v\u00a0\ufeff]+/,
  group: Lexer.SKIPPED,
});
export const LineComment = createToken({ name: 'LineComment', pattern: /\/\/[^\n\r]*/, group: 'comments' });
export const BlockComment = createToken({ name: 'BlockComment', pattern: /\/\*[\s\S]*?\*\//, group: 'comments' });
/** `/* ...` running to the end of the file: reported as FC102, kept as a comment */
export const UnterminatedBlockComment = createToken({
  name: 'UnterminatedBlockComment',
  pattern: /\/\*[\s\S]*/,
  group: 'comments',
});

/** abstract category: any identifier or keyword */
export const Name = createToken({ name: 'Name', pattern: Lexer.NA });
export const Identifier = createToken({ name: 'Identifier', pattern: /[A-Za-z_][A-Za-z0-9_]*/, categories: [Name] });

/**
 * abstract category: keywords that start a statement. As values they are bare words only
 * (`split(prior: conditional)`), never calls or blocks.
 */
export const StatementKeyword = createToken({ name: 'StatementKeyword', pattern: Lexer.NA });

function keyword(word: string, name: string, statement = true): TokenType {
  return createToken({
    name,
    pattern: new RegExp(`${word}(?![A-Za-z0-9_])`),
    longer_alt: Identifier,
    categories: statement ? [Name, StatementKeyword] : [Name],
  });
}
export const Model = keyword('model', 'Model');
export const Let = keyword('let', 'Let');
export const Data = keyword('data', 'Data');
export const Latent = keyword('latent', 'Latent');
/** `condition y: categorical(10)`: a variable the model is conditioned on (not a statement word elsewhere) */
export const Condition = keyword('condition', 'Condition', false);
export const Order = keyword('order', 'Order', false);
export const Mask = keyword('mask', 'Mask', false);
export const Prior = keyword('prior', 'Prior');
export const Likelihood = keyword('likelihood', 'Likelihood');
export const Conditional = keyword('conditional', 'Conditional');
export const Encoder = keyword('encoder', 'Encoder');
export const Decoder = keyword('decoder', 'Decoder');
export const Target = keyword('target', 'Target');
export const Flow = keyword('flow', 'Flow');
export const Posterior = keyword('posterior', 'Posterior');
export const Repeat = keyword('repeat', 'Repeat');
export const Level = keyword('level', 'Level');
export const Train = keyword('train', 'Train');
export const True = createToken({ name: 'True', pattern: /true(?![A-Za-z0-9_])/, longer_alt: Identifier });
export const False = createToken({ name: 'False', pattern: /false(?![A-Za-z0-9_])/, longer_alt: Identifier });

export const NumberLiteral = createToken({
  name: 'NumberLiteral',
  pattern: /[-+]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][-+]?\d+)?/,
});
export const StringLiteral = createToken({
  name: 'StringLiteral',
  pattern: /"(?:[^"\\\r\n]|\\.)*"|'(?:[^'\\\r\n]|\\.)*'/,
});
/** a string whose closing quote is missing on its line: reported as FC103, parsed as a string */
export const UnterminatedString = createToken({
  name: 'UnterminatedString',
  pattern: /"(?:[^"\\\r\n]|\\.)*|'(?:[^'\\\r\n]|\\.)*/,
});

export const LCurly = createToken({ name: 'LCurly', pattern: '{', label: "'{'" });
export const RCurly = createToken({ name: 'RCurly', pattern: '}', label: "'}'" });
export const LParen = createToken({ name: 'LParen', pattern: '(', label: "'('" });
export const RParen = createToken({ name: 'RParen', pattern: ')', label: "')'" });
export const LBracket = createToken({ name: 'LBracket', pattern: '[', label: "'['" });
export const RBracket = createToken({ name: 'RBracket', pattern: ']', label: "']'" });
export const Comma = createToken({ name: 'Comma', pattern: ',', label: "','" });
export const Colon = createToken({ name: 'Colon', pattern: ':', label: "':'" });
export const Equals = createToken({ name: 'Equals', pattern: '=', label: "'='" });
export const Bang = createToken({ name: 'Bang', pattern: '!', label: "'!'" });
export const Semicolon = createToken({ name: 'Semicolon', pattern: ';', label: "';'" });

export const KEYWORDS: readonly TokenType[] = [
  Model,
  Let,
  Data,
  Latent,
  Condition,
  Order,
  Mask,
  Prior,
  Likelihood,
  Conditional,
  Encoder,
  Decoder,
  Target,
  Flow,
  Posterior,
  Repeat,
  Level,
  Train,
];

/** lexer order matters: comments before anything starting with '/', keywords before Identifier */
export const ALL_TOKENS: readonly TokenType[] = [
  WhiteSpace,
  LineComment,
  BlockComment,
  UnterminatedBlockComment,
  ...KEYWORDS,
  True,
  False,
  Identifier,
  Name,
  StatementKeyword,
  NumberLiteral,
  StringLiteral,
  UnterminatedString,
  LCurly,
  RCurly,
  LParen,
  RParen,
  LBracket,
  RBracket,
  Comma,
  Colon,
  Equals,
  Bang,
  Semicolon,
];

/** how a token type reads in a message: keywords as 'model', punctuation as '{' */
export function describeTokenType(t: TokenType): string {
  if (KEYWORDS.includes(t) || t === True || t === False) return `'${t.name.toLowerCase()}'`;
  switch (t) {
    case Name:
    case Identifier:
    case StatementKeyword:
      return 'a name';
    case NumberLiteral:
      return 'a number';
    case StringLiteral:
    case UnterminatedString:
      return 'a string';
    default:
      return typeof t.LABEL === 'string' ? t.LABEL : t.name;
  }
}
