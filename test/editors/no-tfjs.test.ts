// The language server (and flowc fmt) must start fast: no TensorFlow.js, nothing from runtime/,
// directly or through any import chain. Checked on the source import graph, static and dynamic.
import { existsSync, readFileSync } from 'node:fs';
import { dirname, relative, resolve } from 'node:path';
import { expect, test } from 'vitest';
import { ROOT } from './fixtures.js';

function importGraph(entries: string[]): { files: Set<string>; packages: Set<string> } {
  const files = new Set<string>();
  const packages = new Set<string>();
  const todo = entries.map((e) => resolve(ROOT, e));
  while (todo.length) {
    const f = todo.pop()!;
    if (files.has(f)) continue;
    files.add(f);
    const src = readFileSync(f, 'utf8');
    const specs = [
      ...src.matchAll(/^\s*(?:import|export)\s[^;]*?\sfrom\s+['"]([^'"]+)['"]/gms),
      ...src.matchAll(/^\s*import\s+['"]([^'"]+)['"]/gm),
      ...src.matchAll(/\bimport\(\s*['"]([^'"]+)['"]\s*\)/g),
    ].map((m) => m[1]!);
    for (const s of specs) {
      if (s.startsWith('.')) {
        const ts = resolve(dirname(f), s.replace(/\.js$/, '.ts'));
        if (existsSync(ts)) todo.push(ts);
        else if (existsSync(resolve(dirname(f), s))) todo.push(resolve(dirname(f), s));
      } else packages.add(s.startsWith('@') ? s.split('/').slice(0, 2).join('/') : s.split('/')[0]!);
    }
  }
  return { files, packages };
}

test('the language server and the formatter never reach runtime/ or @tensorflow', () => {
  const { files, packages } = importGraph(['editors/server/main.ts', 'cli/commands/lsp.ts', 'cli/commands/fmt.ts']);
  const rel = [...files].map((f) => relative(ROOT, f));
  // the graph is real: it reaches the compiler and the parser
  expect(rel).toContain('compiler/index.ts');
  expect(rel).toContain('grammar/parse.ts');
  expect(rel).toContain('grammar/format.ts');
  expect(rel.filter((f) => f.startsWith('runtime/'))).toEqual([]);
  expect([...packages].filter((p) => p.startsWith('@tensorflow'))).toEqual([]);
  expect(packages.has('vscode-languageserver')).toBe(true);
});

test('the walker does see a tfjs import when there is one', () => {
  const runtimeEntry = ['runtime/index.ts', 'runtime/build.ts', 'runtime/backend.ts'].find((f) =>
    existsSync(resolve(ROOT, f)),
  );
  if (!runtimeEntry) return expect(runtimeEntry).toBeUndefined();
  expect([...importGraph([runtimeEntry]).packages].some((p) => p.startsWith('@tensorflow'))).toBe(true);
});
