// Front-end limits: checked before the expensive work, each reported with its own diagnostic
// (grammar/syntax-codes.ts) that names the value and the limit. The checker's limits (sizes,
// counts of layers) are compiler/ concerns.

/**
 * Largest spec file, in bytes (UTF-8), checked before lexing. Parsing costs ~110× the source size
 * on the heap (a 50 MB file ran the parser out of memory); the largest spec of the library is
 * ~4 KB and a 10,000-line file ~400 KB.
 */
export const MAX_SOURCE_BYTES = 2 * 1024 * 1024;

/**
 * Deepest nesting of YAML collections (block indentation levels, flow brackets, `- - -` items).
 * The `yaml` package composes recursively and overflows the stack past ~900 levels; the deepest
 * real spec needs under 10.
 */
export const MAX_YAML_DEPTH = 100;

/** UTF-8 size of a string without encoding it */
export function utf8Bytes(text: string): number {
  return Buffer.byteLength(text, 'utf8');
}

/**
 * Unicode bidirectional controls (embeddings, overrides, isolates, marks): text containing them
 * can display in an order that differs from how it parses ("Trojan Source", CVE-2021-42574).
 */
export const BIDI_CONTROLS = /[\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;

/** offsets of the bidi control characters in `text` */
export function bidiControls(text: string): number[] {
  const out: number[] = [];
  for (const m of text.matchAll(BIDI_CONTROLS)) out.push(m.index);
  return out;
}
