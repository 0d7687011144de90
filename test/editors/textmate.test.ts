// The TextMate grammar (editors/vscode/syntaxes/flow.tmLanguage.json) run by vscode-textmate with
// the oniguruma wasm, as VS Code runs it: hand-checked scopes for every construct, and golden
// token files for the LANGUAGE.md examples and the spec library (UPDATE_GOLDEN=1 rewrites them;
// review the diff before committing).
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { describe, expect, test } from 'vitest';
import { REGISTRY } from '../../compiler/registry/index.js';
import { languageExamples, specFiles } from './fixtures.js';
import { GRAMMAR_PATH, renderTokens, tokenize, type Tok } from './tm.js';

const scopeOf = (toks: Tok[], text: string, nth = 0): string | undefined =>
  toks.filter((t) => t.text === text)[nth]?.scope;

describe('scopes', () => {
  const src = [
    '// a line comment with model and 1e-3 inside',
    'let width = 64',
    'mask cb = !checkerboard',
    'model TwoMoons {',
    '  data x: discrete(256)[1, 28, 28]',
    '  latent z: real[40]',
    '  prior normal /* block */',
    '  order raster(channels: sequential)',
    '  conditional pixelcnn {',
    '    conv(mask: A, kernel: 7)',
    '    conv(mask: B, kernel: 3)',
    '  }',
    '  flow {',
    '    repeat 8 {',
    '      coupling(affine, mask: !cb, flip: true, net: mlp(width, width), scale: tanh)',
    '      squeeze',
    '    }',
    '  }',
    '  posterior flow(amortized: false) { planar }',
    '  train { data: toy(moons, noise: 0.05), batch: 512, lr: 1e-3, a: -2.5E+4, b: +.5, c: 3., s: "x\\"y" }',
    '}',
  ].join('\n');

  test('keywords, declarations, calls, argument keys, literals, comments, operators', async () => {
    const t = await tokenize(src);
    expect(t.filter((x) => x.line === 1).map((x) => x.scope)).toEqual([
      'punctuation.definition.comment.flow',
      'comment.line.double-slash.flow',
    ]);
    expect(scopeOf(t, 'let')).toBe('storage.type.let.flow');
    expect(scopeOf(t, 'width')).toBe('variable.other.constant.flow');
    expect(scopeOf(t, 'mask')).toBe('storage.type.mask.flow');
    expect(scopeOf(t, 'cb')).toBe('variable.other.constant.mask.flow');
    expect(scopeOf(t, '!')).toBe('keyword.operator.complement.flow');
    expect(scopeOf(t, 'checkerboard')).toBe('support.constant.registry.flow');
    expect(scopeOf(t, 'sequential')).toBe('support.constant.registry.flow');
    expect(scopeOf(t, 'model')).toBe('storage.type.model.flow');
    expect(scopeOf(t, 'TwoMoons')).toBe('entity.name.type.model.flow');
    expect(scopeOf(t, 'data')).toBe('storage.type.variable.flow');
    expect(scopeOf(t, 'discrete')).toBe('support.type.domain.flow');
    expect(scopeOf(t, 'real')).toBe('support.type.domain.flow');
    expect(scopeOf(t, 'prior')).toBe('keyword.other.declaration.flow');
    expect(scopeOf(t, 'normal')).toBe('support.function.layer.flow');
    expect(scopeOf(t, 'block')).toBe('comment.block.flow');
    expect(scopeOf(t, 'raster')).toBe('entity.name.function.layer.flow');
    expect(scopeOf(t, 'channels')).toBe('variable.parameter.flow');
    expect(scopeOf(t, 'pixelcnn')).toBe('support.function.layer.flow');
    expect(scopeOf(t, 'conv')).toBe('entity.name.function.layer.flow');
    expect(scopeOf(t, 'A')).toBe('constant.language.mask-type.flow');
    expect(scopeOf(t, 'B')).toBe('constant.language.mask-type.flow');
    expect(scopeOf(t, 'flow')).toBe('keyword.control.block.flow');
    expect(scopeOf(t, 'repeat')).toBe('keyword.control.block.flow');
    expect(scopeOf(t, '8')).toBe('constant.numeric.flow');
    expect(scopeOf(t, 'coupling')).toBe('entity.name.function.layer.flow');
    expect(scopeOf(t, 'affine')).toBe('variable.other.flow');
    expect(scopeOf(t, 'mask', 1)).toBe('variable.parameter.flow'); // `mask:` as an argument key, not the keyword
    expect(scopeOf(t, 'true')).toBe('constant.language.boolean.flow');
    expect(scopeOf(t, 'false')).toBe('constant.language.boolean.flow');
    expect(scopeOf(t, 'squeeze')).toBe('support.function.layer.flow');
    expect(scopeOf(t, 'planar')).toBe('support.function.layer.flow');
    expect(scopeOf(t, 'data', 1)).toBe('variable.parameter.flow'); // `data:` in train
    for (const n of ['0.05', '512', '1e-3', '-2.5E+4', '+.5', '3.'])
      expect(scopeOf(t, n), n).toBe('constant.numeric.flow');
    expect(scopeOf(t, '\\"')).toBe('constant.character.escape.flow');
    expect(t.filter((x) => x.line === 20 && x.scope.startsWith('string.quoted.double')).map((x) => x.text)).toEqual([
      'x',
      'y',
    ]);
    expect(scopeOf(t, '{')).toBe('punctuation.section.block.begin.flow');
  });

  test('a block comment spanning lines keeps its scope until */', async () => {
    const t = await tokenize('/* model M {\n  flow { }\n*/ model N {}');
    expect(
      t
        .filter((x) => x.line <= 2)
        .every((x) => x.scope.startsWith('comment.block') || x.scope.startsWith('punctuation.definition.comment')),
    ).toBe(true);
    expect(scopeOf(t, 'N')).toBe('entity.name.type.model.flow');
  });

  test('every registry kind usable as a bare call is highlighted as a layer', async () => {
    const bare = REGISTRY.filter((k) =>
      ['flow', 'net', 'conditional', 'ar-layer', 'prior', 'likelihood', 'posterior', 'target'].includes(k.category),
    );
    expect(bare.length).toBeGreaterThan(10);
    const missing: string[] = [];
    for (const k of bare) {
      if (k.name === 'flow' || k.name === 'level' || k.name === 'repeat') continue; // block keywords
      const t = await tokenize(`  ${k.name}`);
      if (t[0]?.scope !== 'support.function.layer.flow') missing.push(`${k.category}:${k.name}`);
    }
    expect(missing).toEqual([]);
  });
});

