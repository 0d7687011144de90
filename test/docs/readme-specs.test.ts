// The README's spec library table names every spec in specs/ (a spec added without a row is invisible to
// users reading the README), and every spec it names exists.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = join(import.meta.dirname, '..', '..');
const README = readFileSync(join(ROOT, 'README.md'), 'utf8');
const table = README.slice(README.indexOf('## The spec library'));
const rows = table.slice(0, table.indexOf('\n\n', table.indexOf('| spec |'))).split('\n');
const named = rows.flatMap((r) => [...(r.split('|')[1] ?? '').matchAll(/`([^`]+\.flow)`/g)].map((m) => m[1]!));

describe("README's spec library", () => {
  it('has a row for every spec in specs/', () => {
    const specs = readdirSync(join(ROOT, 'specs')).filter((f) => f.endsWith('.flow'));
    expect(specs.length).toBeGreaterThan(10);
    expect(specs.filter((f) => !named.includes(f))).toEqual([]);
  });
  it('names only specs that exist', () => {
    expect(named.length).toBeGreaterThan(10);
    expect(named.filter((f) => !existsSync(join(ROOT, 'specs', f)))).toEqual([]);
  });
});
