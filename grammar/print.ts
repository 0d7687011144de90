// printAst: the AST as indented JSON, for `--dump-ast`. With `spans`, each span is printed as
// [start, end] offsets (the file name is the dump's, so it is left out).
import type { FileNode } from './ast.js';
import { stripSpans } from './strip.js';

export interface PrintOptions {
  spans?: boolean;
}

export function printAst(file: FileNode, opts: PrintOptions = {}): string {
  if (!opts.spans) return JSON.stringify(stripSpans(file), null, 2);
  return JSON.stringify(
    file,
    (key, value: unknown) => {
      if (key === 'span' && value && typeof value === 'object') {
        const s = value as { start: number; end: number };
        return [s.start, s.end];
      }
      return value;
    },
    2,
  );
}
