// chevrotain, loaded from its single-file bundle. The package entry (lib/src/api.js) pulls in
// hundreds of small lodash-es modules, which costs ~0.3–0.5 s of module loading on every
// `flowc check` and editor start; the same version ships lib/chevrotain.mjs, one bundled file
// (~30 ms). Every value import of chevrotain in this project goes through here, so all classes
// (token types, GAST productions, parsers) come from the same copy. Types still come from
// 'chevrotain' (`import type`).
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type * as Chevrotain from 'chevrotain';

function bundleUrl(): string | undefined {
  try {
    const entry = createRequire(import.meta.url).resolve('chevrotain'); // …/chevrotain/lib/src/api.js
    const bundle = join(dirname(entry), '..', 'chevrotain.mjs');
    return existsSync(bundle) ? pathToFileURL(bundle).href : undefined;
  } catch {
    return undefined;
  }
}

const url = bundleUrl();
const chevrotain: typeof Chevrotain = url ? await import(url) : await import('chevrotain');

export const { createToken, Lexer, CstParser, EOF, tokenMatcher, generateCstDts } = chevrotain;
