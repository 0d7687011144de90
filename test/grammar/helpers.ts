// Shared helpers for the grammar tests.
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Diagnostic } from '../../grammar/diagnostic.js';
import { lineCol } from '../../grammar/parse-errors.js';

export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');

/** LANGUAGE.md: the shared design copy next to the repository, or a copy inside it */
export function languageMdPath(): string | undefined {
  const candidates = [
    join(ROOT, '../shared/design/LANGUAGE.md'),
    '/work/shared/design/LANGUAGE.md',
    join(ROOT, 'docs/LANGUAGE.md'),
    join(ROOT, 'LANGUAGE.md'),
  ];
  return candidates.find((p) => existsSync(p));
}

/** the committed copy of LANGUAGE.md's ```flow blocks (used where the shared design folder is absent) */
export const LANGUAGE_FIXTURE = join(ROOT, 'test/grammar/fixtures/language-md-flow-blocks.md');

/** the ```flow blocks of LANGUAGE.md: from the design document when present, else from the fixture */
export function languageBlocks(): string[] {
  const md = languageMdPath();
  return flowBlocks(read(md ?? LANGUAGE_FIXTURE));
}

/** the ```flow code blocks of a markdown text */
export function flowBlocks(md: string): string[] {
  const out: string[] = [];
  const re = /```flow\n([\s\S]*?)```/g;
  for (let m = re.exec(md); m; m = re.exec(md)) out.push(m[1]);
  return out;
}

/**
 * A LANGUAGE.md block as parseable files: whole files stay as they are; snippet blocks
 * (alternatives `order a | b`, `mask` lines, lone layer calls with `...`) become one small file each.
 */
export function examplesOf(block: string): string[] {
  if (/^\s*(model|let)\s/m.test(block)) return [block];
  const out: string[] = [];
  for (const raw of block.split('\n')) {
    const line = raw.replace(/\/\/.*$/, '').trim();
    if (!line) continue;
    if (line.startsWith('order ')) {
      for (const alt of line.slice('order '.length).split(' | '))
        out.push(`model M {\n  data x: real[4]\n  order ${alt.trim()}\n}\n`);
    } else if (line.startsWith('mask ')) {
      out.push(`${raw}\n`);
    } else {
      out.push(`mask cb = checkerboard\nmodel M {\n  flow {\n    ${raw.replace(/,\s*\.\.\.\)/, ')')}\n  }\n}\n`);
    }
  }
  return out;
}

export function specFiles(ext: '.flow' | '.flow.yaml'): string[] {
  const dir = join(ROOT, 'specs');
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((f) => f.endsWith(ext) && (ext === '.flow.yaml' || !f.endsWith('.flow.yaml')))
    .sort()
    .map((f) => join(dir, f));
}

export const read = (p: string): string => readFileSync(p, 'utf8');

/** "line:col code" for each diagnostic, for compact assertions */
export function where(text: string, ds: readonly Diagnostic[]): string[] {
  return ds.map((d) => {
    const { line, col } = lineCol(text, d.span.start);
    return `${line}:${col} ${d.code}`;
  });
}
