// Python source helpers for the emitted code: literals, calls with keyword arguments.

/** a Python literal for a JSON value (lists inline) */
export function py(v: unknown): string {
  if (v === null || v === undefined) return 'None';
  if (v === true) return 'True';
  if (v === false) return 'False';
  if (typeof v === 'number') return Number.isInteger(v) ? String(v) : String(v);
  if (typeof v === 'string') return JSON.stringify(v);
  if (Array.isArray(v)) return `[${v.map(py).join(', ')}]`;
  const o = v as Record<string, unknown>;
  return `{${Object.entries(o)
    .map(([k, x]) => `${JSON.stringify(k)}: ${py(x)}`)
    .join(', ')}}`;
}

/** `f(a, b, k=v)`: positional then keyword arguments (undefined ones left out) */
export function call(f: string, pos: unknown[], kw: Record<string, unknown> = {}, raw = new Set<string>()): string {
  const args = [
    ...pos.map((v) => (typeof v === 'object' && v && 'code' in v ? (v as { code: string }).code : py(v))),
    ...Object.entries(kw)
      .filter(([, v]) => v !== undefined)
      .map(([k, v]) => `${k}=${raw.has(k) || (typeof v === 'object' && v && 'code' in v) ? codeOf(v) : py(v)}`),
  ];
  return `${f}(${args.join(', ')})`;
}

/** call() on one line when it fits in `width` characters, else one keyword argument per line at `indent` */
export function callWrapped(
  f: string,
  pos: unknown[],
  kw: Record<string, unknown>,
  indent: string,
  width = 100,
): string {
  const one = call(f, pos, kw);
  if (one.length <= width) return one;
  const args = call('', pos, kw).slice(1, -1);
  // split the argument list at top-level commas (not inside brackets, strings)
  const parts: string[] = [];
  let depth = 0,
    start = 0,
    quote = '';
  for (let i = 0; i < args.length; i++) {
    const ch = args[i]!;
    if (quote) {
      if (ch === quote && args[i - 1] !== '\\') quote = '';
    } else if (ch === '"' || ch === "'") quote = ch;
    else if ('([{'.includes(ch)) depth++;
    else if (')]}'.includes(ch)) depth--;
    else if (ch === ',' && depth === 0) {
      parts.push(args.slice(start, i).trim());
      start = i + 1;
    }
  }
  parts.push(args.slice(start).trim());
  // positional arguments stay on the first line, one keyword argument per line after them
  const head = parts.slice(0, pos.length).join(', ');
  return `${f}(${head ? `${head},` : ''}\n${parts
    .slice(pos.length)
    .map((p) => indent + p)
    .join(',\n')})`;
}

/** source code passed through call() unquoted */
export const code = (s: string): { code: string } => ({ code: s });
const codeOf = (v: unknown): string =>
  typeof v === 'object' && v && 'code' in v ? (v as { code: string }).code : String(v);

/** arrays longer than this are read from model.ir.json instead of written inline */
export const INLINE_MAX = 16;
