// Linear-time guards for the YAML form: a nesting-depth scan run before the `yaml` package (whose
// composer recurses and overflows the stack past ~900 levels), and the duplicate-key check done
// over the parsed document (the package's own `uniqueKeys` compares all pairs: 100k keys took 72 s).
import type { Document, Node, Pair } from 'yaml';
import { yaml } from './lazy-deps.js';
import type { Span } from './ast.js';
import { makeDiagnostic, type Diagnostic } from './diagnostic.js';
import * as C from './syntax-codes.js';

/**
 * The offset where the nesting of collections first exceeds `limit`, or undefined. Nesting counts
 * block indentation levels, `- ` items opening a line and open flow brackets `[` `{` (outside
 * quotes and comments). An over-estimate on odd files (block scalars) only matters past the limit.
 */
export function yamlTooDeep(text: string, limit: number): number | undefined {
  const indents: number[] = [];
  let flow = 0;
  let pos = 0;
  while (pos <= text.length) {
    let eol = text.indexOf('\n', pos);
    if (eol < 0) eol = text.length;
    let i = pos;
    while (i < eol && (text[i] === ' ' || text[i] === '\t')) i++;
    const blank = i >= eol || text[i] === '#' || text[i] === '\r';
    if (!blank && flow === 0) {
      const indent = i - pos;
      while (indents.length && indents[indents.length - 1] >= indent) indents.pop();
      indents.push(indent);
    }
    let dashes = 0;
    while (!blank && flow === 0 && text[i] === '-' && (text[i + 1] === ' ' || text[i + 1] === '\t')) {
      dashes++;
      i += 2;
      while (i < eol && text[i] === ' ') i++;
      if (indents.length + dashes > limit) return i;
    }
    let quote = '';
    for (; i < eol; i++) {
      const ch = text[i];
      if (quote) {
        if (ch === quote) quote = '';
      } else if (ch === '"' || ch === "'") quote = ch;
      else if (ch === '#' && (i === pos || text[i - 1] === ' ' || text[i - 1] === '\t')) break;
      else if (ch === '[' || ch === '{') {
        flow++;
        if (indents.length + dashes + flow > limit) return i;
      } else if (ch === ']' || ch === '}') flow = Math.max(0, flow - 1);
    }
    if (indents.length + dashes > limit) return pos;
    pos = eol + 1;
  }
  return undefined;
}

/** FC150 "Map keys must be unique" at each repeated scalar key of a mapping (the message `yaml` gives) */
export function duplicateKeys(doc: Document, at: (start: number, end: number) => Span): Diagnostic[] {
  const { isMap, isSeq, isPair, isScalar } = yaml();
  const out: Diagnostic[] = [];
  const todo: unknown[] = [doc.contents];
  while (todo.length) {
    const n = todo.pop();
    if (isMap(n)) {
      const seen = new Set<string>();
      for (const p of n.items as Pair[]) {
        const k = p.key;
        if (isScalar(k)) {
          const key = `${typeof k.value}:${String(k.value)}`;
          if (seen.has(key)) {
            const r = (k as Node).range;
            const span = r ? at(r[0], r[1]) : at(0, 0);
            out.push(makeDiagnostic(C.YamlSyntax, span, { detail: 'Map keys must be unique' }));
          }
          seen.add(key);
        } else if (k) todo.push(k);
        todo.push(p.value);
      }
    } else if (isSeq(n)) {
      for (const item of n.items) todo.push(item);
    } else if (isPair(n)) {
      todo.push(n.key, n.value);
    }
  }
  return out;
}
