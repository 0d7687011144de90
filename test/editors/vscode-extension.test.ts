// The VS Code extension's manifest points at files that exist and agree with each other; the
// YAML schema it contributes is the one the registry generates and accepts the YAML specs.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { expect, test } from 'vitest';
import { Ajv } from 'ajv';
import { parse as parseYaml } from 'yaml';
import { generateSchema } from '../../compiler/schema.js';
import { ROOT } from './fixtures.js';

const EXT = ROOT + 'editors/vscode/';
const manifest = JSON.parse(readFileSync(EXT + 'package.json', 'utf8'));

test('manifest: language, grammar, yamlValidation, client entry', () => {
  const lang = manifest.contributes.languages.find((l: any) => l.id === 'flow');
  expect(lang.extensions).toEqual(['.flow']);
  expect(JSON.parse(readFileSync(EXT + lang.configuration, 'utf8')).comments.lineComment).toBe('//');
  const g = manifest.contributes.grammars.find((x: any) => x.language === 'flow');
  const grammar = JSON.parse(readFileSync(EXT + g.path, 'utf8'));
  expect(grammar.scopeName).toBe(g.scopeName);
  const yv = manifest.contributes.yamlValidation[0];
  expect(yv.fileMatch).toContain('*.flow.yaml');
  expect(existsSync(EXT + yv.url)).toBe(true);
  expect(manifest.main).toBe('./out/extension.js');
  expect(existsSync(EXT + 'src/extension.ts')).toBe(true);
  expect(readFileSync(EXT + 'src/extension.ts', 'utf8')).toContain("'lsp'");
  // the client is compiled by its own tsconfig, not the root one
  const root = JSON.parse(readFileSync(ROOT + 'tsconfig.json', 'utf8'));
  expect(root.include.some((p: string) => p.startsWith('editors/vscode'))).toBe(false);
});

test(
  'flow.schema.json is the schema generated from the registry (regenerate: cd ' + 'editors/vscode && npm run schema)',
  () => {
    const committed = JSON.parse(readFileSync(EXT + 'flow.schema.json', 'utf8'));
    expect(committed).toEqual(JSON.parse(JSON.stringify(generateSchema())));
  },
);

test('the contributed schema accepts the YAML specs and rejects a broken one', () => {
  const schema = JSON.parse(readFileSync(EXT + 'flow.schema.json', 'utf8'));
  const ajv = new Ajv({ allErrors: true, strict: false });
  const validate = ajv.compile(schema);
  const dirs = ['specs', 'examples'].map((d) => ROOT + d).filter(existsSync);
  const files = dirs.flatMap((d) =>
    readdirSync(d)
      .filter((f) => /\.flow\.ya?ml$/.test(f))
      .map((f) => `${d}/${f}`),
  );
  for (const f of files) {
    const ok = validate(parseYaml(readFileSync(f, 'utf8')));
    expect(ok, `${f}: ${JSON.stringify(validate.errors?.slice(0, 3))}`).toBe(true);
  }
  expect(validate({ models: { M: { data: 'x: real[2]', nonsense_key: 1 } }, bogus_top_level: true })).toBe(false);
});
