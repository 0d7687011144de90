import { describe, expect, it } from 'vitest';
import { ALL_CODES, ALL_CODE_LISTS, CATALOGUE, lookupCode } from '../../compiler/diagnostics/catalogue.js';
import { NAMES_CODES } from '../../compiler/diagnostics/codes-names.js';
import { TYPES_CODES } from '../../compiler/diagnostics/codes-types.js';
import { SHAPES_CODES } from '../../compiler/diagnostics/codes-shapes.js';

describe('diagnostics catalogue', () => {
  it('has unique codes across every stage', () => {
    const seen = new Map<string, string>();
    const dups: string[] = [];
    for (const d of ALL_CODES) {
      if (seen.has(d.code)) dups.push(`${d.code} (${seen.get(d.code)} / ${d.title})`);
      seen.set(d.code, d.title);
    }
    expect(dups).toEqual([]);
    expect(CATALOGUE.size).toBe(ALL_CODES.length);
  });

  it('gives every code a well-formed code, severity, title, message and hint', () => {
    for (const d of ALL_CODES) {
      expect(d.code, d.title).toMatch(/^FC\d{3}$/);
      expect(['error', 'warning', 'info', 'hint']).toContain(d.severity);
      expect(d.title.length, d.code).toBeGreaterThan(3);
      expect(typeof d.message, d.code).toBe('function');
      expect(typeof d.hint, `${d.code} has no hint`).toBe('function');
    }
  });

  it('keeps each area in its code range', () => {
    const inRange = (defs: readonly { code: string }[], lo: number, hi: number) =>
      defs
        .filter((d) => d.code !== 'FC000')
        .every((d) => {
          const n = Number(d.code.slice(2));
          return n >= lo && n <= hi;
        });
    expect(inRange(NAMES_CODES, 200, 299)).toBe(true);
    expect(inRange(TYPES_CODES, 300, 399)).toBe(true);
    expect(inRange(SHAPES_CODES, 450, 499)).toBe(true);
    expect(ALL_CODE_LISTS.length).toBeGreaterThanOrEqual(6);
  });

  it('finds definitions by code, case-insensitively', () => {
    expect(lookupCode('fc201')?.title).toBe('unknown kind');
    expect(lookupCode('FC999')).toBeUndefined();
  });

  it('renders messages and hints of the checker codes with their parameters', () => {
    const u = lookupCode('FC201')!;
    expect(u.message({ name: 'cuopling', where: 'flow layer', known: 'coupling' })).toBe(
      'unknown flow layer `cuopling`',
    );
    expect(u.hint!({ name: 'cuopling', where: 'flow layer', suggestion: 'coupling', known: '' })).toBe(
      'did you mean `coupling`?',
    );
  });
});
