// Browser twin of chevrotain.ts (picked by the playground's bundler, playground/build.mjs): the bundler
// resolves chevrotain itself, so there is no file to look up.
export { createToken, Lexer, CstParser, EOF, tokenMatcher, generateCstDts } from 'chevrotain';
