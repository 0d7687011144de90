// Tests that run compiled code (the flowc binary, worker threads, the threaded wasm probe) need
// dist/ up to date: `npm ci` builds it through `prepare`; during development a source may be newer.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll } from 'vitest';

export const ROOT = join(import.meta.dirname, '..', '..');

function newestMtime(dir: string): number {
  let t = 0;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) t = Math.max(t, newestMtime(p));
    else if (e.name.endsWith('.ts')) t = Math.max(t, statSync(p).mtimeMs);
  }
  return t;
}

/** before the file's tests: rebuilds dist/ when `built` is missing or older than a source in `dirs` */
export function useFreshDist(built: string, dirs: string[]): void {
  beforeAll(() => {
    const file = join(ROOT, built);
    const stale = !existsSync(file) || dirs.some((d) => newestMtime(join(ROOT, d)) > statSync(file).mtimeMs);
    if (stale) spawnSync('npx', ['tsc', '-p', 'tsconfig.json'], { cwd: ROOT, stdio: 'ignore' });
  }, 180_000);
}