describe('golden tokenization', () => {
  const goldenDir = new URL('./golden/tokens/', import.meta.url);
  const inputs = [...languageExamples(), ...specFiles()];
  test('there is something to tokenize', () => {
    expect(inputs.length).toBeGreaterThanOrEqual(5);
    expect(existsSync(GRAMMAR_PATH)).toBe(true);
  });
  test.each(inputs.map((e) => [e.name, e.text] as const))('%s', async (name, text) => {
    // the first line records which text the tokens belong to, so an edited spec is told apart
    // from a grammar regression
    const header = `# source sha1 ${createHash('sha1').update(text).digest('hex')}\n`;
    const got = header + renderTokens(await tokenize(text));
    const file = new URL(name.replace(/[^A-Za-z0-9_.-]/g, '_') + '.tokens', goldenDir);
    if (process.env.UPDATE_GOLDEN || !existsSync(file)) {
      mkdirSync(goldenDir, { recursive: true });
      writeFileSync(file, got);
      if (!process.env.UPDATE_GOLDEN)
        throw new Error(`wrote a new golden file ${file.pathname}: review it, then rerun`);
    }
    const want = readFileSync(file, 'utf8');
    if (!want.startsWith(header)) {
      throw new Error(
        `${name} changed since its golden tokens were written: rerun with UPDATE_GOLDEN=1 and review the diff`,
      );
    }
    expect(got).toBe(want);
  });
});
