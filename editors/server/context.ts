// What the cursor is in, read from the text (the AST of a half-typed line is often broken):
// comments and strings are skipped, brackets are matched, and the innermost open bracket and
// the words before the cursor decide the completion context.

export type Ctx =
  | { kind: 'none' }
  /** top level, model body, a layer block (`category` of its layers), a train block entry */
  | { kind: 'statement'; block: 'top' | 'model' | 'train' | string; prefix: string }
  /** after a slot keyword (`prior `), `order `, `mask m = `, `data x: ` */
  | { kind: 'slot'; slot: string }
  /** at an argument's start inside `callee( ... )`; `index` = positional index */
  | { kind: 'arg'; callee: string; used: string[]; index: number }
  /** after `name:` inside `callee( ... )` or a train block (callee 'train') */
  | { kind: 'value'; callee: string; arg: string }
  /** after `!` */
  | { kind: 'mask' }
  | { kind: 'list' };

interface Open {
  ch: string;
  pos: number;
}

/** the stack of unclosed brackets before `offset`, or null when the offset is inside a comment or string */
export function openBrackets(text: string, offset: number): Open[] | null {
  const stack: Open[] = [];
  let i = 0;
  while (i < offset) {
    const c = text[i]!;
    if (c === '/' && text[i + 1] === '/') {
      const nl = text.indexOf('\n', i);
      if (nl < 0 || nl >= offset) return null;
      i = nl + 1;
      continue;
    }
    if (c === '/' && text[i + 1] === '*') {
      const end = text.indexOf('*/', i + 2);
      if (end < 0 || end + 2 > offset) return null;
      i = end + 2;
      continue;
    }
    if (c === '"' || c === "'") {
      let j = i + 1;
      while (j < text.length && text[j] !== c && text[j] !== '\n') j += text[j] === '\\' ? 2 : 1;
      if (j >= offset) return null;
      i = j + 1;
      continue;
    }
    if (c === '(' || c === '[' || c === '{') stack.push({ ch: c, pos: i });
    else if (c === ')' || c === ']' || c === '}') {
      const want = c === ')' ? '(' : c === ']' ? '[' : '{';
      // pop to the matching opener (tolerates stray closers while typing)
      const at = stack.map((o) => o.ch).lastIndexOf(want);
      if (at >= 0) stack.length = at;
    }
    i++;
  }
  return stack;
}

const IDENT_BEFORE = /([A-Za-z_][A-Za-z0-9_]*)\s*$/;

function skipBack(text: string, i: number): number {
  while (i > 0 && /\s/.test(text[i - 1]!)) i--;
  return i;
}

/** index of the '(' matching the ')' at `close`, scanning back; -1 if none */
function matchBack(text: string, close: number): number {
  let depth = 0;
  for (let i = close; i >= 0; i--) {
    if (text[i] === ')') depth++;
    else if (text[i] === '(' && --depth === 0) return i;
  }
  return -1;
}

/** the block owner before a '{': `flow`, `repeat`, `model`, `train`, `level`, or a call name */
function blockOwner(text: string, brace: number): { owner: string; before: string } {
  let i = skipBack(text, brace);
  if (text[i - 1] === ')') {
    const open = matchBack(text, i - 1);
    if (open >= 0) i = skipBack(text, open);
  }
  const head = text.slice(0, i);
  const m = IDENT_BEFORE.exec(head) ?? /([0-9.eE+-]+)\s*$/.exec(head);
  if (!m) return { owner: '', before: '' };
  const rest = head.slice(0, head.length - m[0].length);
  const prev = IDENT_BEFORE.exec(rest)?.[1] ?? '';
  if (prev === 'repeat') return { owner: 'repeat', before: '' };
  return { owner: m[1]!, before: prev };
}

/**
 * The completion context at `offset`. `blockCategory(owner)` maps a call name with a block
 * (pixelcnn, dequantize) to the category of its layers (from the registry).
 */
export function contextAt(text: string, offset: number, blockCategory: (owner: string) => string | undefined): Ctx {
  const stack = openBrackets(text, offset);
  if (!stack) return { kind: 'none' };
  let wordStart = offset;
  while (wordStart > 0 && /[A-Za-z0-9_]/.test(text[wordStart - 1]!)) wordStart--;
  const prevIdx = skipBack(text, wordStart) - 1;
  const prev = prevIdx >= 0 ? text[prevIdx]! : '';
  const top = stack[stack.length - 1];

  if (prev === '!') return { kind: 'mask' };
  if (top?.ch === '[') return { kind: 'list' };

  if (top?.ch === '(') {
    const callee = IDENT_BEFORE.exec(text.slice(0, top.pos))?.[1] ?? '';
    if (prev === ':') {
      const arg = IDENT_BEFORE.exec(text.slice(0, prevIdx))?.[1] ?? '';
      return { kind: 'value', callee, arg };
    }
    if (prev === '(' || prev === ',') {
      const inner = text.slice(top.pos + 1, wordStart);
      const used = [...inner.matchAll(/([A-Za-z_][A-Za-z0-9_]*)\s*:/g)].map((m) => m[1]!);
      return { kind: 'arg', callee, used, index: topLevelCommas(inner) };
    }
    return { kind: 'none' };
  }

  // statement position: the words on this line (since '{', ';' or a newline) before the cursor
  const lineStart =
    Math.max(text.lastIndexOf('\n', wordStart - 1), text.lastIndexOf(';', wordStart - 1), top ? top.pos : -1) + 1;
  const prefix = text.slice(lineStart, wordStart).trim();
  let block = 'top';
  if (top) {
    for (let k = stack.length - 1; k >= 0; k--) {
      const { owner, before } = blockOwner(text, stack[k]!.pos);
      if (before === 'model') {
        block = 'model';
        break;
      }
      if (owner === 'train') {
        block = 'train';
        break;
      }
      if (owner === 'flow') {
        block = 'flow';
        break;
      }
      if (owner === 'repeat' || owner === 'level') continue;
      block = blockCategory(owner) ?? 'flow';
      break;
    }
  }
  if (block === 'train') {
    if (prev === ':')
      return { kind: 'value', callee: 'train', arg: IDENT_BEFORE.exec(text.slice(0, prevIdx))?.[1] ?? '' };
    return {
      kind: 'arg',
      callee: 'train',
      used: [...text.slice(top!.pos, wordStart).matchAll(/([A-Za-z_][A-Za-z0-9_]*)\s*:/g)].map((m) => m[1]!),
      index: -1,
    };
  }
  if (/^(prior|likelihood|conditional|encoder|decoder|target|posterior|order)$/.test(prefix))
    return { kind: 'slot', slot: prefix };
  if (/^mask\s+[A-Za-z_][A-Za-z0-9_]*\s*=$/.test(prefix)) return { kind: 'slot', slot: 'mask' };
  if (/^(data|latent)\s+[A-Za-z_][A-Za-z0-9_]*\s*:$/.test(prefix)) return { kind: 'slot', slot: 'domain' };
  if (/^let\s+[A-Za-z_][A-Za-z0-9_]*\s*=$/.test(prefix)) return { kind: 'list' };
  if (prefix === '' || prefix === '}') return { kind: 'statement', block, prefix };
  return { kind: 'none' };
}

function topLevelCommas(s: string): number {
  let depth = 0,
    n = 0;
  for (const c of s) {
    if (c === '(' || c === '[' || c === '{') depth++;
    else if (c === ')' || c === ']' || c === '}') depth--;
    else if (c === ',' && depth === 0) n++;
  }
  return n;
}
