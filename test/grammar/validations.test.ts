// The shared lexer and parser skip chevrotain's definition validations at start-up (flowc and
// the language server start faster); here they run, so a grammar or token mistake still fails.
import { describe, expect, it } from 'vitest';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { Lexer } from '../../grammar/chevrotain.js';
import { LEXER_CONFIG, flowLexer } from '../../grammar/lexer.js';
import { FlowParser } from '../../grammar/parser.js';
import * as T from '../../grammar/tokens.js';
import { ROOT } from './helpers.js';

describe('chevrotain definition validations', () => {
  it('the token definitions pass the lexer validations, and lex the spec library as the shared lexer does', () => {
    const checked = new Lexer(T.ALL_TOKENS as T.TokenTypeList, { ...LEXER_CONFIG, skipValidations: false });
    expect(checked.lexerDefinitionErrors).toEqual([]);
    const dir = join(ROOT, 'specs');
    for (const f of readdirSync(dir).filter((x) => x.endsWith('.flow'))) {
      const text = readFileSync(join(dir, f), 'utf8');
      const a = checked.tokenize(text).tokens.map((t) => `${t.tokenType.name}@${t.startOffset}`);
      const b = flowLexer.tokenize(text).tokens.map((t) => `${t.tokenType.name}@${t.startOffset}`);
      expect(b).toEqual(a);
    }
  });

  it('the grammar passes the parser validations (performSelfAnalysis throws otherwise)', () => {
    expect(() => new FlowParser({ validate: true })).not.toThrow();
  });
});
