// grammar/cst-types.ts is generated from the grammar; this fails when it is out of date.
// To regenerate: write generateCstDts(new FlowParser({ validate: true }).getGAstProductions()) to the file under the
// two comment lines.
import { generateCstDts } from '../../grammar/chevrotain.js';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { CstToAst } from '../../grammar/cst-to-ast.js';
import { FlowParser } from '../../grammar/parser.js';
import { ROOT } from './helpers.js';

it('grammar/cst-types.ts matches the grammar', () => {
  const actual = generateCstDts(new FlowParser({ validate: true }).getGAstProductions());
  const file = readFileSync(join(ROOT, 'grammar/cst-types.ts'), 'utf8');
  const body = file
    .split('\n')
    .filter((l) => !l.startsWith('// '))
    .join('\n');
  expect(body.trim()).toBe(actual.trim());
});

it('the CST visitor has a method for every grammar rule (validateVisitor)', () => {
  expect(() => new CstToAst('', 'x.flow')).not.toThrow();
  const rules = new FlowParser().getGAstProductions();
  for (const name of Object.keys(rules))
    expect(typeof (CstToAst.prototype as unknown as Record<string, unknown>)[name]).toBe('function');
});
