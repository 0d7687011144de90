// scripts/check-lines.mjs (npm run lint:lines): which lines it reports, counting characters as code points, and
// that the command exits 1 naming file:line on a long line and 0 on a clean folder.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { MAX, longLines } from '../../scripts/check-lines.mjs';

const SCRIPT = join(import.meta.dirname, '..', '..', 'scripts', 'check-lines.mjs');
const dir = mkdtempSync(join(tmpdir(), 'flowc-lines-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('the 120-character line check', () => {
  it('reports exactly the lines over 120 characters, with their lengths', () => {
    expect(MAX).toBe(120);
    const text = ['a'.repeat(120), 'b'.repeat(121), '', 'c'.repeat(300) + '\r'].join('\n');
    expect(longLines(text)).toEqual([
      [2, 121],
      [4, 300],
    ]);
  });

  it('counts a non-ASCII character once (→, ∘, ᵀ are one character each, not two UTF-16 units)', () => {
    expect(longLines('→'.repeat(120))).toEqual([]);
    expect(longLines('𝑥'.repeat(120))).toEqual([]); // outside the BMP: two UTF-16 units, one code point
    expect(longLines('∘'.repeat(121))).toEqual([[1, 121]]);
  });

  it('exits 1 naming file:line for a long line, 0 when every line fits', () => {
    writeFileSync(join(dir, 'ok.ts'), 'export const a = 1;\n');
    const ok = spawnSync(process.execPath, [SCRIPT, dir], { encoding: 'utf8' });
    expect(ok.status).toBe(0);
    writeFileSync(join(dir, 'long.ts'), `// fine\nexport const s = '${'x'.repeat(130)}';\n`);
    const bad = spawnSync(process.execPath, [SCRIPT, dir], { encoding: 'utf8' });
    expect(bad.status).toBe(1);
    expect(bad.stdout).toMatch(/long\.ts:2: 150 characters \(at most 120\)/);
    expect(bad.stdout).not.toMatch(/ok\.ts/);
  });
});
