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

/** source code passed through call() unquoted */
export const code = (s: string): { code: string } => ({ code: s });
const codeOf = (v: unknown): string =>
  typeof v === 'object' && v && 'code' in v ? (v as { code: string }).code : String(v);

/** arrays longer than this are read from model.ir.json instead of written inline */
export const INLINE_MAX = 16;
