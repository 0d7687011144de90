#!/usr/bin/env node
// Fails (exit 1) on any source line longer than 120 characters, listing each as file:line (`npm run lint:lines`).
// Source: the .ts/.mts/.js/.mjs/.wat/.py files under the folders below and index.ts; generated and vendored folders
// are skipped. Characters are Unicode code points (so `→` or `∘` counts one). Optional arguments: files or
// folders to check instead.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

export const MAX = 120;
const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const FOLDERS = [
  'bench',
  'bin',
  'cli',
  'compiler',
  'editors',
  'examples',
  'grammar',
  'playground',
  'runtime',
  'scripts',
  'targets',
  'test',
];
const FILES = ['index.ts', 'eslint.config.js', 'vitest.config.ts'];
const SKIP = new Set(['node_modules', 'dist', 'out', 'golden', 'fixtures', 'results', 'coverage']);
const SOURCE = /\.(ts|mts|js|mjs|wat|py)$/;

function* walk(path) {
  const st = statSync(path, { throwIfNoEntry: false });
  if (!st) return;
  if (st.isFile()) {
    if (SOURCE.test(path)) yield path;
    return;
  }
  for (const e of readdirSync(path, { withFileTypes: true })) {
    if (e.isDirectory() && (SKIP.has(e.name) || e.name.startsWith('.'))) continue;
    yield* walk(join(path, e.name));
  }
}

/** the lines over MAX characters of one file's text: [line number, length] */
export function longLines(text) {
  const out = [];
  text.split('\n').forEach((line, i) => {
    const n = [...line.replace(/\r$/, '')].length;
    if (n > MAX) out.push([i + 1, n]);
  });
  return out;
}

function main() {
  const args = process.argv.slice(2);
  const roots = args.length ? args : [...FOLDERS, ...FILES].map((p) => join(ROOT, p));
  let count = 0,
    files = 0;
  for (const root of roots) {
    for (const file of walk(root)) {
      files++;
      for (const [line, n] of longLines(readFileSync(file, 'utf8'))) {
        console.log(`${relative(process.cwd(), file)}:${line}: ${n} characters (at most ${MAX})`);
        count++;
      }
    }
  }
  if (count) {
    console.error(`${count} line(s) over ${MAX} characters in ${files} files checked`);
    process.exit(1);
  }
  console.log(`${files} files checked: no line over ${MAX} characters`);
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) main();
